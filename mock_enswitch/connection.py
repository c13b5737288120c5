"""What the server (server.py) gives the apps, in each call's ASGI scope, of the connection that
carried it."""

DROP_EXTENSION = "mock_enswitch.drop"
"""Drop the connection with nothing written: how a `close` fault looks, to the client, like a
switch that hung up (no status line, no headers)."""
GONE_EXTENSION = "mock_enswitch.gone"
"""Whether the client has gone (a download stops being read from)."""
