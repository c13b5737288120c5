"""Click-to-call on the simulated switch: calls/make and calls/hangup.

calls/make [DOC 4.1, ../shared/clients.md 1.1-1.3] makes a call in two legs that share one
`callid`, each with its own `uniqueid`: leg 1 rings `snumber` (the caller's customer's line with
`stype=phone`, else an outside number); once it answers, leg 2 rings `cnumber` (a line with
`ctype=phone`, else a number), and the two are bridged. Our decisions where the guide is silent
or cut off [INFER/GAP]:

- a far end answers after 5 s on the mock clock (at once with answer1/answer2=1) and talks until
  hung up (calls/hangup, or `/_mock/calls`), unless a test steers it (domain/far_ends.py: busy,
  no answer, hangs up after N s); a leg that is not answered, or a far end that hangs up, ends
  the call: both legs end then, and leg 2 never rings when leg 1 is not answered;
- `delay` puts the start that many seconds later on the mock clock; `wait` is never slept out:
  with it the reply is 200 with `{"callid", "server"}` at once (callid: leg 1's uniqueid, as the
  clients read it; server: "mock-enswitch"), without it 204 and no data;
- a line that does not exist or is not the customer's is a 404 in phones/get's words (the
  convention for "does not exist or is not yours"); a number that is not digits (a leading + is
  taken), a caller ID that is not digits, or a record group not the customer's, a 400 naming
  the parameter;
- `recordgroup` records both legs as a group's settings decide (else each line's own group);
  `card`, `cdialplan`, `screen1/2` and `warn1/2` are taken and change nothing on the simulated
  switch (no billing, dialplans, screening or cut-off warnings here);
- every leg is kept until hung up: when leg 1 is hung up before leg 2 starts, leg 2 never does.

calls/hangup [DOC 4.4, clients.md 1.5]: exactly one of `callid` (the whole call: every leg, and
a leg still to start) and `uniqueid` (one leg); a call the caller may not see is a 404. Besides
actions or panel, the caller must be an administrator or the owner of a line on the call [DOC]
("allowed to use any line" is not modelled); else 402.
"""

from __future__ import annotations

from typing import Any

from ...domain import live_calls
from ...domain.access import RequestContext
from ...domain.calls import (
    CallSpec,
    collection,
    drop_later_legs,
    is_number,
    pending,
    schedule,
    settle,
    unsettled,
)
from ...domain.errors import BadRequest, NotFound, RoleDenied
from ...domain.far_ends import Behaviour
from ...domain.legs import callid_of
from ...domain.outcome import Success
from ..groups import rules as groups
from ..phones import rules as phones

SERVER = "mock-enswitch"
CALL_NOT_FOUND = "The call does not exist, or you do not have permission to view it."
MAY_HANG_UP = "administrator"


def make(request: RequestContext, values: dict) -> Success | None:
    customer = request.target
    first_line = line_of(request, customer, values, "stype", "snumber")
    second_line = line_of(request, customer, values, "ctype", "cnumber")
    for name in ("callerid1", "callerid2"):
        if values[name] and not is_number(values[name]):
            raise BadRequest(name, f"{name} must be a telephone number (digits, up to 40).")
    group = values["recordgroup"] or None
    if group is not None:
        found = groups.collection(request.switch.db).get(group)
        if found is None or found["customer"] != customer:
            raise BadRequest(
                "recordgroup", f"{group} is not a record group of customer {customer}."
            )
    switch = request.switch
    start = switch.now() + values["delay"]
    snumber, cnumber = values["snumber"], values["cnumber"]
    first = switch.far_ends.behaviour(snumber, bool(values["answer1"]))
    second = switch.far_ends.behaviour(cnumber, bool(values["answer2"])) if first.answered else None
    timings = plan(first, second)
    parties = (
        leg(first_line, "", values["callerid1"] or cnumber, snumber),  # the line is called
        leg(
            second_line,
            first_line["name"] if first_line and not second_line else "",
            values["callerid2"] or snumber,
            cnumber,
        ),
    )
    with switch.db.write():  # the callid and the legs: one durable step
        callid = f"{start}.{switch.db.next_id('calls.sequence')}"
        for number, (offset, ringtime, answered, talktime) in enumerate(timings):
            schedule(
                switch,
                CallSpec(
                    **parties[number],
                    start=start + offset,
                    ringtime=ringtime,
                    answered=answered,
                    talktime=talktime,
                    recordgroup=group,
                    active=True,
                    callid=callid,
                    uniqueid=callid if number == 0 else "",
                    customer=customer,
                ),
            )
    settle(switch)  # what starts now is placed now
    return Success("200", {"callid": callid, "server": SERVER}) if values["wait"] else None


