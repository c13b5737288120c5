"""The /api/json/ surface: read the request, apply a fault if one fires, else dispatch under the
one lock; every call is journaled, and logged without its query string or body.

`EnswitchApi.answer` takes a call as the server parsed it and gives the reply (api/wire.py):
the server calls it from its event loop (api/served.py), and `EnswitchApi` is also a WSGI app
of its own, which `app.py` mounts under the prefix beside the control API's Flask app, for
Flask's test client and the app used as a library. Flask's routing, contexts, signals and
hooks had nothing to do here: every path under the mount is a function name looked up in the
table.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain import directory
from ..domain.calls import caught_up
from ..domain.errors import ApiError, BadRequest
from ..domain.outcome import FileReply
from ..faults import RuleError, parse_rule
from ..faults.rules import shorthand_effect
from ..logs import CALLS_LOGGER, call_line
from ..namespaces import ENVIRON_KEY as NAMESPACE_SERVICE
from ..store.logstorage import StorageFailed
from ..surfaces import INTERNAL_ERROR, STORAGE_FAILED
from .dispatch import dispatch
from .envelope import error_body, failure, reply, with_numeric_codes
from .faulted import faulted_reply, wait
from .params import INTEGER_TEXT, read_params
from .wire import ApiRequest, Reply, TransportError, from_environ, to_wsgi

if TYPE_CHECKING:
    from ..service import Service

log = logging.getLogger(CALLS_LOGGER)
errors = logging.getLogger("mock_enswitch")

FAULT_HEADER = "X-Mock-Enswitch-Fault"
METHODS = ("GET", "HEAD", "OPTIONS", "POST")
"""What the API answers (HEAD as GET without the body; OPTIONS with the list), as it did as a
Flask route; any other method is a 405 naming these in `Allow`."""
ALLOW = {"Allow": ", ".join(METHODS)}


@dataclass
class Exchange:
    """One call as the journal and the log see it, filled in as the request goes."""

    function: str
    method: str
    path: str
    started: float = field(default_factory=time.time)
    params: dict[str, str] = field(default_factory=dict)
    user: str = ""
    fault: int | str | None = None
    why_not: list[dict] | None = None
    """The rules in force that did not fire, each with why (for the journal)."""


class EnswitchApi:
    """The Enswitch API of one `Service` (the default namespace), or of the namespace the
    request names (namespaces.py puts its Service in the environ)."""

    def __init__(self, service: Service) -> None:
        self.root = service

    def __call__(self, environ: dict, start_response):
        service = environ.get(NAMESPACE_SERVICE) or self.root
        request = from_environ(environ, service.config.max_body_size)
        return to_wsgi(self.answer(service, request), environ, start_response)

    def answer(self, service: Service, request: ApiRequest) -> Reply:
        """The reply, its call journaled and logged: how the WSGI app and the ASGI app answer."""
        response = self.reply_first(service, request)
        record(response)
        return response

    def reply_first(self, service: Service, request: ApiRequest) -> Reply:
        """The reply, its call's journal entry and log line left to `record`: the
        server's protocol writes the reply, then records it, in the same callback (server.py,
        `answer_deferred`). Nothing in either is what the client waits for, and nothing that
        reads the journal through the server (the control API, the dashboard, the plugin) is
        read before the callback returns, so every such reader still sees the call. Measured
        (the served create, memory mode, `wrk -c1`, 5 interleaved rounds): ~147 us a call
        journaled first, ~133 us written first; the raw ASGI endpoint ~100 us."""
        if request.method not in METHODS:
            return failure(405, f"The method {request.method} is not allowed.", ALLOW)
        if request.method == "OPTIONS":
            return Reply(b"", content_type="text/plain; charset=utf-8", headers=ALLOW)
        exchange = Exchange(request.function, request.method, request.path)
        try:
            response = call_function(service, request, exchange)
        except ApiError as error:
            response = reply(error_body(error))
        except TransportError as error:  # a body too large, a malformed form
            response = failure(error.status, error.message)
        except StorageFailed as error:  # the file refused a write; memory is as the file holds
            errors.error("%s", error)
            response = failure(500, STORAGE_FAILED.format(error=error))
        except Exception:  # a bug of ours: the client still gets an envelope
            errors.exception("unexpected error on %s %s", request.method, exchange.path)
            response = failure(500, INTERNAL_ERROR)
        if wants_numeric_codes(service.config.numeric_codes, request.headers.get(CODES_HEADER)):
            response = with_numeric_codes(response)
        response.unrecorded = (service, exchange)
        return response


CODES_HEADER = "x-mock-enswitch-codes"
"""X-Mock-Enswitch-Codes: numeric or string, for one call, whatever --numeric-codes says."""


def wants_numeric_codes(default: bool, chosen: str | None) -> bool:
    chosen = (chosen or "").strip().lower()
    return chosen == "numeric" if chosen in ("numeric", "string") else default


def call_function(service: Service, request: ApiRequest, exchange: Exchange) -> Reply:
    raw = exchange.params = read_params(request)
    exchange.user = raw.get("auth_username", "")
    chosen = choose_fault(service, exchange, request.headers.get(FAULT_HEADER.lower()))
    if chosen is not None:
        exchange.fault, effect = chosen
        wait(effect)  # outside the lock: a slow call never holds up the others
        function = service.functions.get(exchange.function)
        faulted = faulted_reply(effect, function.codes if function else {})
        if faulted is not None:
            return faulted  # decided before dispatch: a faulted call changes nothing
    with caught_up(service.switch):  # the lock, once, and the calls caught up with the clock
        body = dispatch(service, exchange.function, raw)
    if isinstance(body, FileReply):
        return Reply.of_file(body)
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
    person = service.on_switch(
        lambda switch: directory.person_by_username(switch.db, exchange.user)
    )
    return person["customer"] if person else None


def record(response: Reply) -> None:
    """Journal and log the call `response` answers, unless that is done (once only)."""
    if response.unrecorded is not None:
        (service, exchange), response.unrecorded = response.unrecorded, None
        journal_and_log(service, exchange, response)


def journal_and_log(service: Service, exchange: Exchange, response: Reply) -> None:
    """Journal the call; log one line: never the query string or body, which carry passwords."""
    entry = {
        "time": exchange.started,
        "function": exchange.function,
        "method": exchange.method,
        "params": None,  # set by the journal: kept as they came, masked when first read
        "user": exchange.user,
        "fault": exchange.fault,
        "code": response.code,
        "reply": None,  # the same
    }
    if exchange.why_not:
        entry["rules_not_fired"] = exchange.why_not
    body = None if response.file is not None else response.body
    ms = round((time.time() - exchange.started) * 1000, 3)
    service.journal.record_call(
        entry, exchange.params, (response.status, response.headers, body, ms)
    )
    if service.call_log is not None:  # `serve`: printed in batches (see logs.py)
        service.call_log.add(entry, exchange.path)
    elif log.isEnabledFor(logging.INFO):  # the app used as a library: through logging
        log.info("%s", call_line(entry, exchange.path))
