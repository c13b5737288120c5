"""The families of the Enswitch API the mock serves: a folder each (`groups/`, `phones/`...)
holding its function table (`functions.py`), its rules (`rules.py`) and its one descriptor
(`family.py`: a `Family`, see `kinds.py`), and the one list of them, `index.FAMILIES`, that the
machinery iterates over. See docs/adding-a-family.md.

This module imports nothing: a family's rules may use another's without loading the list.
"""
