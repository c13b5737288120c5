"""Calls in progress: found by uniqueid, listed, hung up, and recorded on demand.

recording/recordings/start [DOC 4.1] records "the telephone on the call, and its configured call
recording group" from now on; its 404 is "the call does not exist, or you do not have permission
to view it", which is also what a call that has ended gets.
"""

from __future__ import annotations

from typing import Any

from . import recording_rows
from .access import RequestContext
from .calls import collection, drop_later_legs, ended, record, settle, unsettled
from .errors import BadRequest, NotFound, RoleDenied
from .legs import callid_of
from .switch import Switch


def find_live(switch: Switch, uniqueid: str) -> dict | None:
    """The call in progress with this uniqueid, or None (ended, or never placed)."""
    found = collection(switch.db).select("uniqueid", uniqueid)
    if not found:
        return None
    call = found[0]
    return None if ended(call, switch.now()) else call


def start_recording(switch: Switch, call: dict) -> None:
    """recording/recordings/start on a live call: from now on, unless it is recorded already
    (then it is the "unpause" of the guide, which changes nothing here)."""
    group = switch.record_group(call["recordgroup"])
    if group is None:
        raise BadRequest("uniqueid", "The call's line has no record group to record into.")
    if call["recorded"]:
        return
    with switch.db.write():
        record(switch, group, call, switch.now())
        collection(switch.db).update(call["id"], {"recorded": call["recorded"]})


def in_progress(switch: Switch) -> list[dict]:
    """The calls in progress as the control API shows them."""
    now = switch.now()
    shown = []
    for call in collection(switch.db).select("live", 1):
        answered = call["start"] + call["ringtime"]
        shown.append(
            {
                "uniqueid": call["uniqueid"],
                "recordgroup": call["recordgroup"],
                "phone": call.get("phone", ""),
                "direction": call["direction"],
                "caller": call["caller"],
                "called": call["called"],
                "start": call["start"],
                "talktime": max(0, now - answered),
                "ends": call["ends"],
                "recordings": [recordid for recordid, _ in call["recorded"]],
            }
        )
    return shown


def hang_up(switch: Switch, uniqueid: str) -> bool:
    """End a call in progress now; False if there is none with this uniqueid."""
    call = find_live(switch, uniqueid)
    if call is None:
        return False
    now = switch.now()
    rows = recording_rows.collection(switch.db)
    with switch.db.write():
        collection(switch.db).update(call["id"], {"ends": now})
        drop_later_legs(switch, callid_of(call))  # a leg to ring once this one answered
        unsettled(switch)
        for row in rows.select("call", uniqueid):
            if row["ends"] is None or row["ends"] > now:
                rows.update(row["id"], {"ends": now})
    settle(switch)
    return True


class LiveCall:
    """recording/recordings/start's `uniqueid`: a call in progress whose customer the caller
    reaches; else 404, as the guide words it."""

    def resolve(self, call: RequestContext, values: dict) -> tuple[int, Any]:
        live = find_live(call.switch, values.pop("uniqueid"))
        if live is None or live["customer"] not in call.caller.reach:
            raise NotFound(LIVE_NOT_FOUND)
        return live["customer"], live


LIVE_CALL = LiveCall()
LIVE_NOT_FOUND = "The call does not exist, or you do not have permission to view it."
MAY_START = "administrator"
"""Besides actions or panel, start needs an administrator, a line's owner, or a user allowed
every line [DOC]: here an administrator, or the owner of the call's line."""


def start(call: RequestContext, values: dict) -> None:
    """recording/recordings/start: the call's record group records it from now on. `channel`
    picks the calling or called phone [DOC]; a simulated call has one line (legs.py), so both
    record into the call's group: the one it was placed with, else its line's."""
    if MAY_START not in call.caller.privileges and not owns_line(call, call.target):
        raise RoleDenied()
    if not call.validate_only:
        start_recording(call.switch, call.target)


def owns_line(call: RequestContext, live: dict) -> bool:
    line = call.switch.line(live["phone"]) if live.get("phone") else None
    return line is not None and line["owner"] == call.caller.person["id"]
