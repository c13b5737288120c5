"""Numbers: a pool of numbers per inbound group (numbers.json), bought by customers, updated by
their owners, and released back to the pool.

Sources: ../shared/clients.md section 5 and the guide's pages [DOC 3.13-4.4]: numbers/available
/list and /get, numbers/purchase ("administrator or wholesale"; 204; 3.14 added `ingroup`, for
porting), numbers/update (the customer fields; 204), numbers/list and numbers/get. Our decisions
where the pages are silent or were not found (numbers/delete's page) [GAP/INFER]:

- A number's fields: id, number (a string of digits), ingroup, class, customer (0: in the pool,
  available), description, dtype, dnumber, owner. Only the pool's numbers are for sale: no
  vendor or porting is simulated, so a number not in numbers.json does not exist (404 where a
  page has one, else a 400 naming `number`).
- numbers/available/list: the available numbers of `ingroup` (a group no number is in: 400 naming
  `ingroup`), of `class` (0: any), `count` of them (1 to 1000), `preferred` first when
  available, then those the caller's customer had before (with a login), then by number.
- numbers/purchase: a number in use is a 400 naming `number`; it becomes the customer's, with
  its fields as the pool had them. numbers/delete (administrator or wholesale, as purchase)
  releases it: back to the pool, its customer fields cleared, and the customer noted as having
  had it (available/list prefers it for them). 204 both.
- numbers/update, numbers/delete and numbers/get: a number that is not the caller's customer's
  (or in reach) is a 404. numbers/get without a login finds only numbers in the pool [DOC].
- Where a login is optional (numbers/available/list, numbers/get), credentials that are given
  but wrong are a 401, as everywhere (the pages list no 401: they do not say).
- numbers/update changes description, dtype, dnumber and owner (a user of the customer, or 0);
  the guide's other fields (fax, music, languages...) are taken and changed as given when the
  mock has them, else ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...domain.access import RequestContext
from ...domain.calls import is_digits
from ...domain.errors import BadRequest, NotFound
from ...domain.listing import ordered, page
from ...store.database import Collection, Database
from ...store.indexes import Index

KIND = "numbers"
NOT_FOUND = "The number does not exist, or you do not have permission to view it."
NOT_YOURS = "The number does not exist, or you do not have permission to update it."
POOL = 0
FIELDS = ("id", "number", "ingroup", "class", "customer", "description", "dtype", "dnumber",
          "owner")  # fmt: skip
NUMBERS = frozenset({"id", "ingroup", "class", "customer", "owner"})
CUSTOMER_FIELDS = {"description": "", "dtype": "", "dnumber": "", "owner": 0}
"""What a customer sets (numbers/update), and what a release clears."""
SORTS = ("destination", "dnumber", "number")


INDEXES = (Index("number", "number"), Index("customer", "customer"))
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    return db.collection(KIND, INDEXES)


def by_number(db: Database, number: str) -> dict | None:
    found = collection(db).select("number", number)
    return found[0] if found else None


def present(number: dict) -> dict[str, Any]:
    return {name: number.get(name, "" if name not in NUMBERS else 0) for name in FIELDS}


class Anyone:
    """Functions whose login is optional: the caller's customer if logged in, else none."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        customer = request.caller.customer if request.caller else 0
        return customer, customer


class Owned:
    """A `number` of a customer in the caller's reach; else 404 in the function's words."""

    def __init__(self, message: str) -> None:
        self.message = message

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        number = by_number(request.switch.db, values.pop("number"))
        if number is None or number["customer"] not in request.caller.reach:  # the pool's is 0
            raise NotFound(self.message)
        return number["customer"], number


ANYONE = Anyone()
OWNED_UPDATE = Owned(NOT_YOURS)


def no_login(raw) -> bool:
    """Authentication is optional: without credentials the caller is nobody."""
    return not (raw.get("auth_username") or raw.get("auth_token"))


