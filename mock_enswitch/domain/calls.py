"""Simulated calls: a call through a record group's phone, and what the group's settings make of it.

A call is placed through the control API (`POST /_mock/calls`) or the pytest fixture; the group's
settings decide, as the create guide documents them, whether it is recorded and kept:

- `record_in` for inbound calls, `record_out` for outbound ones; an internal call has a calling
  and a called phone on the switch, so it is recorded when either flag is 1 (our decision);
- `fraction`: a call is recorded when its draw (0-99.99) is under the percentage. The draw comes
  from a hash of the group's ID and the call's sequence number since the last reset, so the same
  sequence of calls after a reset gets the same draws, run after run; `fraction=0` records only
  on demand (recording/recordings/start, on a call in progress);
- `expires`: the row expires that many days after the call's start; 0 keeps no row, but the
  recording is still mailed;
- `email`: each address gets the recording once the call has ended (the outbox, `/_mock/emails`);
- `beep` and `message`: in the audio (audio.py);
- `transcribe`: stored and shown on each e-mail; the guides say nowhere where a transcript
  appears, so the mock adds no API field for one.

A call with `active` is in progress until hung up or until its talk time passes on the mock
clock; without a talk time, until hung up. Only calls in progress are stored (the `calls` kind,
the recordings they make noted by record ID and start): an ended call lives on in its
recordings, and storing every call would double what a restart reads (call records, when
cdrs/list arrives, will be their own family). Nothing runs in the background: `settle()`,
called before each look at the state, finishes the calls whose time has come (their
e-mails), so it costs nothing however many recordings are stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from ..store.database import Collection, Database
from ..store.indexes import Index
from ..suggest import did_you_mean
from . import recording_rows
from .errors import BadRequest
from .switch import Switch

log = logging.getLogger("mock_enswitch")

KIND = "calls"
DIRECTIONS = ("inbound", "outbound", "internal")
MAX_SECONDS = 10 * 86400
"""Our bound for a call's ring or talk time: ten days (a 1-hour recording is 57.6 MB)."""
NUMBER_LENGTH = 40
OTHER_END = {"outbound": "0412345678", "internal": "202"}
"""The called number when not given: an outside number, another extension, or (inbound) the
line (else extension 201)."""

KIND_NAMES = {int: "an integer", str: "a string", bool: "true or false"}
FIELDS: dict[str, type] = {
    "phone": str,
    "recordgroup": int,
    "direction": str,
    "caller": str,
    "called": str,
    "talktime": int,
    "ringtime": int,
    "start": int,
    "active": bool,
    "answered": bool,
}


def is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "²" and other digits int() refuses."""
    return text.isascii() and text.isdigit()


def is_number(text: str) -> bool:
    """A telephone number as the switch takes one: digits, a leading + allowed, up to 40."""
    return len(text) <= NUMBER_LENGTH and is_digits(text.removeprefix("+"))


def line_names(line: dict | None) -> dict[str, str]:
    """What a call keeps of its line: the names and caller ID its rows show."""
    return {
        "callername": line["callername_internal"] if line else "",
        "callerid": line["callerid_internal"] if line else "",
    }


INDEXES = (Index("uniqueid", "uniqueid"), Index("live", "live"))
"""Made once (not on every call that reaches the collection)."""


def collection(db: Database) -> Collection:
    """The calls in progress."""
    return db.collection(KIND, INDEXES)


@dataclass(frozen=True)
class CallSpec:
    recordgroup: int | None
    """The group given with the call; None: the line's (if any) decides."""
    phone: str
    """The telephone line on the call ("" for none): the caller of an outbound or internal call,
    the called party of an inbound one."""
    direction: str
    caller: str
    called: str
    talktime: int | None
    ringtime: int
    start: int
    active: bool
    answered: bool = True
    uniqueid: str = ""
    """Given when it must be known before the call is placed (a click-to-call's first leg,
    whose uniqueid is its callid); else made at placing."""
    callid: str = ""
    """The call this leg belongs to (click-to-call: two legs, one callid); "": its own."""
    customer: int | None = None
    """The customer of a leg with neither line nor record group (a number called first)."""

    def as_call(self, uniqueid: str) -> dict[str, Any]:
        answered = self.start + self.ringtime
        call = {
            "uniqueid": uniqueid,
            "recordgroup": self.recordgroup,
            "phone": self.phone,
            "answered": self.answered,
            "direction": self.direction,
            "caller": self.caller,
            "called": self.called,
            "start": self.start,
            "ringtime": self.ringtime,
            "ends": None if self.talktime is None else answered + self.talktime,
        }
        if self.callid and self.callid != uniqueid:
            call["callid"] = self.callid  # stored only where it differs (a restart reads them)
        return call


