"""The /_mock/ directory at run time: customers, users, roles, rate plans and telephone lines
(`/_mock/phones`, as in phones.json) added and removed
without a new fixture directory or a second server. Same shapes and checks as the fixture files
(a record refused names its file, record and field as they would); a reset returns to them.

    GET    /_mock/users              the users (passwords included: it is a mock's control API)
    POST   /_mock/users              {"username": ..., "password": ..., "customer": 3, "role": 4}
                                      -> 201 {"id": N} (`id` may be given)
    PATCH  /_mock/customers/<id>      {"events_url": "http://..."} -> 204 (not for phones)
    DELETE /_mock/users/<id>          204; 400 while anything refers to it; 404 if none
    GET    /_mock/records/<kind>      any kind as stored (cdrs, numbers, transactions...)
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..domain import editing
from ..domain.calls import is_digits
from ..families.index import EDITABLE
from ..families.index import KINDS as ALL_KINDS
from ..fixtures import FixtureError
from .views import guard, json_body, no_content, problem, service

blueprint = Blueprint("control_directory", __name__)
blueprint.before_request(guard)

KINDS = {name: records.kind for name, records in EDITABLE.items()}
"""URL name -> the kind of record (users are `people` inside, as in the fixture loader): every
kind the list of families marks editable."""
EDITABLE_NAMES = f"any({', '.join(KINDS)})"


@blueprint.get(f"/<{EDITABLE_NAMES}:name>")
def list_records(name: str):
    return jsonify(
        {name: service().on_switch(lambda switch: editing.records_of(switch.db, KINDS[name]))}
    )


READABLE = {records.kind: records for records in ALL_KINDS}
"""Every kind of stored record, by its name in the database (the read-only view below)."""


@blueprint.get("/records/<kind>")
def read_records(kind: str):
    """The stored records of any kind (cdrs, numbers, transactions...), as stored, the newest
    last; `?limit=N` keeps the last N (default 100): what the dashboard shows of each."""
    if kind not in READABLE:
        return problem(404, f"No kind of record {kind}; known: {', '.join(READABLE)}.", "kind")
    limit = request.args.get("limit", "100")
    if not is_digits(limit):
        return problem(400, "limit must be a whole number.", "limit")
    records = service().on_switch(lambda switch: editing.records_of(switch.db, kind))
    return jsonify({kind: records[-int(limit) :] if int(limit) else []})


@blueprint.post(f"/<{EDITABLE_NAMES}:name>")
def add_record(name: str):
    record = json_body()
    if not isinstance(record, dict):
        return problem(400, "Send the record as a JSON object (Content-Type: application/json).")
    try:
        return jsonify(
            id=service().on_switch(lambda switch: editing.add(switch.db, KINDS[name], record))
        ), 201
    except FixtureError as error:
        return problem(400, str(error), error.field)


@blueprint.patch(f"/<{EDITABLE_NAMES}:name>/<int:record_id>")
def change_record(name: str, record_id: int):
    """Some fields of a customer, user, role or rate plan (e.g. a customer's `events_url`)."""
    changes = json_body()
    if not isinstance(changes, dict):
        return problem(400, "Send the fields to change as a JSON object.")
    try:
        changed = service().on_switch(
            lambda switch: editing.update(switch.db, KINDS[name], record_id, changes)
        )
    except FixtureError as error:
        return problem(400, str(error), error.field)
    if not changed:
        return problem(404, f"No {name[:-1]} {record_id}.", "id")
    return no_content()


@blueprint.delete(f"/<{EDITABLE_NAMES}:name>/<int:record_id>")
def remove_record(name: str, record_id: int):
    try:
        removed = service().on_switch(
            lambda switch: editing.remove(switch.db, KINDS[name], record_id)
        )
    except FixtureError as error:
        return problem(400, str(error), error.field)
    if not removed:
        return problem(404, f"No {name[:-1]} {record_id}.", "id")
    return no_content()
