"""Customers through the API: get, list, and adding to a balance.

Sources: ../shared/clients.md sections 2 and 6, enswitch-api.md 1.3 and 6.1, the guide's
customers/balance/add page [DOC 4.0-4.2]. Customers live in the directory (customers.json,
`/_mock/customers`); this family reads them and changes only a balance. Our decisions where the
guides are silent [GAP/INFER]:

- A customer's fields are id, name, parent, rate_plan (numbers), email, balance and currency;
  `balance` is a decimal string ("1.779418", as the Nomado SDK's fixture shows it: 6 decimals at
  most, trailing zeros dropped), default "0"; `currency` defaults to "USD"; `events_url` is a
  setting of the mock's events, not shown. Nothing secret is ever in them.
- customers/get needs one of id, name or email (else 400 naming `id`); the first given wins, in
  that order. Without the callshop or commerce privilege only the caller's own customer is
  found [DOC]; with one, any customer in the caller's reach. Anything else is a 404.
  `check=1` needs no login and answers 200 with only the `id` (a 200 carries data) or 404.
  `payment=1` ("payment settings instead of the fields", not listed anywhere) answers the
  same fields.
- customers/list lists the customers in the caller's reach (a reseller its subtree, anyone
  else their own customer: never a sibling's), filtered by `name` (a substring), `parent`
  (0: any; else its direct children, or all below it with `recursive=1`) and `deleted` (no
  customer is ever deleted on the mock: 1 lists none).
- customers/balance/add adds `amount` (a decimal; negative takes away) in the customer's
  currency: another `currency` is a 400 naming it (the mock converts nothing). `transaction`
  "credit" or "topup" records a transaction (transactions/list), "" none [DOC].
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...api.table import DECIMAL_TEXT
from ...domain import directory
from ...domain.access import RequestContext
from ...domain.errors import BadRequest, NotFound
from ...domain.listing import ordered, page
from ..transactions import rules as transactions

NOT_FOUND = "The customer does not exist, or you do not have permission to view it."
SEES_OTHERS = frozenset({"callshop", "commerce"})
SHOWN = ("id", "name", "parent", "rate_plan", "email", "balance", "currency")
DEFAULTS = {"email": "", "balance": "0", "currency": "USD"}
SORTS = ("id", "name", "parent", "balance", "email")
BOUND = "12 digits before the point"


def present(customer: dict) -> dict[str, Any]:
    full = {**DEFAULTS, **customer}
    return {name: full[name] for name in SHOWN}


class CustomerLookup:
    """customers/get's id, name or email: a customer the caller may get, else 404."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        wanted = [(field, values.pop(field)) for field in ("id", "name", "email")]
        given = [(field, value) for field, value in wanted if value]
        if not given:
            raise BadRequest("id", "Give the customer's id, name or email.")
        field, value = given[0]
        found = next(
            (c for c in request.switch.db.records("customers") if c.get(field, "") == value), None
        )
        if found is None or not may_see(request, found["id"]):
            raise NotFound(NOT_FOUND)
        return found["id"], found


def may_see(request: RequestContext, customer_id: int) -> bool:
    caller = request.caller
    if caller is None:  # check=1: only whether it exists
        return True
    if SEES_OTHERS & caller.privileges:
        return customer_id in caller.reach
    return customer_id == caller.customer


class CustomerById:
    """customers/balance/add's `id`: a customer in the caller's reach, else 404."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        customer = request.switch.db.record("customers", values.pop("id"))
        if customer is None or customer["id"] not in request.caller.reach:
            raise NotFound(BALANCE_NOT_FOUND)
        return customer["id"], customer


BALANCE_NOT_FOUND = "The customer does not exist, or you do not have permission to update it."
LOOKUP = CustomerLookup()
BY_ID = CustomerById()


def get(request: RequestContext, values: dict) -> dict:
    if values["check"]:
        return {"id": request.target["id"]}
    return present(request.target)


def opens_without_login(raw) -> bool:
    """check=1 needs no login [DOC]."""
    return raw.get("check", "").strip() == "1"


def list_(request: RequestContext, values: dict) -> list[dict] | dict:
    customers = [
        c for c in request.switch.db.records("customers") if c["id"] in request.caller.reach
    ]
    if values["deleted"] == 1:
        customers = []
    if values["name"]:
        customers = [c for c in customers if values["name"].lower() in c["name"].lower()]
    parent = values["parent"]
    if parent:
        below = directory.subtree(request.switch.db, parent) - {parent}
        customers = [
            c
            for c in customers
            if (c["id"] in below if values["recursive"] else c["parent"] == parent)
        ]
    if values["count"]:
        return {"count": len(customers)}
    rows = [present(c) for c in sorted(customers, key=lambda c: c["id"])]
    if values["sort"] == "balance":
        rows.sort(key=lambda r: Decimal(r["balance"]), reverse=bool(values["descending"]))
    else:
        rows = ordered(rows, values, ("id", "parent"))
    return page(rows, values)


def add_balance(request: RequestContext, values: dict) -> None:
    customer = present(request.target)
    currency = values.get("currency") or customer["currency"]
    if currency != customer["currency"]:
        raise BadRequest(
            "currency",
            f"The customer's currency is {customer['currency']}; the mock converts no other.",
        )
    balance = Decimal(customer["balance"]) + values["amount"]
    if not DECIMAL_TEXT.fullmatch(transactions.amount_text(balance)):
        raise BadRequest("amount", f"The balance would leave the mock's bound ({BOUND}).")
    db = request.switch.db
    with db.write():  # the balance and its transaction: one durable step
        db.update_record(
            "customers", customer["id"], {"balance": transactions.amount_text(balance)}
        )
        if values["transaction"]:
            transactions.record(
                request,
                customer["id"],
                values["transaction"],
                values["amount"],
                currency=currency,
                description=values["description"],
            )
