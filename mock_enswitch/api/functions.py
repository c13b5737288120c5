"""The table of Enswitch functions the mock serves: each declared once, in its family's module.

Parsing, validation, version emulation, fuzzing and the OpenAPI document all read this table;
handlers receive clean typed values. A new family is a table module in `families/`, a domain
module, and its fixture shape; this module only puts the families together.
"""

from __future__ import annotations

from .families import calls, cdrs, groups, phones, recordings, users
from .table import Function

FUNCTIONS: tuple[Function, ...] = (
    *groups.FUNCTIONS,
    *recordings.FUNCTIONS,
    *phones.FUNCTIONS,
    *cdrs.FUNCTIONS,
    *calls.FUNCTIONS,
    *users.FUNCTIONS,
)

BY_PATH = {function.path: function for function in FUNCTIONS}

SECRET_PARAMS = frozenset(
    param.name for function in FUNCTIONS for param in function.params if param.secret
)
"""Parameters whose values never reach a log, the journal or an error message."""
