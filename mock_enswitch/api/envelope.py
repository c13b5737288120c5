"""The one place that builds Enswitch replies.

Every reply is HTTP 200 with the outcome in `responses[0].code` (a string), as the reference's
"Our decisions" records: real clients treat any other HTTP status as a transport failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..domain.errors import ApiError
from .wire import Reply

SUCCESS_MESSAGE = "OK"
ENCODER = json.JSONEncoder(ensure_ascii=False)
"""One encoder for every reply (json.dumps with an option makes one per call)."""


def _made_once() -> Callable[[Any], str]:
    """`ENCODER.encode`, without making its C encoder again for every reply, as JSONEncoder
    does (~1.1 us of the ~3 us a reply took; make bench P1): made once, with the same settings.
    No check for circular references: a body is a tree of JSON types. Where Python has no C
    encoder, `ENCODER.encode` itself."""
    try:
        from json.encoder import c_make_encoder, encode_basestring

        encode = c_make_encoder(
            None,  # no circular-reference check
            ENCODER.default,
            encode_basestring,  # ensure_ascii=False
            None,  # no indent
            ENCODER.key_separator,
            ENCODER.item_separator,
            False,  # sort_keys
            False,  # skipkeys
            True,  # allow_nan
        )
    except (ImportError, TypeError):
        return ENCODER.encode
    return lambda body: "".join(encode(body, 0))


encode_json = _made_once()


def envelope(code: str, key: str = "", message: str = SUCCESS_MESSAGE, data: Any = None) -> dict:
    """The body of a reply; `data` is left out entirely when None (a 204 carries none)."""
    body: dict[str, Any] = {"responses": [{"code": str(code), "key": key, "message": message}]}
    if data is not None:
        body["data"] = data
    return body


def error_body(error: ApiError) -> dict:
    return envelope(error.code, error.key, error.message)


def reply(body: dict, status: int = 200) -> Reply:
    """The reply as Enswitch sends it: fields in their order, UTF-8, one line. The stdlib's C
    encoder directly: bodies hold only JSON types, so a JSON provider (Flask's adds a `default`
    for dates and dataclasses) has nothing to add but its cost."""
    encoded = (encode_json(body) + "\n").encode()
    return Reply(encoded, status, code=body["responses"][0]["code"])


def failure(status: int, message: str, headers: dict | None = None) -> Reply:
    """A reply the call itself did not make (a body too large, a method not allowed, a crash):
    the envelope with the HTTP status as its code, and the same HTTP status."""
    response = reply(envelope(str(status), "", message), status)
    response.headers.extend((headers or {}).items())
    return response


def with_numeric_codes(response: Reply) -> Reply:
    """The envelope with each `code` a JSON number (`"204"` -> `204`), for the clients that
    compare with numbers (../shared/clients.md 9.1). Only an envelope is changed: a file, or a
    body a fault broke on purpose, goes as it is. Paid only when asked (decoded again here)."""
    if response.content_type != "application/json" or response.file is not None:
        return response
    try:
        body = json.loads(response.body)
        for entry in body["responses"]:
            entry["code"] = int(entry["code"])
    except (ValueError, KeyError, TypeError):
        return response
    numeric = Reply((encode_json(body) + "\n").encode(), response.status)
    numeric.headers[2:] = response.headers[2:]
    numeric.code = response.code
    return numeric
