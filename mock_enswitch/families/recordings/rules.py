"""Call recordings: the rows of the recordings table, reach, expiry, and their audio.

A recording is addressed by (recordgroup, uniqueid, recordid) [DOC]; its row is recording_rows.py.
Our decisions where the guides are silent (../shared/recordings.md marks them [INFER]/[GAP]):

- `start`/`end` of a row are the call's; the audio is the talk recorded: from the answer (or
  from recording/recordings/start) to the end of the call.
- A row's `expires` is a Unix time: the call's start plus the group's `expires` days when it was
  recorded; 0 means it never expires (update may set it). Once the mock clock passes it, the
  recording is gone from list and get, as if the switch's expiry job had run.
- A missing, expired or out-of-reach recording is a 404 with no `data` [DOC]; list documents no
  404, so a bad `recordgroup` there is a 400 naming it.
- copy keeps every field (its `expires` too: the guides say nothing of recomputing it); copying
  onto a group that has the recording already does nothing (204) [DOC]; a destination missing or
  out of reach is a 400 naming `destination`.
- Deleting a record group deletes its recordings: a recording is addressed through its group, so
  none could be fetched any more, and a switch keeps no file nobody can reach. Copies in other
  groups stay.
- `encoding=raw` (the default) puts the file's bytes in a JSON string one character per byte
  (U+0000-U+00FF: what Perl's encoder does with bytes; `.encode("latin-1")` gets them back);
  `sha1=1` adds `data.sha1`, the lower-case hex SHA1 of the file's bytes; `wrap=none` answers the
  file itself, Content-Type its mimetype (errors still come in the envelope).
"""

from __future__ import annotations

import hashlib
import time
from base64 import b64encode
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...domain.access import RequestContext
from ...domain.audio import MIMETYPE
from ...domain.calls import parse
from ...domain.errors import BadRequest, NotFound
from ...domain.listing import ordered
from ...domain.outcome import FileReply
from ...domain.recording_rows import (
    KIND,
    collection,
    file_name,
    new_row,
    present,
    sound,
    stored,
    visible,
)
from ..groups import rules as groups

NOT_FOUND = "The call recording does not exist, or you do not have permission to view it."
SORT_KEYS = ("cnumber", "expires", "snumber", "start", "totaltime")
NUMERIC_SORT = {"expires", "start", "totaltime"}

# What functions concern: a recording, or (list) a group or a customer.


def find(request: RequestContext, group_id: int, uniqueid: str, recordid: str) -> dict | None:
    """The recording if it exists, has not expired, and its group is in the caller's reach."""
    row = stored(request.switch.db, request.switch.now(), (group_id, uniqueid, recordid))
    if row is None:
        return None
    if groups.find(request, group_id) is None:
        return None
    return row


@dataclass(frozen=True)
class RecordingParams:
    """The recording named by recordgroup, uniqueid and recordid; else 404."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        triple = (values.pop("recordgroup"), values.pop("uniqueid"), values.pop("recordid"))
        row = find(request, *triple)
        if row is None:
            raise NotFound(NOT_FOUND)
        return row["customer"], row


@dataclass(frozen=True)
class GroupOrCustomer:
    """list's `recordgroup` or `customer` (neither: the caller's customer; both: 400)."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        group_id, customer = values.pop("recordgroup", None), values.pop("customer", None)
        if group_id is not None and customer is not None:
            raise BadRequest("customer", "Give customer or recordgroup, not both.")
        if group_id is not None:
            group = groups.reachable(request, group_id, "recordgroup")
            return group["customer"], ("group", group_id)
        customer = request.reachable_customer(customer)
        return customer, ("customer", customer)


RECORDING = RecordingParams()
GROUP_OR_CUSTOMER = GroupOrCustomer()


# The operations.


