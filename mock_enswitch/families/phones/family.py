"""The telephone-line family, as the machinery sees it (see families/kinds.py)."""

from __future__ import annotations

from ..groups import rules as groups
from ..kinds import INT, TEXT, Family, Records, Reference
from . import rules
from .functions import FUNCTIONS

FAMILY = Family(
    "telephone lines",
    FUNCTIONS,
    Records(
        rules.KIND,
        "telephone line",
        "phones.json",
        {"id": INT, "name": TEXT, "customer": INT},
        (
            Reference("customer", "customers"),
            Reference("owner", "people", none=0, checked_on_load=False),
        ),
        editable="phones",
    ),
    from_fixture=rules.from_fixture,
    stored=rules.collection,
    on_delete={groups.KIND: rules.forget_group},
)
