"""The call-recording family, as the machinery sees it (see families/kinds.py)."""

from __future__ import annotations

from ..groups import rules as groups
from ..kinds import INT, TEXT, Family, Records, Reference
from . import rules
from .functions import FUNCTIONS

FAMILY = Family(
    "call recordings",
    FUNCTIONS,
    Records(
        rules.KIND,
        "recording",
        "recordings.json",
        {"recordgroup": INT, "uniqueid": TEXT, "start": INT},
        (Reference("recordgroup", "record_groups"),),
        numbered_on_load=True,
        unique=(("uniqueid", rules.address),),
    ),
    from_fixture=rules.from_fixture,
    on_delete={groups.KIND: rules.delete_with_group},
)
