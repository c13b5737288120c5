"""Call records: what a simulated call leaves when it ends, and cdrs/list and cdrs/get.

Sources: ../shared/cdrs-phones.md sections 2-5 (parameters [DOC] up to `cmatch`; the row's fields
from two client models [CLIENT]). Our decisions where the guides are silent:

- A call ends (its talk time passes on the mock clock, or it is hung up) and becomes one record
  with the same `uniqueid`, numbers, times and status. A call placed through `/_mock/calls` is
  one leg, so its `callid` is its `uniqueid`; a click-to-call (calls/make) leaves a record per
  leg sharing one `callid`, and `detail=call` lists one row per callid (its first leg).
- Row typing follows the C# client model (the one generated from a real body): numbers for
  `start`, `time`, `peer`, `messages`, `messages_used`, `seconds_used`, `cost`,
  `cost_including_tax`; `spresent` null; every other field a string. `time` is the answer time
  (0 unanswered); `status` is "answer" or "cancel" (rang and was not answered); `direction` is
  "in", "out" or "internal" (one client reference says rows carry it).
- `recording` is the path of the call's recording (recording_rows.path), or "" when it has none
  (not recorded, or expired or deleted since): `recorded=yes` lists exactly the calls whose
  `recording` is not "", so it agrees with recording/recordings/list at every moment.
- The mock bills nothing: costs are 0, `currency` "", `peer`/`invoice` 0; a non-zero `peer` or
  `invoice` filter therefore matches no call. `archive` is accepted (nothing is archived).
- `customer` is an ID in the caller's reach (400 naming it otherwise); `recurse=1` adds the
  customers below it that the caller reaches. `phone` is the source line [DOC]: calls made from
  it; calls to a line are found with dtype=phone and dnumber.
- 403 is listed as the guides list it for cdrs/get and its siblings; which rate-plan setting
  grants call records is not documented, so the mock's plans never deny them.
"""

from __future__ import annotations

from typing import Any

from ...domain import directory
from ...domain.access import RequestContext
from ...domain.calls import line_names
from ...domain.errors import BadRequest, NotFound
from ...domain.legs import DIRECTION_FILTERS, DIRECTIONS, callid_of, party_filters, sides
from ...domain.listing import ordered, page
from ...domain.recording_rows import recording_path
from ...store.database import Collection, Database
from ...store.indexes import Index
from ..phones import rules as phones

KIND = "cdrs"
NOT_FOUND = "The call does not exist, or you do not have permission to view it."
SORT_KEYS = (
    "start",
    "end",
    "talktime",
    "totaltime",
    "uniqueid",
    "callid",
    "snumber",
    "cnumber",
    "dnumber",
    "status",
    "direction",
)
"""cdrs/list's `sort` [GAP: the guide's list is cut]: the fields a history page orders by."""
NUMERIC_SORT = frozenset({"start", "end", "talktime", "totaltime"})


INDEXES = (Index("customer", "customer", "start"), Index("uniqueid", "uniqueid"))
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    return db.collection(KIND, INDEXES)


def record_call(switch, call: dict) -> None:
    """An ended call leaves its call record (the switch calls this for every call that ends)."""
    collection(switch.db).insert(new_record(call))


def new_record(call: dict) -> dict:
    """The stored call record of an ended call: only what cannot be derived (its status is
    whether it was answered; its line's names are the line's), as 100,000 records are read at
    every restart."""
    answer = call["start"] + call["ringtime"]
    answered = call.get("answered", True) and call["ends"] >= answer
    return {
        "uniqueid": call["uniqueid"],
        "customer": call["customer"],
        "start": call["start"],
        "answered": answer if answered else 0,
        "end": call["ends"],
        "direction": call["direction"],
        "caller": call["caller"],
        "called": call["called"],
        "phone": call.get("phone", ""),  # calls stored before lines existed have none
        **({"callid": call["callid"]} if "callid" in call else {}),  # a leg of a bigger call
    }


