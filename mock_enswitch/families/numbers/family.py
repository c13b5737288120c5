"""The number family, as the machinery sees it (see families/kinds.py)."""

from __future__ import annotations

from ..kinds import INT, TEXT, Family, Records, Reference
from . import rules
from .functions import FUNCTIONS

FAMILY = Family(
    "numbers",
    FUNCTIONS,
    Records(
        rules.KIND,
        "number",
        "numbers.json",
        {"id": INT, "number": TEXT, "ingroup": INT},
        (
            Reference("customer", "customers", none=rules.POOL),
            Reference("owner", "people", none=0, checked_on_load=False),
        ),
        label="number",
        unique=(("number", None),),
    ),
    from_fixture=rules.from_fixture,
    stored=rules.collection,
)
