"""The table of Enswitch functions the mock serves: each declared once, in its family's module,
and gathered here from the list of families (`mock_enswitch/families`).

Parsing, validation, version emulation, fuzzing and the OpenAPI document all read this table;
handlers receive clean typed values.
"""

from __future__ import annotations

from ..families.index import FAMILIES
from .table import Function

FUNCTIONS: tuple[Function, ...] = tuple(
    function for family in FAMILIES for function in family.functions
)

BY_PATH = {function.path: function for function in FUNCTIONS}

SECRET_PARAMS = frozenset(
    param.name for function in FUNCTIONS for param in function.params if param.secret
)
"""Parameters whose values never reach a log, the journal or an error message."""