def status(record: dict) -> str:
    return "answer" if record["answered"] else "cancel"


def channel(call: dict) -> str:
    """An Asterisk channel name for the leg: technology/peer-sequence [INFER]."""
    sequence = int(call["uniqueid"].rpartition(".")[2] or 0)
    return f"SIP/{call.get('phone') or call['caller']}-{sequence:08x}"


def line_sides(call: dict) -> dict[str, Any]:
    """The leg's parties (legs.sides), and the line's names on the line's side."""
    parties = sides(call["direction"], call["customer"], call["caller"], call["called"])
    phone, callername = call.get("phone", ""), call.get("callername", "")
    line_parties = ("d", "c") if call["direction"] == "inbound" else ("s",)
    for party in "scd":
        name = callername if phone and party in line_parties else ""
        parties[f"{party}number_name"] = name
        parties[f"{party}number_display"] = name or parties[f"{party}number"]
    source_is_line = line_parties == ("s",)
    parties["callername_internal"] = callername if source_is_line else ""
    parties["callerid_internal"] = call.get("callerid", "") if source_is_line else ""
    return parties


def present(db: Database, record: dict, now: int) -> dict[str, Any]:
    """A call record as list and get return it (the C# client model's fields and types)."""
    line = phones.by_name(db, record["phone"]) if record["phone"] else None
    if line is not None and line["customer"] != record["customer"]:
        line = None  # removed since, and its name given to another customer's line
    parties = line_sides({**record, **line_names(line)})
    answered, end = record["answered"], record["end"]
    customer = directory.customer_name(db, record["customer"])
    return {
        "uniqueid": record["uniqueid"],
        "callid": callid_of(record),
        "bridged_callid": "",
        "start": record["start"],
        "end": str(end),
        "time": answered,
        "totaltime": str(end - record["start"]),
        "talktime": str(end - answered if answered else 0),
        "ingroup_time": "0",
        "outgroup_time": "0",
        "status": status(record),
        "direction": DIRECTIONS[record["direction"]],
        **{k: str(v) for k, v in parties.items()},
        "sname": parties["callername_internal"],
        "callername": parties["callername_internal"],
        "callerid_external": "",
        "callerid_internal": parties["callerid_internal"],
        "spresent": None,
        "customer": str(record["customer"]),
        "customer_name": customer,
        "channel": channel(record),
        "peer": 0,
        "ingroup": "0",
        "outgroup": "0",
        "outgroup_name": "",
        "media": "",
        "server": "",
        "recording": recording_path(db, record["uniqueid"], now),
        "archived": "0",
        **NO_BILLING,
    }


NO_BILLING: dict[str, Any] = {
    "invoice": "0",
    "bill_type": "",
    "bill_ref": "",
    "plan": "",
    "balance": "0",
    "overmax": "0",
    "cost": 0.0,
    "cost_including_tax": 0.0,
    "cost_excluding_tax": "0",
    "currency": "",
    "messages": 0,
    "messages_used": 0,
    "seconds_used": 0,
    "note": "",
}
"""The billing columns: the mock rates no call."""

NUMBER_COLUMNS = frozenset(
    {
        "start",
        "time",
        "peer",
        "messages",
        "messages_used",
        "seconds_used",
        "cost",
        "cost_including_tax",
    }
)
NULL_COLUMNS = frozenset({"spresent"})
COLUMNS = (
    "uniqueid", "callid", "bridged_callid", "start", "end", "time", "totaltime", "talktime",
    "ingroup_time", "outgroup_time", "status", "direction",
    "scustomer", "dcustomer", "stype", "dtype", "ctype", "snumber", "dnumber", "cnumber",
    "snumber_name", "snumber_display", "cnumber_name", "cnumber_display", "dnumber_name",
    "dnumber_display", "callername_internal", "sname", "callername", "callerid_external",
    "callerid_internal", "spresent", "customer", "customer_name", "channel", "peer", "ingroup",
    "outgroup", "outgroup_name", "media", "server", "recording", "archived", *NO_BILLING,
)  # fmt: skip
"""A call record's fields, in the order `present` gives them (the table declares their types)."""


