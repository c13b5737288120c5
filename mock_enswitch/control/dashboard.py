"""The dashboard: /_mock/ui, a page of the mock's own (no build step, no CDN: its three files
ship in the package), and the two control calls only it needs: an overview, and a recording's
audio without credentials (the control API shows the users' passwords anyway, but a page that
plays a recording should not have to put them in a URL).

The page talks to the control API like any client, so the guard's Host and Origin rules apply to
it as to everyone: it works from http://127.0.0.1:PORT/_mock/ui and from nowhere else.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, Response, jsonify, redirect, request, send_from_directory

from ..domain import live_calls, recording_rows
from ..families.groups import rules as groups
from ..store.database import DIRECTORY_KINDS
from ..streaming import file_response
from .guard import TOKEN_COOKIE
from .views import guard, problem, service

blueprint = Blueprint("control_dashboard", __name__)
blueprint.before_request(guard)

ASSETS = Path(__file__).parent / "ui"
NAMES = {"people": "users"}
"""The directory kinds as the API and the fixture files call them."""
STARTED = time.time()
POLICY = "default-src 'self'; media-src 'self'; img-src 'self' data:; frame-ancestors 'none'"
"""Only the mock's own files run, and no other site may frame the page."""


@blueprint.get("/ui")
@blueprint.get("/ui/")
def page() -> Response:
    """With --control-token, open /_mock/ui?token=TOKEN once: the token becomes an HttpOnly,
    SameSite=Strict cookie (what the page's own requests, <audio> included, then carry), and the
    address bar loses it."""
    token = request.args.get("token")
    if token is not None:
        response = redirect(request.script_root + "/_mock/ui", 303)  # in its namespace
        # Path "/": the same token opens each namespace's page too (/ns/<name>/_mock/ui).
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict", path="/")
        return response
    return _asset("index.html")


@blueprint.get("/ui/<any('app.js', 'style.css'):name>")
def asset(name: str) -> Response:
    return _asset(name)


def _asset(name: str) -> Response:
    response = send_from_directory(ASSETS, name, max_age=0)
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/overview")
def overview():
    mock = service()

    def counts(switch) -> dict:
        db = switch.db
        return {
            **{NAMES.get(kind, kind): len(db.records(kind)) for kind in DIRECTORY_KINDS},
            "record_groups": len(groups.collection(db).all()),
            "recordings": sum(
                recording_rows.visible(row, switch.now())
                for row in recording_rows.collection(db).all()
            ),
            "calls_in_progress": len(live_calls.in_progress(switch)),
            "emails": len(switch.outbox.messages()),
        }

    counted = mock.on_switch(counts)
    return jsonify(
        enswitch_version=mock.config.enswitch_version,
        started=STARTED,
        uptime=time.time() - STARTED,
        clock=mock.on_switch(lambda switch: switch.clock.now()),
        counts={**counted, "fault_rules": len(mock.faults.listing()), "journal": len(mock.journal)},
        changes=mock.on_switch(lambda switch: changes(mock, switch)),
    )


def changes(mock, switch) -> dict:
    """Numbers that move whenever anything the page shows changes (the latest journal entry,
    event, rule, text message, stored record): the page polls this alone while it is idle, and
    fetches the rest only when one moved."""
    return {
        "journal": mock.journal.last_seq,
        "events": switch.events.sequence,
        "faults": [(rule["id"], rule["hits"]) for rule in mock.faults.listing(spent=True)],
        "messages": len(switch.texts.messages()),
        "writes": switch.db.writes,
    }


@blueprint.get("/recordings/<int:recordgroup>/<uniqueid>/<recordid>.wav")
def recording_audio(recordgroup: int, uniqueid: str, recordid: str):
    """A stored recording's WAV, as recordings/get with wrap=none sends it, with ranges."""

    def find(switch):
        row = recording_rows.stored(switch.db, switch.now(), (recordgroup, uniqueid, recordid))
        return recording_rows.sound(row, switch.now()) if row else None

    sound = service().on_switch(find)
    if sound is None:
        return problem(404, f"No recording ({recordgroup}, {uniqueid}, {recordid}).")
    response = file_response(sound.open(), sound.size, recording_rows.MIMETYPE, request.environ)
    # Ranges (206), so the page's player can seek: the file is seekable, made as it is read.
    return response.make_conditional(request, accept_ranges=True, complete_length=sound.size)
