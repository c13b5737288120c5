"""The /api/json/ blueprint: read the request, dispatch under the one lock, reply in the envelope."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g, request

from ..domain.errors import ApiError
from .dispatch import dispatch
from .envelope import error_body, reply
from .params import read_params

log = logging.getLogger("mock_enswitch.api")

blueprint = Blueprint("enswitch_api", __name__)


@blueprint.route("/", defaults={"path": ""}, methods=["GET", "POST"], strict_slashes=False)
@blueprint.route("/<path:path>", methods=["GET", "POST"], strict_slashes=False)
def call_function(path: str) -> Response:
    service = current_app.extensions["mock_enswitch"]
    g.function = path.strip("/")
    raw = read_params(request)
    g.user = raw.get("auth_username", "")
    with service.lock:
        body = dispatch(service, g.function, raw)
    return reply(body)


@blueprint.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    return reply(error_body(error))


@blueprint.after_request
def log_call(response: Response) -> Response:
    """One line per call: never the query string or body, which carry the password."""
    log.info(
        "%s %s function=%s user=%s code=%s",
        request.method,
        request.path,
        g.get("function", ""),
        g.get("user", ""),
        g.get("enswitch_code", ""),
    )
    return response