def list_(request: RequestContext, values: dict) -> list[dict]:
    now = request.switch.now()
    index, key = request.target
    end = values.get("end", now)
    rows = collection(request.switch.db).select(index, key, values["start"], end)
    shown = [present(row, now) for row in rows if visible(row, now)]
    shown = [row for row in shown if matches(row, values)]
    return ordered(shown, values, NUMERIC_SORT)


def matches(row: dict, values: dict) -> bool:
    if values["called"] and values["called"] not in row["cnumber"]:
        return False
    if values["caller"] and values["caller"] not in row["snumber"]:
        return False
    if values["complete"] != -1 and row["complete"] != values["complete"]:
        return False
    totaltime = int(row["totaltime"])
    if totaltime < values["totaltime_minimum"]:
        return False
    return values["totaltime_maximum"] == -1 or totaltime <= values["totaltime_maximum"]


def get(request: RequestContext, values: dict) -> dict | FileReply:
    row, now = request.target, request.switch.now()
    audio = sound(row, now)
    if values.get("wrap") == "none":
        return FileReply(file_name(row), MIMETYPE, audio.size, audio.open)
    data = audio.data()
    fields = present(row, now)
    fields["data"] = (
        b64encode(data).decode("ascii")
        if values["encoding"] == "base64"
        else (data.decode("latin-1"))
    )
    if values["sha1"]:
        fields["sha1"] = hashlib.sha1(data).hexdigest()
    return fields


def update(request: RequestContext, values: dict) -> None:
    if "expires" in values and not request.validate_only:
        collection(request.switch.db).update(request.target["id"], {"expires": values["expires"]})


def delete(request: RequestContext, values: dict) -> None:
    if not request.validate_only:
        collection(request.switch.db).delete([request.target["id"]])


def copy(request: RequestContext, values: dict) -> None:
    row = request.target
    destination = groups.reachable(request, values["destination"], "destination")
    if request.validate_only:
        return
    rows = collection(request.switch.db)
    if rows.select("triple", (destination["id"], row["uniqueid"], row["recordid"])):
        return  # "If the recording already exists in the destination record group, no action"
    fields = {k: v for k, v in row.items() if k != "id"}
    rows.insert({**fields, "recordgroup": destination["id"], "customer": destination["customer"]})


def delete_with_group(request: RequestContext, group: dict) -> None:
    rows = collection(request.switch.db)
    rows.delete([row["id"] for row in rows.select("group", group["id"])])


# Fixtures: recordings.json, rows made by the same rules as a simulated call's.


def address(record: dict) -> tuple:
    """What addresses a fixture recording: (recordgroup, uniqueid, recordid), recordid "1" by
    default (no two may share it)."""
    return (record["recordgroup"], record["uniqueid"], record.get("recordid", "1"))


def from_fixture(record: dict, person: Callable, seeded: dict) -> dict:
    """A fixture recording: a call's fields (see calls.parse) plus `uniqueid`, optional
    `recordid` (default "1") and `expires` (default: from the group; 0 never)."""
    names = ("uniqueid", "recordid", "expires")
    extra = {k: record[k] for k in names if k in record}
    body = {k: v for k, v in record.items() if k not in extra}
    spec = parse(body, now=int(time.time()), extra_fields=names)
    group = next((g for g in seeded["record_groups"] if g["id"] == spec.recordgroup), None)
    if group is None:
        raise BadRequest("recordgroup", f"No record group {spec.recordgroup}.")
    recordid = extra.get("recordid", "1")
    if not isinstance(recordid, str) or not (recordid.isascii() and recordid.isdigit()):
        raise BadRequest("recordid", f"recordid must be a string of digits, not {recordid!r}.")
    call = spec.as_call(extra["uniqueid"])
    row = new_row(group, call, recordid, call["start"] + call["ringtime"])
    if "expires" in extra:
        if not isinstance(extra["expires"], int) or extra["expires"] < 0:
            raise BadRequest("expires", "expires must be a Unix time, or 0 for never.")
        row["expires"] = extra["expires"]
    return {**row, "id": len(seeded[KIND]) + 1}
