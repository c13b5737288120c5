"""The /_mock/ calls, clock, e-mails and recordings: what a test does to the switch around it.

`POST /_mock/calls` places a call through a record group (its settings decide what is recorded:
domain/calls.py); `DELETE /_mock/calls/<uniqueid>` hangs up a call in progress; `/_mock/clock`
reads, sets or advances the mock clock; `/_mock/emails` is the outbox; `/_mock/recordings` every
stored recording, whoever owns it; `/_mock/events` the events the calls pushed, with their
deliveries. Same errors and guard as the rest of the control API.
"""

from __future__ import annotations

import math

from flask import Blueprint, jsonify, request

from ..domain import calls, far_ends, live_calls, recording_rows
from ..domain.errors import BadRequest
from .views import guard, json_body, no_content, problem, service

blueprint = Blueprint("control_simulation", __name__)
LATEST = 2**31 - 1
"""The clock's bound: Enswitch's times are 32-bit Unix times (and so are the tokens' stamps)."""
blueprint.before_request(guard)


@blueprint.post("/calls")
def place_call():
    body = json_body()
    if not isinstance(body, dict):
        return problem(400, "Send the call as a JSON object (Content-Type: application/json).")
    try:
        return jsonify(
            service().on_switch(lambda switch: calls.place(switch, calls.parse(body, switch.now())))
        ), 201
    except BadRequest as error:
        return problem(400, error.message, error.key)


@blueprint.get("/calls")
def calls_in_progress():
    """The calls in progress (each ends when hung up, or when its talk time passes)."""
    return jsonify(calls=service().on_switch(live_calls.in_progress))


@blueprint.delete("/calls/<path:uniqueid>")
def hang_up(uniqueid: str):
    if not service().on_switch(lambda switch: live_calls.hang_up(switch, uniqueid)):
        return problem(404, f"No call in progress with uniqueid {uniqueid}.", "uniqueid")
    return no_content()


@blueprint.post("/calls/<path:callid>/far_end")
def steer_call(callid: str):
    """The far end of a call already placed answers, is busy, does not answer, or hangs up
    (`after` seconds from now): `{"outcome": "hang up", "after": 30}`; by callid (every leg)
    or a leg's uniqueid."""
    body = json_body()
    if not isinstance(body, dict):
        return problem(400, 'Send {"outcome": ..., "after": ...} as a JSON object.')
    try:
        rule = far_ends.parse({"number": callid, **body})
    except BadRequest as error:
        return problem(400, error.message, error.key)
    if rule.times is not None:
        return problem(400, "times is for rules on the next calls to a number.", "times")
    steered = service().on_switch(
        lambda switch: live_calls.steer(switch, callid, rule.outcome, rule.after)
    )
    if not steered:
        return problem(404, f"No call in progress with callid or uniqueid {callid}.", "callid")
    return no_content()


@blueprint.post("/far_ends")
def add_far_end():
    """How the far end at a number takes the next calls (see domain/far_ends.py)."""
    try:
        rule = far_ends.parse(json_body())
        rule_id = service().on_switch(lambda switch: switch.far_ends.add(rule))
    except BadRequest as error:
        return problem(400, error.message, error.key)
    return jsonify(id=rule_id), 201


@blueprint.get("/far_ends")
def list_far_ends():
    return jsonify(far_ends=service().on_switch(lambda switch: switch.far_ends.all()))


@blueprint.delete("/far_ends/<int:rule_id>")
def remove_far_end(rule_id: int):
    if not service().on_switch(lambda switch: switch.far_ends.remove(rule_id)):
        return problem(404, f"No far-end rule {rule_id}.", "id")
    return no_content()


@blueprint.get("/clock")
def clock():
    return jsonify(now=service().on_switch(lambda switch: switch.clock.now()))


@blueprint.post("/clock")
def move_clock():
    """{"now": T} sets the clock to Unix time T; {"advance": S} moves it S seconds on."""
    body = json_body()
    if not isinstance(body, dict) or len(body) != 1 or not {"now", "advance"} & set(body):
        return problem(400, 'Send {"now": <unix time>} or {"advance": <seconds>}.')
    ((field, value),) = body.items()
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or (isinstance(value, float) and not math.isfinite(value)) or abs(value) > LATEST:
        return problem(400, f"{field} must be a number of seconds.", field)

    def move(switch):
        """The new time, if it stays a Unix time the API can carry (a 32-bit one); else None."""
        target = value if field == "now" else switch.clock.now() + value
        if not 0 < target <= LATEST:
            return None
        switch.clock.set(target)
        return switch.clock.now()

    moved = service().on_switch(move)
    if moved is None:
        return problem(400, f"The clock must stay a Unix time from 1 to {LATEST}.", field)
    return jsonify(now=moved)


@blueprint.get("/emails")
def emails():
    return jsonify(
        emails=service().on_switch(lambda switch: switch.outbox.messages(request.args.get("to")))
    )


@blueprint.get("/messages")
def text_messages():
    """The text messages sent (messages/text/send), as received, oldest first; `?to=N` only
    those to cnumber N."""
    to = request.args.get("to")
    return jsonify(
        messages=service().on_switch(lambda switch: switch.texts.messages(to, "cnumber"))
    )


@blueprint.get("/recordings")
def list_recordings():
    def every(switch):
        now = switch.now()
        rows = recording_rows.collection(switch.db).all()
        return [
            recording_rows.present(row, now) for row in rows if recording_rows.visible(row, now)
        ]

    return jsonify(recordings=service().on_switch(every))


EVENT_FILTERS = ("callid", "uniqueid", "event", "customer", "class")


@blueprint.get("/events")
def events():
    """The events the switch's calls made (oldest first), each with its deliveries; filtered by
    `callid`, `uniqueid`, `event`, `customer` or `class` given in the query."""
    unknown = sorted(set(request.args) - set(EVENT_FILTERS))
    if unknown:
        return problem(400, f"Unknown filter {unknown[0]}; known: {', '.join(EVENT_FILTERS)}.")
    wanted = {name: request.args[name] for name in EVENT_FILTERS if name in request.args}
    mock = service()
    made = mock.on_switch(lambda switch: switch.events.kept(**wanted))
    return jsonify(events=made, **mock.push_state())
