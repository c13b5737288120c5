"""One table module per family of Enswitch functions; `api/functions.py` puts them together."""
