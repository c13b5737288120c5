"""Record groups: defaults, the "current value" rule of update, ownership, reach.

Operations take a `RequestContext` whose `target` dispatch has already resolved (the group in reach, or the
customer named) and the typed values the function table let through; they check what only the
domain can (owner belongs to the customer, e-mail addresses), then store, unless the call only
validates. Fixture groups pass through the same `check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...domain.access import RequestContext
from ...domain.errors import BadRequest, NotFound
from ...store.database import Collection, Database
from ...store.indexes import Index
from ...suggest import did_you_mean

KIND = "record_groups"
MESSAGE_CHOICES = ("", "all", "inbound", "inbound_outbound", "internal", "outbound")

NEW_GROUP = {
    "description": "",
    "email": "",
    "expires": 365,
    "fraction": 100,
    "beep": 0,
    "message": "",
    "owner": 0,
    "record_in": 1,
    "record_out": 1,
    "transcribe": 0,
}
"""A new group's settings where create is not told otherwise (the create guide's defaults).

Stored for every group whatever the emulated version, as a real switch's table has every column."""

FIELDS = ("id", "customer", "name", *NEW_GROUP)
NOT_FOUND = "The record group does not exist, or you do not have permission to access it."

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


INDEXES = (Index("customer", "customer"),)
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    return db.collection(KIND, INDEXES)


def find(request: RequestContext, group_id: int) -> dict | None:
    """The group if it exists and its customer is in the caller's reach."""
    group = collection(request.switch.db).get(group_id)
    if group is None or group["customer"] not in request.caller.reach:
        return None
    return group


def reachable(request: RequestContext, group_id: int, key: str) -> dict:
    """A group a parameter other than the function's own names: missing or out of reach is a
    400 naming that parameter (the functions that take one document no 404 for it)."""
    group = find(request, group_id)
    if group is None:
        raise BadRequest(key, f"Invalid record group: {group_id}.")
    return group


@dataclass(frozen=True)
class GroupParam:
    """The record group a function acts on; one outside reach is answered like a missing one."""

    param: str = "id"

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        group = find(request, values.pop(self.param))
        if group is None:
            raise NotFound(NOT_FOUND)
        return group["customer"], group


GROUP = GroupParam()


def create(request: RequestContext, values: dict) -> dict | None:
    group = {**NEW_GROUP, **values, "customer": request.target}
    check(person_lookup(request), group, group)
    if request.validate_only:
        return None
    return {"id": collection(request.switch.db).insert(group)}


def update(request: RequestContext, values: dict) -> None:
    """Parameters not given keep their current value (beep and transcribe: see the table)."""
    group = request.target
    check(person_lookup(request), values, {**group, **values})
    if not request.validate_only:
        collection(request.switch.db).update(group["id"], values)


def get(request: RequestContext, values: dict) -> dict:
    return present(request.target)


def list_(request: RequestContext, values: dict) -> list[dict]:
    return [
        present(group) for group in collection(request.switch.db).select("customer", request.target)
    ]


def delete(request: RequestContext, values: dict) -> None:
    """A group's recordings go with it (our decision: see domain/recordings.py)."""
    if not request.validate_only:
        with request.switch.db.write():  # the group and what goes with it: one durable step
            for hook in request.switch.on_delete(KIND):
                hook(request, request.target)
            collection(request.switch.db).delete([request.target["id"]])


def person_lookup(request: RequestContext) -> Callable[[int], dict | None]:
    return lambda person_id: request.switch.db.record("people", person_id)


def check(person: Callable[[int], dict | None], changes: dict, group: dict) -> None:
    """Rules beyond a parameter's type and bounds, for the fields a call (or a fixture) sets."""
    if changes.get("owner"):
        owner = person(changes["owner"])
        if owner is None or owner["customer"] != group["customer"]:
            raise BadRequest(
                "owner",
                f"Invalid owner: {changes['owner']} is not a user of customer {group['customer']}.",
            )
    if changes.get("email"):
        for address in changes["email"].split(","):
            if not EMAIL.match(address.strip()):
                raise BadRequest("email", f"Invalid email address: {address.strip()!r}.")


def present(group: dict) -> dict:
    """A stored group as get and list return it: its fields in a stable order."""
    return {name: group[name] for name in FIELDS if name in group}


def from_fixture(record: dict, person: Callable[[int], dict | None], seeded: dict) -> dict:
    """A fixture group: create's defaults filled in, then the rules update applies (an invalid
    e-mail address or owner stops the load, as it would be refused over the API)."""
    for name in record:
        if name not in FIELDS:
            hint = did_you_mean(name, FIELDS) or f" (known: {', '.join(FIELDS)})"
            raise BadRequest(name, f"unknown field{hint}")
    group = {**NEW_GROUP, **record}
    check(person, group, group)
    return group
