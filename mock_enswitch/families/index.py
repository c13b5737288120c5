"""Every kind of record and family of functions the mock serves: the one list the machinery
iterates over. The function table, the fixture files and their shapes and references, seeding,
what a deleted record takes with it, and run-time editing all come from here.

A new family is its folder (functions.py, rules.py, family.py), its fixture file if it has
one, and one line in FAMILIES: see docs/adding-a-family.md.
"""

from __future__ import annotations

from .calls import family as calls
from .cdrs import family as cdrs
from .clicktocall import family as clicktocall
from .customers import family as customers
from .groups import family as groups
from .kinds import DECIMAL, INT, TEXT, TEXTS, URL, Family, Records, Reference
from .messages import family as messages
from .numbers import family as numbers
from .phones import family as phones
from .recordings import family as recordings
from .transactions import family as transactions
from .users import family as users

DIRECTORY: tuple[Records, ...] = (
    Records(
        "customers",
        "customer",
        "customers.json",
        {"id": INT, "name": TEXT, "parent": INT, "rate_plan": INT},
        (Reference("parent", "customers", none=0), Reference("rate_plan", "rate_plans")),
        optional={"events_url": URL, "email": TEXT, "balance": DECIMAL, "currency": TEXT},
        editable="customers",
    ),
    Records(
        "rate_plans",
        "rate plan",
        "rate_plans.json",
        {"id": INT, "name": TEXT, "privileges": TEXTS},
        editable="rate_plans",
    ),
    Records(
        "roles",
        "role",
        "roles.json",
        {"id": INT, "name": TEXT, "privileges": TEXTS},
        editable="roles",
    ),
    Records(
        "people",
        "user",
        "users.json",
        {"id": INT, "username": TEXT, "password": TEXT, "customer": INT, "role": INT},
        (Reference("customer", "customers"), Reference("role", "roles")),
        optional={
            name: TEXT
            for name in (
                "forename",
                "surname",
                "fullname",
                "email",
                "mobile",
                "telephone",
                "company",
            )
        },  # fmt: skip
        label="username",
        editable="users",
        unique=(("username", None),),
    ),
)
"""The directory every family stands on: customers, rate plans, roles, users. Small, changed
only by a reset or the control API, read on every call."""

FAMILIES: tuple[Family, ...] = (
    groups.FAMILY,
    phones.FAMILY,
    recordings.FAMILY,
    cdrs.FAMILY,
    calls.FAMILY,
    clicktocall.FAMILY,
    users.FAMILY,
    customers.FAMILY,
    transactions.FAMILY,
    numbers.FAMILY,
    messages.FAMILY,
)
"""The families served, one line each, in seeding order (a line names a record group, so groups
come before lines; recordings before the call records derived from them)."""

KINDS: tuple[Records, ...] = (
    *DIRECTORY,
    *(family.records for family in FAMILIES if family.records is not None),
)
"""Every kind of stored record, the directory first (what the others refer to)."""

SEEDED: tuple[Family, ...] = tuple(family for family in FAMILIES if family.from_fixture)
"""The families whose fixture records pass their own rules, in seeding order (a line names a
record group, so groups come first)."""

BY_KIND: dict[str, Family] = {f.records.kind: f for f in FAMILIES if f.records is not None}
EDITABLE: dict[str, Records] = {r.editable: r for r in KINDS if r.editable}
"""What the control API may add and remove at run time, by its name there."""


FINDS: dict = {name: find for family in FAMILIES for name, find in family.finds.items()}
"""How the simulated switch finds lines and record groups (given to it at start)."""
CALL_ENDED: tuple = tuple(f.on_call_end for f in FAMILIES if f.on_call_end is not None)


def on_delete(kind: str) -> tuple:
    """What goes with a record of `kind` (the families' declared hooks, in their order)."""
    return tuple(f.on_delete[kind] for f in FAMILIES if kind in f.on_delete)