def line_of(
    request: RequestContext, customer: int, values: dict, kind: str, number: str
) -> dict | None:
    """The line `number` names with `kind`=phone (404 unless the customer's), else None after
    checking that it is a dialable number."""
    value = values[number]
    if values[kind] != "phone":
        if not is_number(value):
            raise BadRequest(number, f"{number} must be a telephone number (digits, up to 40).")
        return None
    line = phones.by_name(request.switch.db, value)
    if line is None or line["customer"] != customer:
        raise NotFound(phones.NOT_FOUND)
    return line


def leg(line: dict | None, phone: str, caller: str, called: str) -> dict[str, Any]:
    """One leg's parties: to a line (`line`: the line is called), or from the line `phone` (or
    no line) out to a number."""
    if line is not None:
        phone, direction = line["name"], "inbound"
    else:
        direction = "outbound"
    return {"phone": phone, "direction": direction, "caller": caller, "called": called}


Timing = tuple[int, int, bool, "int | None"]
"""A leg's start (seconds after the call's), ring time, whether it is answered, and its talk
time (None: until hung up)."""


def plan(first: Behaviour, second: Behaviour | None) -> list[Timing]:
    """When each leg rings, answers and ends, from how its far end behaves. Leg 2 rings once leg
    1 answers; a leg that is not answered ends the call (nothing to bridge to, or nobody left),
    and so does a far end that hangs up: both legs end then."""
    if second is None:  # leg 1 busy or not answered: leg 2 never rings
        return [(0, first.ringtime, False, 0)]
    ring1, ring2 = first.ringtime, second.ringtime
    ends = []  # seconds after leg 1's answer
    if first.talktime is not None:
        ends.append(first.talktime)
    if not second.answered:
        ends.append(ring2)
    elif second.talktime is not None:
        ends.append(ring2 + second.talktime)
    end = min(ends) if ends else None
    legs: list[Timing] = [(0, ring1, True, end)]
    if end is None:
        legs.append((ring1, ring2, True, None))
    elif end > 0:  # leg 2 rang: answered before the end, or cut while it rang
        answered = second.answered and end > ring2
        legs.append(
            (
                ring1,
                ring2 if answered else min(end, ring2),
                answered,
                end - ring2 if answered else 0,
            )
        )
    return legs


def hangup(request: RequestContext, values: dict) -> None:
    callid, uniqueid = values["callid"], values["uniqueid"]
    if not callid and not uniqueid:
        raise BadRequest("callid", "Give the call's callid, or a leg's uniqueid.")
    if callid and uniqueid:
        raise BadRequest("uniqueid", "Give callid or uniqueid, not both.")
    switch = request.switch
    live = [
        leg
        for leg in collection(switch.db).select("live", 1)
        if (leg["uniqueid"] == uniqueid if uniqueid else callid_of(leg) == callid)
    ]
    later = [  # legs still to start: by callid, or leg 1 of a delayed call by its uniqueid
        leg
        for leg in pending(switch.db).all()
        if (leg["uniqueid"] == uniqueid if uniqueid else leg["callid"] == callid)
    ]
    seen = [leg for leg in (*live, *later) if leg["customer"] in request.caller.reach]
    if not seen:
        raise NotFound(CALL_NOT_FOUND)
    if MAY_HANG_UP not in request.caller.privileges and not any(
        live_calls.owns_line(request, leg) for leg in seen
    ):
        raise RoleDenied()
    with switch.db.write():  # the legs, and those still to start: one durable step
        for leg in later:
            drop_later_legs(switch, leg["callid"])
        unsettled(switch)
        for leg in live:
            live_calls.hang_up(switch, leg["uniqueid"])  # and the legs still to ring after it
