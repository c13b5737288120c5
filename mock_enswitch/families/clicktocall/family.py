"""The click-to-call family, as the machinery sees it: functions only (its calls are the
simulated switch's, and so are the legs still to start)."""

from __future__ import annotations

from ..kinds import Family
from .functions import FUNCTIONS

FAMILY = Family("click-to-call", FUNCTIONS)
