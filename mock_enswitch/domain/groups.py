"""Record groups: defaults, the "current value" rule of update, ownership, reach.

Operations take a `Call` (caller, reach, rate plan) and the typed values the function table let
through; they check what only the domain can (owner belongs to the customer, e-mail addresses),
then store, unless the call only validates.
"""

from __future__ import annotations

import re

from .access import Call
from .errors import BadRequest

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

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def create(call: Call, values: dict) -> dict | None:
    customer = call.customer(values.pop("customer", None))
    group = {**NEW_GROUP, **values, "customer": customer}
    check(call, group, group)
    if call.validate_only:
        return None
    return {"id": call.switch.db.insert_group(group)}


def update(call: Call, values: dict) -> None:
    """Parameters not given keep their current value (beep and transcribe: see the table)."""
    group = call.group(values.pop("id"))
    check(call, values, {**group, **values})
    if not call.validate_only:
        call.switch.db.update_group(group["id"], values)


def get(call: Call, values: dict) -> dict:
    return present(call.group(values["id"]))


def list_(call: Call, values: dict) -> list[dict]:
    customer = call.customer(values.get("customer"))
    return [present(group) for group in call.switch.db.groups() if group["customer"] == customer]


def delete(call: Call, values: dict) -> None:
    group = call.group(values["id"])
    if not call.validate_only:
        call.switch.db.delete_group(group["id"])


def check(call: Call, changes: dict, group: dict) -> None:
    """Rules beyond a parameter's type and bounds, for the fields a call changes."""
    if changes.get("owner"):
        owner = call.switch.db.record("people", changes["owner"])
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
