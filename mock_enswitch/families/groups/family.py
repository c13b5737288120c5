"""The record-group family, as the machinery sees it (see families/kinds.py)."""

from __future__ import annotations

from ..kinds import INT, TEXT, Family, Records, Reference
from . import rules
from .functions import FUNCTIONS

FAMILY = Family(
    "record groups",
    FUNCTIONS,
    Records(
        rules.KIND,
        "record group",
        "record_groups.json",
        {"id": INT, "customer": INT, "name": TEXT},
        (Reference("customer", "customers"),),
    ),
    params_of="recording/groups/create",
    from_fixture=rules.from_fixture,
    stored=rules.collection,
    finds={"record_group": lambda db, group_id: rules.collection(db).get(group_id)},
)
