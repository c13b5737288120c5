"""Every kind of record and family of functions the mock serves: the one list the machinery
iterates over. The function table, the fixture files and their shapes and references, seeding,
what a deleted record takes with it, and run-time editing all come from here.

A new family is its modules, its fixture file, and one line in FAMILIES. (The modules still
live in api/families/ and domain/; moving each family into a folder of its own is the next step
of issue 25.)
"""

from __future__ import annotations

from .calls import functions as calls
from .cdrs import functions as cdrs
from .cdrs import rules as cdr_rules
from .groups import functions as groups
from .groups import rules as group_rules
from .kinds import INT, TEXT, TEXTS, Family, Records, Reference
from .phones import functions as phones
from .phones import rules as line_rules
from .recordings import functions as recordings
from .recordings import rules as recording_rules
from .users import functions as users

DIRECTORY: tuple[Records, ...] = (
    Records(
        "customers",
        "customer",
        "customers.json",
        {"id": INT, "name": TEXT, "parent": INT, "rate_plan": INT},
        (Reference("parent", "customers", none=0), Reference("rate_plan", "rate_plans")),
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
        label="username",
        editable="users",
    ),
)
"""The directory every family stands on: customers, rate plans, roles, users. Small, changed
only by a reset or the control API, read on every call."""

FAMILIES: tuple[Family, ...] = (
    Family(
        "record groups",
        groups.FUNCTIONS,
        Records(
            group_rules.KIND,
            "record group",
            "record_groups.json",
            {"id": INT, "customer": INT, "name": TEXT},
            (Reference("customer", "customers"),),
        ),
        params_of="recording/groups/create",
        from_fixture=group_rules.from_fixture,
        stored=group_rules.collection,
    ),
    Family(
        "telephone lines",
        phones.FUNCTIONS,
        Records(
            line_rules.KIND,
            "telephone line",
            "phones.json",
            {"id": INT, "name": TEXT, "customer": INT},
            (
                Reference("customer", "customers"),
                Reference("owner", "people", none=0, checked_on_load=False),
            ),
            editable="phones",
        ),
        from_fixture=line_rules.from_fixture,
        stored=line_rules.collection,
        on_delete={group_rules.KIND: line_rules.forget_group},
    ),
    Family(
        "call recordings",
        recordings.FUNCTIONS,
        Records(
            "recordings",
            "recording",
            "recordings.json",
            {"recordgroup": INT, "uniqueid": TEXT, "start": INT},
            (Reference("recordgroup", "record_groups"),),
            numbered_on_load=True,
        ),
        from_fixture=recording_rules.from_fixture,
        on_delete={group_rules.KIND: recording_rules.delete_with_group},
    ),
    Family(
        "call records",
        cdrs.FUNCTIONS,
        Records(cdr_rules.KIND, "call record", None),
        derive=lambda seeded: cdr_rules.from_recordings(seeded["recordings"], seeded["phones"]),
    ),
    Family("active calls", calls.FUNCTIONS),
    Family("users", users.FUNCTIONS),
)

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


def on_delete(kind: str) -> tuple:
    """What goes with a record of `kind` (the families' declared hooks, in their order)."""
    return tuple(f.on_delete[kind] for f in FAMILIES if kind in f.on_delete)