def parse(body: Any, now: int, extra_fields: tuple[str, ...] = ()) -> CallSpec:
    """A call from JSON: `phone` or `recordgroup`, every other field optional; 400 naming the
    first bad one. Unanswered (`answered` false), a call rings for its ring time and talks none."""
    if not isinstance(body, dict):
        raise BadRequest("", "Send the call as a JSON object.")
    for name, value in body.items():
        wanted = FIELDS.get(name)
        if wanted is None:
            known = (*FIELDS, *extra_fields)
            hint = did_you_mean(name, known) or f"; known: {', '.join(known)}"
            raise BadRequest(name, f"Unknown field {name}{hint}.")
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise BadRequest(name, f"{name} must be {KIND_NAMES[wanted]}, not {value!r}.")
    if "recordgroup" not in body and "phone" not in body:
        raise BadRequest("phone", "Give the call's phone (a line's name) or its recordgroup.")
    direction = body.get("direction", "inbound")
    if direction not in DIRECTIONS:
        raise BadRequest("direction", f"direction must be one of {', '.join(DIRECTIONS)}.")
    phone = body.get("phone", "")
    line_side = "called" if direction == "inbound" else "caller"
    if phone and line_side in body and body[line_side] != phone:
        raise BadRequest(line_side, f"The {line_side} of this call is its line, {phone}.")
    answered = body.get("answered", True)
    if not answered and body.get("talktime", 0):
        raise BadRequest("talktime", "An unanswered call has no talk time.")
    for name in ("caller", "called"):
        text = body.get(name, "0")
        if not is_number(text):
            raise BadRequest(name, f"{name} must be a telephone number (digits, up to 40).")
    for name in ("talktime", "ringtime"):
        if not 0 <= body.get(name, 0) <= MAX_SECONDS:
            raise BadRequest(name, f"{name} must be from 0 to {MAX_SECONDS} seconds.")
    active = body.get("active", False)
    talktime = body.get("talktime", None if active else 30) if answered else 0
    ringtime = body.get("ringtime", 5)
    default_start = now - ringtime if active else now - ringtime - (talktime or 0)
    start = body.get("start", default_start)
    if not 0 < start < 2**31:
        raise BadRequest("start", "start must be a Unix time.")
    if start > now:
        raise BadRequest("start", f"start must not be after the mock clock's now ({now}).")
    if not active and start + ringtime + talktime > now:
        raise BadRequest(
            "start", "A call that has not ended by now is in progress: place it with active true."
        )
    default_extension = phone or "201"
    return CallSpec(
        recordgroup=body.get("recordgroup"),
        phone=phone,
        direction=direction,
        caller=body.get("caller", "0412345678" if direction == "inbound" else default_extension),
        called=body.get("called", OTHER_END.get(direction, default_extension)),
        talktime=talktime,
        ringtime=ringtime,
        start=start,
        active=active,
        answered=answered,
    )


def place(switch: Switch, spec: CallSpec) -> dict[str, Any]:
    """Record the call as its group's settings say (the group given, else its line's), and keep
    it while it goes on; when it ends it is a call record. The reply says what decided."""
    line, group = line_and_group(switch, spec)
    with switch.db.write():  # the call, its number and its recording in one write
        number = switch.db.next_id(KIND + ".sequence")
        call = spec.as_call(spec.uniqueid or f"{spec.start}.{number}")
        if group is None:
            recorded, why = False, f"the line {spec.phone} has no record group"
        elif not spec.answered:
            recorded, why = False, "the call was not answered: nothing to record"
        else:
            recorded, why = decide(group, call["direction"], number)
        customer = line["customer"] if line else group["customer"] if group else spec.customer
        call.update(recordgroup=group["id"] if group else 0, recorded=[], customer=customer, live=1)
        call.update(line_names(line))
        made = []
        if recorded:
            made = record(switch, group, call, call["start"] + call["ringtime"])
        told_started(switch, call)
        if ended(call, switch.now()):
            finish(switch, call)
        else:
            collection(switch.db).insert(call)
            unsettled(switch)
            switch.events.answer_due(switch.clock.now())
    return {"uniqueid": call["uniqueid"], "recorded": recorded, "why": why, "recordings": made}


