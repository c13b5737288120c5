"""The /_mock/ control API: health, reset, fault rules, the request journal, stored groups.

Apart from the Enswitch API on purpose: plain JSON, its own errors ({"error", "field"}), and its
own guard (guard.py: who may call it, from where).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from ..catalogue import real_functions
from ..domain.calls import is_digits
from ..families.groups import rules as groups
from ..families.groups.rules import present
from ..faults import RuleError, parse_rule
from ..fixtures import FixtureError
from ..namespaces import ENVIRON_KEY as NAMESPACE_SERVICE
from ..openapi import document
from ..surfaces import control_error
from .guard import Refused, check_request

blueprint = Blueprint("control", __name__)

HEALTH = ("control.health",)
TOKEN_VIA_QUERY = "control_dashboard.page"
"""The one address where the token may come in the query string (it becomes the cookie)."""


def service():
    """The mock this request is for: its namespace's (`/ns/<name>/_mock/...`), else the
    server's own."""
    return request.environ.get(NAMESPACE_SERVICE) or current_app.extensions["mock_enswitch"]


def problem(status: int, message: str, field: str = "") -> tuple[Response, int]:
    return jsonify(control_error(message, field)), status


def no_content() -> Response:
    """A 204: no body, so no Content-Type either (Flask would say text/html)."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


def guard() -> tuple[Response, int] | None:
    if request.endpoint in HEALTH:
        return None
    try:
        check_request(service().config, request, request.endpoint == TOKEN_VIA_QUERY)
    except Refused as refused:
        if refused.status == 401 and request.endpoint == TOKEN_VIA_QUERY:
            return token_page(), 401  # a browser cannot send the header: it asks instead
        return problem(refused.status, refused.message, refused.field)
    return None


TOKEN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mock-enswitch: control token</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto">
<h1>mock-enswitch</h1>
<p>This mock's control API wants its token (<code>--control-token</code>, or
<code>MOCK_ENSWITCH_CONTROL_TOKEN</code> in the compose file). The page keeps it as a cookie.</p>
<form method="get"><label>Token <input name="token" type="password" autofocus required></label>
<button type="submit">Open the dashboard</button></form>
</body></html>
"""


def token_page() -> Response:
    """The dashboard's door when a token is wanted: a form, not raw JSON about a header."""
    response = Response(TOKEN_PAGE, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


blueprint.before_request(guard)


class BadBody(Exception):
    """A request body the control API cannot read; answered 400 by `bad_body`."""


def json_body():
    """The request's JSON, or None when it is not JSON (400 when it is nested too deeply for
    the parser, not a crash)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise BadBody("The JSON body is nested too deeply.") from None


@blueprint.app_errorhandler(BadBody)
def bad_body(error: BadBody):
    return problem(400, str(error))


@blueprint.get("/health")
def health():
    """200 once the fixtures are loaded, which is true as soon as the app exists."""
    return jsonify(status="ok", enswitch_version=service().config.enswitch_version)


@blueprint.post("/reset")
def reset():
    try:
        service().reset()
    except FixtureError as error:
        return problem(400, str(error))
    return jsonify(status="reset")


@blueprint.get("/faults")
def list_faults():
    """The rules in force; `?spent=1` also those used up or expired since the reset."""
    return jsonify(faults=service().faults.listing(spent=request.args.get("spent") == "1"))


@blueprint.post("/faults")
def add_fault():
    data = json_body()
    if data is None:
        return problem(400, "Send the rule as a JSON object (Content-Type: application/json).")
    try:
        rule = parse_rule(data)
    except RuleError as error:
        return problem(400, error.message, error.field)
    try:
        rule_id = service().add_fault(rule)
    except RuleError as error:
        return problem(400, error.message, error.field)
    return jsonify(id=rule_id), 201


@blueprint.delete("/faults/<int:rule_id>")
def delete_fault(rule_id: int):
    if not service().faults.remove(rule_id):
        return problem(404, f"No fault rule {rule_id}.", "id")
    return no_content()


@blueprint.delete("/faults")
def delete_faults():
    service().faults.clear()
    return no_content()


@blueprint.get("/requests")
def list_requests():
    """The journal, oldest first; `since=N` only the entries after entry N (`seq`), `limit=M`
    at most the M oldest of those (a page polling for news asks for what it has not seen)."""
    numbers = {}
    for name in ("since", "limit"):
        text = request.args.get(name, "")
        if text and not is_digits(text):
            return problem(400, f"{name} must be a whole number.", name)
        numbers[name] = int(text) if text else None
    entries = service().journal.entries(
        function=request.args.get("function"), user=request.args.get("user")
    )
    if numbers["since"] is not None:
        entries = [entry for entry in entries if entry["seq"] > numbers["since"]]
    if numbers["limit"] is not None:
        entries = entries[: numbers["limit"]]
    return jsonify(requests=entries)


@blueprint.delete("/requests")
def clear_requests():
    service().journal.clear()
    return no_content()


@blueprint.get("/groups")
def list_groups():
    return jsonify(
        groups=service().on_switch(
            lambda switch: [present(g) for g in groups.collection(switch.db).all()]
        )
    )


@blueprint.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of the Enswitch API as this mock serves it (its version, prefix)."""
    mock = service()
    prefix = request.script_root + mock.config.path_prefix  # /ns/<name> in a namespace
    return jsonify(document(mock.version, prefix, mock.config.api_root))


@blueprint.get("/functions")
def functions():
    """What this mock answers at its version: the functions it serves, and the real Enswitch
    functions it does not serve yet (answered 501; a fault rule may stand in for them)."""
    mock = service()
    served = mock.functions
    return jsonify(
        enswitch_version=mock.config.enswitch_version,
        served=[
            {"function": path, "privileges": list(f.privileges), "methods": ["GET", "POST"]}
            for path, f in sorted(served.items())
        ],
        not_served=[
            {"function": real.path, "privileges": real.privileges, "guide": real.source}
            for path, real in sorted(real_functions().items())
            if path not in served and real.exists_at(mock.version)
        ],
    )
