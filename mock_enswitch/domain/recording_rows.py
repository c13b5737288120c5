"""A recording's stored row, and the row as the API shows it.

Stored: the call's fields and the group settings that shape the audio, as they were when it was
recorded. Shown: the recordings table's columns as one real client's schema records them, every
value a string except `complete`, `spresent` and `machine` (numbers 0/1). While the call goes on,
`complete` is 0, `end` "0", and the file holds the talk recorded so far: completion is read off
the clock, so nothing has to run when a call's time is up.
"""

from __future__ import annotations

import time
from typing import Any

from ..store.database import Collection, Database
from ..store.indexes import Index
from .audio import MIMETYPE, Sound
from .legs import callid_of, sides

KIND = "recordings"
DAY = 86400

COLUMNS = (
    "uniqueid",
    "recordid",
    "recordgroup",
    "start",
    "end",
    "totaltime",
    "talktime",
    "expires",
    "complete",
    "scustomer",
    "dcustomer",
    "stype",
    "dtype",
    "ctype",
    "snumber",
    "dnumber",
    "cnumber",
    "snumber_display",
    "dnumber_display",
    "callerid_internal",
    "status",
    "callid",
    "asteriskid",
    "spresent",
    "machine",
    "name",
    "mimetype",
    "size",
    "path",
    "stale",
    "migrated",
)
NUMBER_COLUMNS = {"complete", "spresent", "machine"}


INDEXES = (
    Index("triple", ("recordgroup", "uniqueid", "recordid")),
    Index("group", "recordgroup", "start"),
    Index("customer", "customer", "start"),
    Index("call", "uniqueid"),
)
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    return db.collection(KIND, INDEXES)


def new_row(group: dict, call: dict, recordid: str, recorded_from: int) -> dict:
    """The stored row of a recording of `call` in `group`, from `recorded_from` (a Unix time)."""
    days = group["expires"]
    return {
        "recordgroup": group["id"],
        "customer": group["customer"],
        "uniqueid": call["uniqueid"],
        "recordid": recordid,
        "start": call["start"],
        "answered": call["start"] + call["ringtime"],
        "from": recorded_from,
        "ends": call["ends"],
        "expires": call["start"] + days * DAY if days else 0,
        "direction": call["direction"],
        "caller": call["caller"],
        "called": call["called"],
        "beep": group["beep"],
        "announce": announces(group["message"], call["direction"]),
        **({"callid": call["callid"]} if "callid" in call else {}),  # a leg of a bigger call
    }


def announces(message: str, direction: str) -> bool:
    """Whether a group's `message` setting plays the announcement on a call of `direction`."""
    return message == "all" or direction in {
        "inbound": ("inbound",),
        "outbound": ("outbound",),
        "inbound_outbound": ("inbound", "outbound"),
        "internal": ("internal",),
    }.get(message, ())


def visible(row: dict, now: int) -> bool:
    return not row["expires"] or row["expires"] > now


def complete(row: dict, now: int) -> bool:
    return row["ends"] is not None and row["ends"] <= now


def sound(row: dict, now: int) -> Sound:
    """The audio recorded so far (all of it once the call has ended)."""
    until = row["ends"] if complete(row, now) else now
    return Sound(
        seconds=max(0, until - max(row["from"], row["answered"])),
        seed=f"{row['uniqueid']}/{row['recordid']}",
        beep=row["beep"],
        announce=row["announce"],
    )


def file_name(row: dict) -> str:
    return f"record_{row['uniqueid'].replace('.', '')}_{row['recordid']}.wav"


def path(row: dict) -> str:
    """Where the switch keeps the file: `<customer>/<recordgroup>/YYYY/MM/DD/<name>` (the shape
    of a real path in a client's webhook, ../shared/recordings.md section 2)."""
    day = time.strftime("%Y/%m/%d", time.gmtime(row["start"]))
    return f"{row['customer']}/{row['recordgroup']}/{day}/{file_name(row)}"


def present(row: dict, now: int) -> dict[str, Any]:
    """A row as list and get return it: the recordings table's columns, as strings but three."""
    done = complete(row, now)
    end = row["ends"] if done else 0
    inbound = row["direction"] == "inbound"
    parties = sides(row["direction"], row["customer"], row["caller"], row["called"])
    values = {
        "uniqueid": row["uniqueid"],
        "recordid": row["recordid"],
        "recordgroup": row["recordgroup"],
        "start": row["start"],
        "end": end,
        "totaltime": (end if done else now) - row["start"],
        "talktime": max(0, (end if done else now) - row["answered"]),
        "expires": row["expires"],
        "complete": 1 if done else 0,
        **parties,
        "snumber_display": "",
        "dnumber_display": "",
        "callerid_internal": row["caller"] if not inbound else "",
        "status": "answer",
        "callid": callid_of(row),
        "asteriskid": row["uniqueid"],
        "spresent": 1,
        "machine": 0,
        "name": file_name(row),
        "mimetype": MIMETYPE,
        "size": sound(row, now).size,
        "path": path(row),
        "stale": "0",
        "migrated": "0",
    }
    return {k: v if k in NUMBER_COLUMNS else str(v) for k, v in values.items()}


def stored(db: Database, now: int, triple: tuple[int, str, str]) -> dict | None:
    """The recording (recordgroup, uniqueid, recordid) if it is stored and has not expired."""
    rows = collection(db).select("triple", triple)
    return rows[0] if rows and visible(rows[0], now) else None


def recording_path(db: Database, uniqueid: str, now: int) -> str:
    """The path of a call's recording (its first one still kept), or "" if none is: what a call
    record's and an active call's `recording` field hold (our decision, cdrs.py)."""
    rows = [row for row in collection(db).select("call", uniqueid) if visible(row, now)]
    return path(min(rows, key=lambda row: row["id"])) if rows else ""
