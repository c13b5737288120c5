"""The one place that builds Enswitch replies.

Every reply is HTTP 200 with the outcome in `responses[0].code` (a string), as the reference's
"Our decisions" records: real clients treat any other HTTP status as a transport failure.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, g

from ..domain.errors import ApiError
from ..domain.recordings import FileReply
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


def file_reply(file: FileReply, environ: dict) -> Response:
    """A file as itself (recordings/get with wrap=none), through the server's file wrapper:
    made as the socket takes it, so a long recording costs no memory; its length is known
    ahead, so the client sees Content-Length."""
    g.enswitch_code = "200"
    response = file_response(file.open(), file.size, file.mimetype, environ)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


def reply(body: dict, status: int = 200) -> Response:
    """The reply as Enswitch sends it: fields in their order, UTF-8, one line. The stdlib's C
    encoder directly: bodies hold only JSON types, so Flask's provider (which adds a `default`
    for dates and dataclasses) has nothing to add but its cost."""
    g.enswitch_code = body["responses"][0]["code"]
    return Response(
        json.dumps(body, ensure_ascii=False) + "\n", status=status, mimetype="application/json"
    )
