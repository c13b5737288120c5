"""Calls in progress: found by uniqueid, listed, hung up, and recorded on demand.

recording/recordings/start [DOC 4.1] records "the telephone on the call, and its configured call
recording group" from now on; its 404 is "the call does not exist, or you do not have permission
to view it", which is also what a call that has ended gets.
"""

from __future__ import annotations

from typing import Any

from . import recording_rows
from .access import RequestContext
from .calls import collection, drop_later_legs, ended, pending, record, settle, unsettled
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
                "callid": callid_of(call),
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


def steer(switch: Switch, callid: str, outcome: str, after: int | None) -> bool:
    """The far end of a call already placed (every leg of `callid`, or the one leg with that
    uniqueid) does `outcome` now; False if no leg of it is in progress or still to start.
    Our decisions, as no guide says how a far end behaves:

    - answer: a leg still ringing answers now (its `answer` event goes out now, and a
      click-to-call's second leg rings now); a leg planned not to answer (a busy or no-answer
      rule) is not changed;
    - busy, no answer: a leg still ringing ends now, unanswered, and the call with it (a leg
      answered already is not changed by its far end being "busy": the call ends all the same);
    - hang up: the far end hangs up `after` seconds from now (default 0): the call ends then.

    A call ending this way ends every leg, and the legs still to start never do, as when a far
    end steered by a rule ends it (far_ends.py)."""
    now = switch.now()
    legs = [
        leg
        for leg in collection(switch.db).select("live", 1)
        if callid in (callid_of(leg), leg["uniqueid"]) and not ended(leg, now)
    ]
    if not legs and not any(
        callid in (leg["callid"], leg["uniqueid"]) for leg in pending(switch.db).all()
    ):
        return False
    with switch.db.write():
        if outcome == "answer":
            for leg in legs:
                answers_at = leg["start"] + leg["ringtime"]
                if leg["answered"] and answers_at > now:
                    change(switch, leg, ringtime=now - leg["start"])
                    switch.events.answer_later(leg, now)
                    later = pending(switch.db)  # what rings once it answers rings now
                    for waiting in later.all():
                        if waiting["callid"] == callid_of(leg) and waiting["start"] == answers_at:
                            later.update(waiting["id"], {"start": now})
        else:
            ends = now + ((after or 0) if outcome == "hang up" else 0)
            for leg in legs:
                ringing = leg["start"] + leg["ringtime"] > now
                if outcome != "hang up" and ringing:
                    change(switch, leg, answered=False, ringtime=now - leg["start"])
                end_at(switch, leg, ends)
            for whole_call in {callid_of(leg) for leg in legs} or {callid}:
                drop_later_legs(switch, whole_call)  # its legs still to start never do
        unsettled(switch)
    settle(switch)
    return True


def change(switch: Switch, leg: dict, **fields: Any) -> None:
    leg.update(fields)
    collection(switch.db).update(leg["id"], fields)


def end_at(switch: Switch, leg: dict, at: int) -> None:
    """The leg ends at `at` (not later than it would have): its recordings stop then too."""
    if leg["ends"] is not None and leg["ends"] <= at:
        return
    change(switch, leg, ends=at)
    rows = recording_rows.collection(switch.db)
    for row in rows.select("call", leg["uniqueid"]):
        if row["ends"] is None or row["ends"] > at:
            rows.update(row["id"], {"ends": at})


class LiveCall:
    """recording/recordings/start's `uniqueid`: a call in progress whose customer the caller
    reaches; else 404, as the guide words it."""

    def resolve(self, request: RequestContext, values: dict) -> tuple[int, Any]:
        live = find_live(request.switch, values.pop("uniqueid"))
        if live is None or live["customer"] not in request.caller.reach:
            raise NotFound(LIVE_NOT_FOUND)
        return live["customer"], live


LIVE_CALL = LiveCall()
LIVE_NOT_FOUND = "The call does not exist, or you do not have permission to view it."
MAY_START = "administrator"
"""Besides actions or panel, start needs an administrator, a line's owner, or a user allowed
every line [DOC]: here an administrator, or the owner of the call's line."""


def start(request: RequestContext, values: dict) -> None:
    """recording/recordings/start: the call's record group records it from now on. `channel`
    picks the calling or called phone [DOC]; a simulated call has one line (legs.py), so both
    record into the call's group: the one it was placed with, else its line's."""
    if MAY_START not in request.caller.privileges and not owns_line(request, request.target):
        raise RoleDenied()
    if not request.validate_only:
        start_recording(request.switch, request.target)


def owns_line(request: RequestContext, live: dict) -> bool:
    line = request.switch.line(live["phone"]) if live.get("phone") else None
    return line is not None and line["owner"] == request.caller.person["id"]
