"""The telephone-line family, as the machinery sees it (see families/kinds.py)."""

from __future__ import annotations

from ...domain.calls import collection, pending
from ...store.database import Database
from ..groups import rules as groups
from ..kinds import INT, TEXT, Family, Records, Reference
from . import rules
from .functions import FUNCTIONS


def calls_on_line(db: Database, line: dict) -> list[str]:
    """The calls in progress, and the legs still to start, on `line`: it cannot go while they
    last (a leg would start on a line that is gone)."""
    on_it = [
        *(c for c in collection(db).select("live", 1) if c.get("phone") == line["name"]),
        *(leg for leg in pending(db).all() if leg.get("phone") == line["name"]),
    ]
    return [f"call {call.get('callid') or call.get('uniqueid')}" for call in on_it]


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
    in_use=calls_on_line,
    finds={"line": rules.by_name},
)
