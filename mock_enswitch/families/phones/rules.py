"""Telephone lines: their rows, who sees them, and the record group a line records into.

Sources: ../shared/cdrs-phones.md section 7 (phones/get and phones/list [DOC]) and 7.5 (how a
line names its record group [INFER]). Our decisions where the guides are silent:

- A line's `recordgroup` is an integer, 0 for none (the wording and type of addresses/create's
  parameter: the only page where the field is visible); it must be a group of the line's customer.
  A call on the line is recorded into it as the group's settings say (domain/calls.py).
- `name` is the SIP username, unique on the switch (a phone registers with it alone); rows show
  it as a JSON string (the guides' example), IDs (`id`, `customer`, `owner`, `recordgroup`) as
  numbers, as record groups show theirs.
- `display` is "name (description)", or the name alone without a description.
- `password` appears only with password=1 (3.14+), and only on lines the caller may see it on:
  all of them for an administrator (or wholesale role), else the lines the caller owns [DOC].
- phones/list `owner`: 0 is every line for an administrator (or wholesale role), else the
  caller's own; -1 every line; a person's ID that person's lines [DOC]. `count=1` answers
  {"count": N}; `pages=1` ("reduced data for a page selector", its shape unknown) is accepted
  and gives the full rows, which hold whatever a page selector reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...domain.access import RequestContext
from ...domain.errors import BadRequest, NotFound
from ...domain.listing import ordered, page
from ...store.database import Collection, Database
from ...store.indexes import Index
from ...suggest import did_you_mean

KIND = "phones"
NOT_FOUND = "The telephone line does not exist, or you do not have permission to view it."
SEES_EVERY_LINE = frozenset({"administrator", "wholesale"})

NEW_LINE = {
    "description": "",
    "owner": 0,
    "recordgroup": 0,
    "password": "",
    "callerid_internal": "",
    "callername_internal": "",
    "callerid_external": "",
    "callername_external": "",
}
"""A line's fields besides id, name and customer, where the fixture does not say."""

FIELDS = ("id", "name", "customer", *NEW_LINE)
SHOWN = tuple(name for name in FIELDS if name != "password")
NUMBERS = frozenset({"id", "customer", "owner", "recordgroup"})
NAME_LENGTH = 64


INDEXES = (Index("customer", "customer"), Index("name", "name"))
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    return db.collection(KIND, INDEXES)


def by_name(db: Database, name: str) -> dict | None:
    found = collection(db).select("name", name)
    return found[0] if found else None


def present(line: dict, with_password: bool = False) -> dict[str, Any]:
    """A line as get and list return it: its fields, `display`, the password only if asked."""
    row = {name: line[name] for name in SHOWN}
    row["display"] = (
        f"{line['name']} ({line['description']})" if line["description"] else line["name"]
    )
    if with_password:
        row["password"] = line["password"]
    return row


def may_see_password(request: RequestContext, line: dict) -> bool:
    return (
        bool(SEES_EVERY_LINE & request.caller.privileges)
        or line["owner"] == request.caller.person["id"]
    )


@dataclass(frozen=True)
class LineParam:
    """phones/get's `name`: a line whose customer the caller reaches; else 404."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        line = by_name(request.switch.db, values.pop("name"))
        if line is None or line["customer"] not in request.caller.reach:
            raise NotFound(NOT_FOUND)
        return line["customer"], line


LINE = LineParam()


def get(request: RequestContext, values: dict) -> dict:
    line = request.target
    return present(line, bool(values.get("password")) and may_see_password(request, line))


def list_(request: RequestContext, values: dict) -> list[dict] | dict:
    lines = collection(request.switch.db).select("customer", request.target)
    owner = values["owner"]
    if owner == 0 and not SEES_EVERY_LINE & request.caller.privileges:
        owner = request.caller.person["id"]
    if owner != -1 and owner != 0:
        lines = [line for line in lines if line["owner"] == owner]
    if values["count"]:
        return {"count": len(lines)}
    lines = page(ordered(sorted(lines, key=lambda line: line["name"]), values), values)
    passwords = bool(values.get("password"))
    return [present(line, passwords and may_see_password(request, line)) for line in lines]


PANEL_FIELDS = ("id", "name", "description", "customer", "owner", "registered",
                "expect_registered")  # fmt: skip
PANEL_NUMBERS = frozenset({"id", "customer", "owner", "registered", "expect_registered"})


def list_panel(request: RequestContext, values: dict) -> list[dict]:
    """phones/list/panel [DOC 4.1], "a lightweight version" of phones/list: every line of the
    customer (no owner rule: an operator panel shows them all), by name. Clients read `name`,
    `description`, `registered` and `expect_registered` [CLIENT]; the simulated switch's lines
    are always registered, so both are 1 (our decision: a mock's phones are online)."""
    lines = sorted(
        collection(request.switch.db).select("customer", request.target),
        key=lambda line: line["name"],
    )
    return [
        {**{name: line[name] for name in PANEL_FIELDS[:5]}, "registered": 1, "expect_registered": 1}
        for line in lines
    ]


# Fixtures: phones.json.


def from_fixture(record: dict, person: Callable[[int], dict | None], seeded: dict) -> dict:
    """A fixture line: defaults filled in; its owner a user and its record group a group of
    its customer; its name unique on the switch."""
    for name in record:
        if name not in FIELDS:
            hint = did_you_mean(name, FIELDS) or f" (known: {', '.join(FIELDS)})"
            raise BadRequest(name, f"unknown field{hint}")
    line = {**NEW_LINE, **record}
    check(line, person, seeded["record_groups"])
    if any(other["name"] == line["name"] for other in seeded[KIND]):
        raise BadRequest("name", f"another line is named {line['name']!r} (a SIP username)")
    return line


def check(line: dict, person: Callable[[int], dict | None], groups: list[dict]) -> None:
    name = line["name"]
    if not name or len(name) > NAME_LENGTH or not name.isprintable() or " " in name:
        raise BadRequest(
            "name", f"must be a SIP username (1 to {NAME_LENGTH} characters, no spaces)"
        )
    for field in NEW_LINE:
        wanted = int if field in NUMBERS else str
        if not isinstance(line[field], wanted) or isinstance(line[field], bool):
            raise BadRequest(field, f"must be {'an integer' if wanted is int else 'a string'}")
    if line["owner"]:
        owner = person(line["owner"])
        if owner is None or owner["customer"] != line["customer"]:
            raise BadRequest(
                "owner", f"{line['owner']} is not a user of customer {line['customer']}"
            )
    if line["recordgroup"]:
        group = next((g for g in groups if g["id"] == line["recordgroup"]), None)
        if group is None or group["customer"] != line["customer"]:
            raise BadRequest(
                "recordgroup",
                f"{line['recordgroup']} is not a record group of customer {line['customer']}",
            )


def forget_group(request: RequestContext, group: dict) -> None:
    """A deleted record group records no more calls: its lines keep none (recordgroup 0)."""
    lines = collection(request.switch.db)
    for line in lines.select("customer", group["customer"]):
        if line["recordgroup"] == group["id"]:
            lines.update(line["id"], {"recordgroup": 0})