def told_started(switch: Switch, call: dict) -> None:
    """A leg's first events: it starts and rings its far end (at its start); its answer is
    told when its time comes (events.py)."""
    switch.events.emit("start", call, call["start"])
    switch.events.emit("route", call, call["start"])
    if call["answered"]:
        switch.events.answer_later(call, call["start"] + call["ringtime"])


def line_and_group(switch: Switch, spec: CallSpec) -> tuple[dict | None, dict | None]:
    """The call's line (if `phone`) and the group that records it (if any): the one given, of
    the line's customer, else the line's own."""
    line = switch.line(spec.phone) if spec.phone else None
    if spec.phone and line is None:
        raise BadRequest("phone", f"No telephone line named {spec.phone}.")
    if line is None and spec.recordgroup is None:
        return None, None  # a number, not a line (a click-to-call's outside leg)
    group_id = spec.recordgroup if spec.recordgroup is not None else line["recordgroup"]
    if not group_id:
        return line, None
    group = switch.record_group(group_id)
    if group is None:
        raise BadRequest("recordgroup", f"No record group {group_id}.")
    if line and group["customer"] != line["customer"]:
        raise BadRequest("recordgroup", f"Record group {group_id} is not of the line's customer.")
    return line, group


def ended(call: dict, now: int) -> bool:
    return call["ends"] is not None and call["ends"] <= now


def decide(group: dict, direction: str, number: int) -> tuple[bool, str]:
    """Whether the group's settings record this call, and the setting that decided."""
    flags = {"inbound": ("record_in",), "outbound": ("record_out",)}
    names = flags.get(direction, ("record_in", "record_out"))
    if not any(group[name] for name in names):
        said = " and ".join(f"{name}=0" for name in names)
        return False, f"{said}: {direction} calls are not recorded"
    fraction = group["fraction"]
    if fraction == 0:
        return False, "fraction=0: recorded only on demand (recording/recordings/start)"
    draw = draw_for(group["id"], number)
    if draw >= fraction:
        return False, f"fraction={fraction}: this call drew {draw:.2f}, not under {fraction}"
    if group["expires"] == 0:
        return True, "expires=0: recorded and e-mailed, not saved"
    return True, f"fraction={fraction}: this call drew {draw:.2f}, under {fraction}"


