"""The one place that builds Enswitch replies.

Every reply is HTTP 200 with the outcome in `responses[0].code` (a string), as the reference's
"Our decisions" records: real clients treat any other HTTP status as a transport failure.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ..domain.errors import ApiError
from ..domain.outcome import FileReply
from ..streaming import file_response

SUCCESS_MESSAGE = "OK"


def envelope(code: str, key: str = "", message: str = SUCCESS_MESSAGE, data: Any = None) -> dict:
    """The body of a reply; `data` is left out entirely when None (a 204 carries none)."""
    body: dict[str, Any] = {"responses": [{"code": str(code), "key": key, "message": message}]}
    if data is not None:
        body["data"] = data
    return body


def error_body(error: ApiError) -> dict:
    return envelope(error.code, error.key, error.message)


class Reply(Response):
    """A reply of the Enswitch API, with the code it carries: what the journal records."""

    code = ""


def file_reply(file: FileReply, environ: dict) -> Reply:
    """A file as itself (recordings/get with wrap=none), through the server's file wrapper:
    made as the socket takes it, so a long recording costs no memory; its length is known
    ahead, so the client sees Content-Length."""
    response = file_response(file.open(), file.size, file.mimetype, environ, Reply)
    response.code = "200"
    response.headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


def reply(body: dict, status: int = 200) -> Reply:
    """The reply as Enswitch sends it: fields in their order, UTF-8, one line. The stdlib's C
    encoder directly: bodies hold only JSON types, so a JSON provider (Flask's adds a `default`
    for dates and dataclasses) has nothing to add but its cost."""
    response = Reply(
        json.dumps(body, ensure_ascii=False) + "\n", status=status, mimetype="application/json"
    )
    response.code = body["responses"][0]["code"]
    return response


def failure(status: int, message: str, headers: dict | None = None) -> Reply:
    """A reply the call itself did not make (a body too large, a method not allowed, a crash):
    the envelope with the HTTP status as its code, and the same HTTP status."""
    response = reply(envelope(str(status), "", message), status)
    response.headers.update(headers or {})
    return response


def http_error_reply(error: HTTPException) -> Reply:
    """Werkzeug's HTTP errors (413, a malformed body...) as envelopes, never an HTML page; a 405
    keeps its Allow header (RFC 9110)."""
    return failure(error.code or 500, error.description or error.name, kept_headers(error))


def kept_headers(error: HTTPException) -> dict[str, str]:
    """An HTTP error's headers worth keeping in any surface's reply (Allow), not its type."""
    return {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
