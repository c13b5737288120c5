"""user/login: the caller's own fields, and from 4.1 an auth_token (section 1.4 of the reference);
people/list: a customer's people, never a password."""

from __future__ import annotations

from ...domain.access import RequestContext, token_serializer
from ...domain.listing import ordered, page

HIDDEN = ("password",)


def login(request: RequestContext, values: dict) -> dict:
    person = {key: value for key, value in request.caller.person.items() if key not in HIDDEN}
    if values.get("token"):
        switch = request.switch
        person["auth_token"] = token_serializer(switch).dumps({"person": person["id"]})
        if switch.token_expiry:
            person["auth_token_expiry"] = switch.token_expiry
            person["auth_token_expires"] = switch.now() + switch.token_expiry
        else:
            person["auth_token_expiry"] = 0
    return person


PEOPLE_FIELDS = ("id", "username", "customer", "role", "forename", "surname", "fullname",
                 "email", "mobile", "telephone", "company")  # fmt: skip
PEOPLE_NUMBERS = frozenset({"id", "customer", "role"})
PEOPLE_SORTS = ("forename", "fullname", "surname", "username")


def person_row(person: dict) -> dict:
    """A person as people/list shows one [DOC: "rows of the people table, passwords
    excluded"]: its fixture columns, "" where users.json has none; `fullname` is forename
    and surname (our decision). Never a password or a secret column."""
    row = {name: person.get(name, "") for name in PEOPLE_FIELDS}
    row["fullname"] = person.get("fullname") or " ".join(
        part for part in (row["forename"], row["surname"]) if part
    )
    return row


def list_people(request: RequestContext, values: dict) -> list[dict] | dict:
    """people/list [DOC 3.13, 4.2, 4.4; cdrs-phones.md 9]: the people of a customer (the
    caller's by default, any in reach). `zohocrm=1` (4.4) lists the people with Zoho CRM:
    none has it on the mock, so none (our decision)."""
    people = [p for p in request.switch.db.records("people") if p["customer"] == request.target]
    if values.get("zohocrm"):
        people = []
    if values["count"]:
        return {"count": len(people)}
    rows = ordered(sorted((person_row(p) for p in people), key=lambda r: r["id"]), values)
    return page(rows, values)
