"""The transaction family, as the machinery sees it (see families/kinds.py): no file seeds it;
customers/balance/add records its rows."""

from __future__ import annotations

from ..kinds import Family, Records
from . import rules
from .functions import FUNCTIONS

FAMILY = Family(
    "transactions",
    FUNCTIONS,
    Records(rules.KIND, "transaction", None),
    stored=rules.collection,
)
