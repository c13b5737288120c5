"""`python -m mock_enswitch` is the `mock-enswitch` command."""

from .cli import main

main()
