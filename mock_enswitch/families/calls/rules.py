"""calls/active/list: the simulated calls in progress, a row per leg.

Sources: ../shared/cdrs-phones.md section 6 (parameters [DOC]; the row's fields from a client
model whose first rows match the guide's table [CLIENT]). Our decisions where the guides are
silent:

- A call is one leg (legs.py); `answered` is its answer time, 0 while it rings; `status` is
  "ringing" before the answer and "answer" after [INFER]; `recording` is the path of the
  recording being written, "" when none is (as in call records, cdrs.py).
- `customer` is an ID in the caller's reach (400 naming it otherwise); the guide's "all",
  "recursive" and "system" are not taken: `recursive=1` (4.4) lists the customers below.
- `names=1` is accepted: rows always carry the line's names (`callername_internal`).
- The 4.4 guide's longer parameter list (recursive, count, caller name, phone and the number
  filters) is served from 4.4: the version that added them is not in any page read.
"""

from __future__ import annotations

from typing import Any

from ...domain.access import RequestContext
from ...domain.calls import collection, ended
from ...domain.legs import DIRECTION_FILTERS, DIRECTIONS, callid_of, party_filters
from ...domain.listing import ordered
from ...domain.recording_rows import recording_path
from ..cdrs.rules import channel, customers, line_sides

SORT_KEYS = (
    "start",
    "cnumber",
    "ctype",
    "direction",
    "dnumber",
    "dtype",
    "machine",
    "peer",
    "scustomer",
    "snumber",
    "stype",
    "uniqueid",
)
"""The guide's sort keys, and its default "start" (which its list leaves out)."""
NUMERIC_SORT = frozenset({"start", "machine", "peer", "scustomer"})
ROW_NUMBERS = frozenset(
    {"answered", "billing_peer", "dcustomer", "ingroup", "machine", "outgroup", "overmax"}
    | {"peer", "scustomer", "spresent", "start"}
)


def present(call: dict, now: int, recording: str) -> dict[str, Any]:
    """A call in progress as a row of calls/active/list (the client model's fields)."""
    answer = call["start"] + call["ringtime"]
    answered = answer if call.get("answered", True) and now >= answer else 0
    parties = line_sides(call)
    return {
        "answered": answered,
        "billing_peer": 0,
        "callerid_external": "",
        "callerid_internal": parties["callerid_internal"],
        "callername_external": "",
        "callername_internal": parties["callername_internal"],
        "callid": callid_of(call),
        "channel": channel(call),
        "cnumber": parties["cnumber"],
        "ctype": parties["ctype"],
        "dcustomer": parties["dcustomer"],
        "direction": DIRECTIONS[call["direction"]],
        "dnumber": parties["dnumber"],
        "dtype": parties["dtype"],
        "ingroup": 0,
        "machine": 0,
        "outgroup": 0,
        "overmax": 0,
        "peer": 0,
        "recording": recording,
        "scustomer": parties["scustomer"],
        "sip_callid": f"{call['uniqueid']}@mock-enswitch",
        "snumber": parties["snumber"],
        "spresent": 1,
        "start": call["start"],
        "status": "answer" if answered else "ringing",
        "stype": parties["stype"],
        "uniqueid": call["uniqueid"],
    }


COLUMNS = (
    "answered", "billing_peer", "callerid_external", "callerid_internal", "callername_external",
    "callername_internal", "callid", "channel", "cnumber", "ctype", "dcustomer", "direction",
    "dnumber", "dtype", "ingroup", "machine", "outgroup", "overmax", "peer", "recording",
    "scustomer", "sip_callid", "snumber", "spresent", "start", "status", "stype", "uniqueid",
)  # fmt: skip
"""The row's fields, in order (the table declares their types)."""


def list_(request: RequestContext, values: dict) -> list[dict] | dict:
    db, now = request.switch.db, request.switch.now()
    reached = set(customers(request, request.target, bool(values.get("recursive"))))
    rows = [
        present(live, now, recording_path(db, live["uniqueid"], now))
        for live in collection(db).select("live", 1)
        if live["customer"] in reached and not ended(live, now)
    ]
    rows = [row for row in rows if shown(row, values)]
    if values.get("count"):
        return {"count": len(rows)}
    return ordered(rows, values, NUMERIC_SORT)


def shown(row: dict, values: dict) -> bool:
    if row["direction"] not in DIRECTION_FILTERS[values["direction"]]:
        return False
    if values["callid"] and row["callid"] != values["callid"]:
        return False
    phone = values.get("phone", "")
    if phone and (row["stype"] != "phone" or row["snumber"] != phone):
        return False
    return party_filters(values, row)
