"""The text-message family, as the machinery sees it (see families/kinds.py): its messages live
in the switch's outbox, not in the database."""

from __future__ import annotations

from ..kinds import Family
from .functions import FUNCTIONS

FAMILY = Family("text messages", FUNCTIONS)
