"""The active-call family, as the machinery sees it: functions only (the calls are the
simulated switch's)."""

from __future__ import annotations

from ..kinds import Family
from .functions import FUNCTIONS

FAMILY = Family("active calls", FUNCTIONS)
