"""Transactions: what customers/balance/add records, and transactions/list reads.

transactions/list [DOC 4.4, ../shared/clients.md section 6] needs the reports privilege and
lists a customer's transactions between `start` and `end` (Unix times; `end` is exclusive from
3.14, inclusive before: the table's `meaning`), sorted by amount, description, id, person,
reference, time or type (default time). Rows are "rows of the transactions table", with
`amount` a string. Our decisions where the guide is silent:

- a row is id, customer, time, type ("credit" or "topup": what balance/add records), amount
  (a decimal string, as the balance: 6 decimals at most, trailing zeros dropped), currency,
  description, person (the user who added it), reference ("") and invoice (0: not invoiced);
- `invoice` filters by invoice ID (0: all); `archive` (4.0+) changes nothing, as nothing is
  archived on the mock;
- the rows live as long as the data (a reset clears them; `--db` keeps them across restarts).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain.access import RequestContext
from ...domain.listing import ordered
from ...store.database import Collection, Database
from ...store.indexes import Index

KIND = "transactions"
SORTS = ("amount", "description", "id", "person", "reference", "time", "type")
TYPES = ("credit", "topup")
FIELDS = ("id", "customer", "time", "type", "amount", "currency", "description", "person",
          "reference", "invoice")  # fmt: skip


INDEXES = (Index("customer", "customer", "time"),)
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    return db.collection(KIND, INDEXES)


def amount_text(amount: Decimal) -> str:
    """A decimal as the rows show money: no exponent, at most 6 decimals, no trailing zeros."""
    text = f"{amount.quantize(Decimal('0.000001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def record(
    request: RequestContext, customer: int, kind: str, amount: Decimal, **fields: Any
) -> None:
    """A transaction of `customer` now, by the caller (inside the caller's write)."""
    collection(request.switch.db).insert(
        {
            "customer": customer,
            "time": request.switch.now(),
            "type": kind,
            "amount": amount_text(amount),
            "currency": fields.get("currency", ""),
            "description": fields.get("description", ""),
            "person": request.caller.person["id"],
            "reference": "",
            "invoice": 0,
        }
    )


def list_(request: RequestContext, values: dict) -> list[dict]:
    start = values.get("start", 0)
    if "end" not in values:
        last = request.switch.now()  # the default, "now": everything so far
    elif request.served.param("end").meaning == "inclusive":
        last = values["end"]  # 3.13: a transaction at `end` is listed
    else:
        last = values["end"] - 1  # 3.14 on: "less than" end
    rows = [
        row
        for row in collection(request.switch.db).select("customer", request.target, start, last)
        if not values["invoice"] or row["invoice"] == values["invoice"]
    ]
    rows.sort(key=lambda row: (row["time"], row["id"]))
    numeric = ("id", "person", "time")
    if values["sort"] == "amount":
        rows.sort(key=lambda row: Decimal(row["amount"]), reverse=bool(values["descending"]))
    else:
        rows = ordered(rows, values, numeric)
    return [{name: row[name] for name in FIELDS} for row in rows]