class CdrParam:
    """cdrs/get's `uniqueid`: a call record whose customer the caller reaches; else 404."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        found = collection(request.switch.db).select("uniqueid", values.pop("uniqueid"))
        if not found or found[0]["customer"] not in request.caller.reach:
            raise NotFound(NOT_FOUND)
        return found[0]["customer"], found[0]


CDR = CdrParam()


def get(request: RequestContext, values: dict) -> dict:
    request.reachable_customer(values.get("customer"))  # whose costs: in reach, or a 400
    return present(request.switch.db, request.target, request.switch.now())


def customers(request: RequestContext, customer: int, recurse: bool) -> list[int]:
    """`customer`, and with `recurse` every customer below it that the caller reaches."""
    if not recurse:
        return [customer]
    below = directory.subtree(request.switch.db, customer)
    return sorted(below & request.caller.reach)


def list_(request: RequestContext, values: dict) -> list[dict]:
    db, now = request.switch.db, request.switch.now()
    check_cost_customer(values["cost_customer"])
    end = values.get("end", now)
    records = [
        record
        for customer in customers(request, request.target, bool(values["recurse"]))
        for record in collection(db).select("customer", customer, values["start"], end)
    ]
    rows = [present(db, record, now) for record in records if kept(record, values)]
    rows = [row for row in rows if shown(row, values)]
    if values.get("detail") == "call":
        firsts: dict[str, dict] = {}
        for row in sorted(rows, key=lambda r: (r["start"], r["uniqueid"])):
            firsts.setdefault(row["callid"], row)
        rows = list(firsts.values())
    return page(ordered(rows, values, NUMERIC_SORT), values)


def check_cost_customer(value: str) -> None:
    if value not in ("", "scustomer", "card") and not (value.isascii() and value.isdigit()):
        raise BadRequest("cost_customer", 'cost_customer must be "scustomer", "card" or an ID.')


def kept(record: dict, values: dict) -> bool:
    """The filters a stored record answers without being presented."""
    if DIRECTIONS[record["direction"]] not in DIRECTION_FILTERS[values["direction"]]:
        return False
    if values["status"] and status(record) != values["status"]:
        return False
    if values["callid"] and callid_of(record) != values["callid"]:
        return False
    if values["peer"] or values["invoice"]:
        return False  # no call is billed through a peer or on an invoice here
    talktime = record["end"] - record["answered"] if record["answered"] else 0
    if talktime < values["talktime_minimum"]:
        return False
    return values["talktime_maximum"] == -1 or talktime <= values["talktime_maximum"]


def shown(row: dict, values: dict) -> bool:
    """The filters on presented fields: the source line, the parties, recorded."""
    if values["phone"] and (row["stype"] != "phone" or row["snumber"] != values["phone"]):
        return False
    if values["recorded"] and (row["recording"] != "") != (values["recorded"] == "yes"):
        return False
    return party_filters(values, row)


# Fixtures: a recording in recordings.json is of a call that has ended, so it has its record.


def from_recordings(recordings: list[dict], lines: list[dict]) -> list[dict]:
    """The call records of the fixture recordings' calls (one per uniqueid): the same times,
    numbers and customer; the line whose name is the number on the switch's side, if the
    customer has one."""
    named = {(line["customer"], line["name"]): line for line in lines}
    records: dict[str, dict] = {}
    for row in recordings:
        if row["uniqueid"] in records:
            continue
        side = row["called"] if row["direction"] == "inbound" else row["caller"]
        line = named.get((row["customer"], side))
        call = {
            **{
                k: row[k]
                for k in ("uniqueid", "customer", "start", "direction", "caller", "called")
            },
            "ringtime": row["answered"] - row["start"],
            "ends": row["ends"],
            "phone": line["name"] if line else "",
        }
        records[row["uniqueid"]] = {**new_record(call), "id": len(records) + 1}
    return list(records.values())
