"""The customer family, as the machinery sees it (see families/kinds.py): its records are the
directory's customers (customers.json), so it declares none of its own."""

from __future__ import annotations

from ..kinds import Family
from .functions import FUNCTIONS

FAMILY = Family("customers", FUNCTIONS)