def draw_for(group_id: int, number: int) -> float:
    digest = hashlib.sha256(f"{group_id}/{number}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 10000 / 100


def record(switch: Switch, group: dict, call: dict, recorded_from: int) -> list[dict]:
    """Record `call` in `group` from `recorded_from`: a row unless `expires` is 0; the call
    notes it, for its e-mail when it ends. Returns the stored recordings' triples."""
    recordid = str(len(call["recorded"]) + 1)
    call["recorded"] = [*call["recorded"], [recordid, recorded_from]]
    if not group["expires"]:
        return []  # mailed when the call ends; nothing to fetch
    row = recording_rows.new_row(group, call, recordid, recorded_from)
    recording_rows.collection(switch.db).insert(row)
    return [{"recordgroup": group["id"], "uniqueid": call["uniqueid"], "recordid": recordid}]


def settle(switch: Switch) -> None:
    """Finish the calls in progress that have ended by the clock.

    Runs before every call, so it first asks one number: nothing can have ended before
    `switch.settle_after` (the earliest end of a call in progress, found by the last look). Looking
    at the calls each time cost the served mock ~15% of its throughput under load."""
    now = switch.now()
    if now < switch.settle_after:
        return
    calls = collection(switch.db)
    next_end = float("inf")  # calls without an end end by hang_up, which settles itself
    live = calls.select("live", 1)
    # In time order: the answers due before each end go out before it (a call that ends
    # before its answer time never answers: finish drops it).
    for call in sorted((c for c in live if ended(c, now)), key=lambda c: (c["ends"], c["id"])):
        switch.events.answer_due(call["ends"])
        with switch.db.write():
            finish(switch, call)
            calls.delete([call["id"]])
    switch.events.answer_due(switch.clock.now())
    for call in live:
        if not ended(call, now) and call["ends"] is not None:
            next_end = min(next_end, call["ends"])
    legs = pending(switch.db)
    for leg in sorted(legs.all(), key=lambda leg: (leg["start"], leg["id"])):
        if leg["start"] <= now:
            spec = CallSpec(**{k: v for k, v in leg.items() if k != "id"})
            with switch.db.write():  # placed once: gone from the pending, live in one write
                legs.delete([leg["id"]])
                try:
                    place(switch, spec)  # refuses before it writes anything
                except BadRequest as error:  # its line or group removed since: it never starts
                    log.warning("a leg of call %s cannot start: %s", spec.callid, error.message)
                    if spec.uniqueid == spec.callid:  # the first leg: nothing to bridge to
                        drop_later_legs(switch, spec.callid)
        else:
            next_end = min(next_end, leg["start"])
    switch.settle_after = min(next_end, switch.events.next_due())


class caught_up:  # noqa: N801 (used as a function: `with caught_up(switch) as switch:`)
    """The one way to the switch's state, for an API call or a control request alike: its lock,
    taken once, then its calls caught up with the clock (`settle`). Nothing runs in the
    background: this is where the mock clock's time passes for the calls. A class, not a
    generator: entered on every call, where a generator's frame cost ~1 us more."""

    __slots__ = ("switch",)

    def __init__(self, switch: Switch) -> None:
        self.switch = switch

    def __enter__(self) -> Switch:
        self.switch.db.lock.acquire()
        try:
            settle(self.switch)
        except BaseException:
            self.switch.db.lock.release()
            raise
        return self.switch

    def __exit__(self, *exc: object) -> None:
        self.switch.db.lock.release()


PENDING = "pending_legs"


def pending(db: Database) -> Collection:
    """Legs that start later on the clock (a click-to-call's `delay`, and its second leg, which
    rings once the first answers): placed by `settle()` when their start comes."""
    return db.collection(PENDING)


def drop_later_legs(switch: Switch, callid: str) -> None:
    """The legs of `callid` still to start never will (its first leg ended or never began)."""
    legs = pending(switch.db)
    legs.delete([leg["id"] for leg in legs.all() if leg["callid"] == callid])


def schedule(switch: Switch, spec: CallSpec) -> None:
    """Place `spec` when the clock reaches its start (at once if it has)."""
    pending(switch.db).insert(dataclasses.asdict(spec))
    unsettled(switch)


def unsettled(switch: Switch) -> None:
    """A call in progress was placed or changed: the next `settle()` looks again."""
    switch.settle_after = float("-inf")


def finish(switch: Switch, call: dict) -> None:
    """An ended call: it becomes a call record, and each recording it made goes to the group's
    addresses. Its events end: its answer, if still untold, then its end."""
    switch.events.answer_now(call)
    switch.events.emit("end", call, call["ends"] if call["ends"] is not None else switch.now())
    for ended_hook in switch.call_ended:  # the call-record family: a record of the call
        ended_hook(switch, call)
    group = switch.record_group(call["recordgroup"])
    if group is None or not group["email"]:
        return
    for recordid, recorded_from in call["recorded"]:
        mail(switch, group, recording_rows.new_row(group, call, recordid, recorded_from), recordid)


def mail(switch: Switch, group: dict, row: dict, recordid: str) -> None:
    size = recording_rows.sound(row, switch.now()).size
    for address in group["email"].split(","):
        switch.outbox.send(
            {
                "time": row["ends"],
                "to": address.strip(),
                "subject": f"Call recording {row['uniqueid']} from {row['caller']}",
                "recordgroup": group["id"],
                "uniqueid": row["uniqueid"],
                "recordid": recordid,
                "attachment": {
                    "name": recording_rows.file_name(row),
                    "mimetype": recording_rows.MIMETYPE,
                    "size": size,
                },
                "saved": bool(group["expires"]),
                "transcribe": group["transcribe"],
            }
        )
