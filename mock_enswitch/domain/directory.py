"""Customers, people, roles and rate plans: who exists, and which customers a person reaches.

Customers nest (system owner > reseller > customer, any depth). A person whose role has the
`system owner` privilege reaches every customer; `reseller` reaches its own customer and all below
it; anyone else reaches only their own customer.
"""

from __future__ import annotations

from typing import NamedTuple

from ..store.database import Database

SYSTEM_OWNER = "system owner"
RESELLER = "reseller"


class Login(NamedTuple):
    """A person as authentication needs them: the record (shared: copy it before handing it
    on), their password as bytes, their role's privileges and their reach."""

    person: dict
    password: bytes
    privileges: frozenset[str]
    reach: frozenset[int]


def login(db: Database, username: str) -> Login | None:
    """What every call's credentials are checked against: worked out once per person until the
    directory changes (`db.memo`; ~1.5 us a call, make bench P1). Unknown names are not kept,
    so a client trying names cannot grow the memo."""
    key = ("login", username)
    found = db.memoized(key)
    if found is None:
        person = person_by_username(db, username)
        if person is None:
            return None
        privileges = role_privileges(db, person["role"])
        password = str(person.get("password", "")).encode()
        reached = reach(db, person["customer"], privileges)
        found = db.memo(key, lambda: Login(person, password, privileges, reached))
    return found


def person_by_username(db: Database, username: str) -> dict | None:
    return db.record_by("people", "username", username)


def role_privileges(db: Database, role_id: int) -> frozenset[str]:
    return db.memo(("role privileges", role_id), lambda: _role_privileges(db, role_id))


def plan_features(db: Database, customer_id: int) -> frozenset[str]:
    return db.memo(("plan features", customer_id), lambda: _plan_features(db, customer_id))


def reach(db: Database, customer_id: int, privileges: frozenset[str]) -> frozenset[int]:
    """The IDs of the customers a person of `customer_id` with `privileges` may act on."""
    return db.memo(("reach", customer_id, privileges), lambda: _reach(db, customer_id, privileges))


def customer_name(db: Database, customer_id: int) -> str:
    customer = db.record("customers", customer_id)
    return customer["name"] if customer else ""


def events_url(db: Database, customer_id: int) -> str:
    """The customer's "Send events to URL" ("" for none): where its calls' events are POSTed."""
    customer = db.record("customers", customer_id) if customer_id else None
    return customer.get("events_url", "") if customer else ""


def subtree(db: Database, customer_id: int) -> frozenset[int]:
    """`customer_id` and every customer below it, at any depth."""
    return db.memo(("subtree", customer_id), lambda: _subtree(db, customer_id))


# Each call asks the above (who is calling, what they reach, what their plan allows); the
# directory changes only at a reset or a run-time edit (/_mock/customers...), which both clear
# `db.memo`, so the answers are kept there until then.


def _role_privileges(db: Database, role_id: int) -> frozenset[str]:
    role = db.record("roles", role_id)
    return frozenset(role.get("privileges", ())) if role else frozenset()


def _plan_features(db: Database, customer_id: int) -> frozenset[str]:
    customer = db.record("customers", customer_id)
    plan = db.record("rate_plans", customer["rate_plan"]) if customer else None
    return frozenset(plan.get("privileges", ())) if plan else frozenset()


def _reach(db: Database, customer_id: int, privileges: frozenset[str]) -> frozenset[int]:
    customers = db.records("customers")
    if SYSTEM_OWNER in privileges:
        return frozenset(c["id"] for c in customers)
    if RESELLER not in privileges:
        return frozenset({customer_id})
    return _subtree(db, customer_id)


def _subtree(db: Database, customer_id: int) -> frozenset[int]:
    children: dict[int, list[int]] = {}
    for customer in db.records("customers"):
        children.setdefault(customer["parent"], []).append(customer["id"])
    reached, pending = set(), [customer_id]
    while pending:
        current = pending.pop()
        if current not in reached:
            reached.add(current)
            pending.extend(children.get(current, ()))
    return frozenset(reached)
