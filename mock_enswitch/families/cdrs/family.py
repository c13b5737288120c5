"""The call-record family, as the machinery sees it (see families/kinds.py): no file seeds
it; each fixture recording's call, ended, leaves its record."""

from __future__ import annotations

from ..kinds import Family, Records
from . import rules
from .functions import FUNCTIONS

FAMILY = Family(
    "call records",
    FUNCTIONS,
    Records(rules.KIND, "call record", None),
    derive=lambda seeded: rules.from_recordings(seeded["recordings"], seeded["phones"]),
    on_call_end=rules.record_call,
    stored=rules.collection,
)
