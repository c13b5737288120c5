"""The /api/json/ blueprint: read the request, apply a fault if one fires, else dispatch under the
one lock; every call is journaled, and logged without its query string or body."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, g, request

from ..domain import directory
from ..domain.errors import ApiError, BadRequest
from ..domain.recordings import FileReply
from ..faults import RuleError, parse_rule
from ..faults.rules import shorthand_effect
from ..journal import masked
from ..logs import CALLS_LOGGER, call_line
from .envelope import error_body, file_reply, reply
from .faulted import faulted_reply, wait
from .functions import SECRET_PARAMS
from .params import INTEGER_TEXT, read_params

if TYPE_CHECKING:
    from ..service import Service

log = logging.getLogger(CALLS_LOGGER)

blueprint = Blueprint("enswitch_api", __name__)

FAULT_HEADER = "X-Mock-Enswitch-Fault"
FAULT_ENVIRON_KEY = "HTTP_" + FAULT_HEADER.upper().replace("-", "_")  # as WSGI hands it over


@dataclass
class Exchange:
    """One call as the journal and the log see it, filled in as the request goes (kept in `g`
    as one object, with the service and the request: every `g`, `request` or `current_app`
    access goes through a context-local proxy, and a call made ~25 of them)."""

    function: str
    method: str
    path: str
    service: Service
    started: float = field(default_factory=time.time)
    params: dict[str, str] = field(default_factory=dict)
    user: str = ""
    fault: int | str | None = None
    why_not: list[dict] | None = None
    """The rules in force that did not fire, each with why (for the journal)."""


@blueprint.route("/", defaults={"path": ""}, methods=["GET", "POST"], strict_slashes=False)
@blueprint.route("/<path:path>", methods=["GET", "POST"], strict_slashes=False)
def call_function(path: str) -> Response:
    http = request._get_current_object()  # the request itself, read many times below
    service = current_app.extensions["mock_enswitch"]
    g.exchange = exchange = Exchange(path.strip("/"), http.method, http.path, service)
    raw = exchange.params = read_params(http)
    exchange.user = raw.get("auth_username", "")
    chosen = choose_fault(service, exchange, http.environ.get(FAULT_ENVIRON_KEY))
    if chosen is not None:
        exchange.fault, effect = chosen
        wait(effect)  # outside the lock: a slow call never holds up the others
        function = service.functions.get(exchange.function)
        faulted = faulted_reply(effect, http.environ, function.codes if function else {})
        if faulted is not None:
            return faulted  # decided before dispatch: a faulted call changes nothing
    body = service.call(exchange.function, raw)
    if isinstance(body, FileReply):
        return file_reply(body, http.environ)
    return reply(body)


def choose_fault(service: Service, exchange: Exchange, header: str | None):
    """The per-request header first, then the rules; (source, effect) or None."""
    if header is not None:
        try:
            return "header", parse_rule({"effect": shorthand_effect(header, FAULT_HEADER)}).effect
        except RuleError as error:
            raise BadRequest(FAULT_HEADER, error.message) from None
    if not service.faults.active:
        return None
    decision = service.faults.decide(
        {
            "function": exchange.function,
            "method": exchange.method,
            "user": exchange.user,
            "params": exchange.params,
            "customer": lambda: concerned_customer(service, exchange),
        }
    )
    exchange.why_not = decision.why_not
    return decision.fired


def concerned_customer(service, exchange: Exchange) -> int | None:
    """The `customer` parameter when given, else the customer of the user named in the call
    (looked up without checking the password: a fault may stand in for a 401)."""
    text = exchange.params.get("customer", "")
    if INTEGER_TEXT.match(text):
        return int(text)
    if not exchange.user:
        return None
    person = service.read(lambda switch: directory.person_by_username(switch.db, exchange.user))
    return person["customer"] if person else None


@blueprint.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    return reply(error_body(error))


@blueprint.after_request
def journal_and_log(response: Response) -> Response:
    """Journal the call; log one line: never the query string or body, which carry passwords."""
    exchange = g.get("exchange")
    if exchange is None:  # a routing error (405): no function was called
        return response
    code = g.get("enswitch_code", "")
    service = exchange.service
    entry = {
        "time": exchange.started,
        "function": exchange.function,
        "method": exchange.method,
        "params": masked(exchange.params, SECRET_PARAMS),
        "user": exchange.user,
        "fault": exchange.fault,
        "code": code,
    }
    if exchange.why_not:
        entry["rules_not_fired"] = exchange.why_not
    service.journal.record(entry)
    if service.call_log is not None:  # `serve`: printed in batches (see logs.py)
        service.call_log.add(entry, exchange.path)
    elif log.isEnabledFor(logging.INFO):  # the app used as a library: through logging
        log.info("%s", call_line(entry, exchange.path))
    return response