def available_list(request: RequestContext, values: dict) -> list[str]:
    numbers = collection(request.switch.db).all()
    group = values["ingroup"]
    if not any(n["ingroup"] == group for n in numbers):
        raise BadRequest("ingroup", f"No inbound group {group} has numbers.")
    pool = [
        n
        for n in numbers
        if n["ingroup"] == group and n["customer"] == POOL
        and (not values["class"] or n["class"] == values["class"])
    ]  # fmt: skip
    customer = 0  # whose numbers of before come first: with a login only, and in reach
    if request.caller is not None:
        customer = request.reachable_customer(values.get("customer"))
    preferred = values["preferred"]
    pool.sort(
        key=lambda n: (
            n["number"] != preferred,
            not (customer and customer in n.get("had", ())),
            n["number"],
        )
    )
    return [n["number"] for n in pool[: values["count"]]]


def available_get(request: RequestContext, values: dict) -> dict:
    number = by_number(request.switch.db, values["number"])
    if number is None:
        raise NotFound("The number does not exist, and cannot be created.")
    if number["customer"] != POOL:
        raise BadRequest("number", f"The number {values['number']} is in use.")
    return present(number)


def purchase(request: RequestContext, values: dict) -> None:
    number = by_number(request.switch.db, values["number"])
    if number is None:
        raise BadRequest("number", f"The number {values['number']} is not for sale here.")
    if number["customer"] != POOL:
        raise BadRequest("number", f"The number {values['number']} is in use.")
    collection(request.switch.db).update(number["id"], {"customer": request.target})


def update(request: RequestContext, values: dict) -> None:
    number = request.target
    changes = {name: values[name] for name in CUSTOMER_FIELDS if name in values}
    owner = changes.get("owner")
    if owner:
        person = request.switch.db.record("people", owner)
        if person is None or person["customer"] != number["customer"]:
            raise BadRequest("owner", f"{owner} is not a user of customer {number['customer']}.")
    if changes:
        collection(request.switch.db).update(number["id"], changes)


def release(request: RequestContext, values: dict) -> None:
    number = request.target
    had = sorted({*number.get("had", ()), number["customer"]})
    collection(request.switch.db).update(
        number["id"], {**CUSTOMER_FIELDS, "customer": POOL, "had": had}
    )


def list_(request: RequestContext, values: dict) -> list[dict] | dict:
    numbers = collection(request.switch.db).select("customer", request.target)
    if values["count"]:
        return {"count": len(numbers)}
    sort = "dnumber" if values["sort"] == "destination" else values["sort"]
    rows = [present(n) for n in sorted(numbers, key=lambda n: n["number"])]
    return page(ordered(rows, {**values, "sort": sort}), values)


def get(request: RequestContext, values: dict) -> dict:
    number = by_number(request.switch.db, values["number"])
    if number is None:
        raise NotFound(NOT_FOUND)
    if number["customer"] != POOL and (
        request.caller is None or number["customer"] not in request.caller.reach
    ):
        raise NotFound(NOT_FOUND)
    return present(number)


# Fixtures: numbers.json.


def from_fixture(record: dict, person: Callable[[int], dict | None], seeded: dict) -> dict:
    """A fixture number: digits, unique; its customer fields defaulted; an owner a user of its
    customer."""
    for name in record:
        if name not in FIELDS:
            raise BadRequest(name, f"unknown field (known: {', '.join(FIELDS)})")
    number = {"class": 1, "customer": POOL, **CUSTOMER_FIELDS, **record}
    digits = number["number"]
    if not (isinstance(digits, str) and is_digits(digits) and 4 <= len(digits) <= 20):
        raise BadRequest("number", "must be a string of 4 to 20 digits")
    if any(other["number"] == digits for other in seeded[KIND]):
        raise BadRequest("number", f"another record holds {digits}")
    for name, wanted in (("class", int), ("owner", int), ("description", str), ("dtype", str),
                         ("dnumber", str)):  # fmt: skip
        if not isinstance(number[name], wanted) or isinstance(number[name], bool):
            raise BadRequest(name, f"must be {'an integer' if wanted is int else 'a string'}")
    if number["owner"]:
        owner = person(number["owner"])
        if owner is None or owner["customer"] != number["customer"]:
            raise BadRequest("owner", f"{number['owner']} is not a user of its customer")
    return number
