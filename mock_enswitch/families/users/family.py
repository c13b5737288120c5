"""The users family (user/login), as the machinery sees it: functions only (users are the
directory's)."""

from __future__ import annotations

from ..kinds import Family
from .functions import FUNCTIONS

FAMILY = Family("users", FUNCTIONS)
