"""The reset before each test, answered on the event loop without Flask.

The pytest fixture resets the mock before every test (`POST /_mock/reset`, or
`/ns/<name>/_mock/reset` on a shared server). Through the control API's Flask app that call cost
~0.7-1 ms over HTTP, of which the reset itself is ~0.13 ms (make bench, P3): the rest was the
WSGI round trip and Flask's request. Here the server answers it from its parsed request, as it
answers the Enswitch API (api/served.py).

Only the plain call is answered here: no body, no Origin and no cookie (what a test client
sends), a Host of plain characters, and the guard's rules passed (guard.py, asked the same
questions as the control API asks them). Anything else (a refusal, a browser's call, a reset
that fails on a changed fixture file) goes on to the control API, which answers it as it always
has: one home for every refusal and error message. A reset that failed here changed nothing
(the fixtures are read before anything is replaced), so the control API trying it again finds
the same error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..connection import WHOLE_EXTENSION
from ..namespaces import NAME, split
from ..surfaces import CONTROL_ROOT, merged_slashes
from .guard import TOKEN_HEADER, check

if TYPE_CHECKING:
    from ..namespaces import Namespaces
    from ..service import Service

RESET_PATH = CONTROL_ROOT + "/reset"
PLAIN_HOST = re.compile(
    r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\])(?::([1-9][0-9]{0,4}))?"
)
"""A Host header the control API's Flask request reads as it is: a name or an IPv6 address in
brackets, and a port from 1. Werkzeug drops a default port and reads any other Host (odd
characters, port 0 or past 65535, an IPv4 address in brackets) as none, which the guard
refuses: those go on to the control API."""
REPLY = b'{"status":"reset"}\n'
"""The body Flask's `jsonify(status="reset")` sends."""
REPLY_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(REPLY)).encode()),
]
LEFT_TO_THE_CONTROL_API = {b"origin", b"cookie", b"transfer-encoding"}
TOKEN = TOKEN_HEADER.lower().encode()


class ServedReset:
    """An ASGI app: the plain reset answered here, every other call passed to `other`. Until
    `serve` is given the mock, every call goes to `other`."""

    def __init__(self, other: Callable) -> None:
        self.other = other
        self.namespaces: Namespaces | None = None

    def serve(self, namespaces: Namespaces) -> None:
        self.namespaces = namespaces

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if self.namespaces is None or scope.get("method") != "POST" or not self.reset(scope):
            await self.other(scope, receive, send)
            return
        extensions = scope.get("extensions") or {}
        if WHOLE_EXTENSION in extensions:
            await extensions[WHOLE_EXTENSION](200, REPLY_HEADERS, REPLY)
            return
        await send({"type": "http.response.start", "status": 200, "headers": REPLY_HEADERS})
        await send({"type": "http.response.body", "body": REPLY})

    def reset(self, scope: dict) -> bool:
        """Whether this was the plain reset, and it was done."""
        service = self.service(scope["path"])
        if service is None:
            return False
        host = token = None
        for name, value in scope["headers"]:
            if name in LEFT_TO_THE_CONTROL_API or b"_" in name:
                return False  # (WSGI reads X_Mock_Enswitch_Token as the dashed name, too)
            if name == b"content-length" and value != b"0":
                return False
            if name == b"host":
                if host is not None:
                    return False  # said twice: the control API decides which counts
                host = value.decode("latin-1")
            elif name == TOKEN:
                if token is not None:
                    return False
                token = value.decode("latin-1")
        plain = PLAIN_HOST.fullmatch(host or "")
        if plain is None or int(plain.group(1) or 1) > 65535:
            return False
        try:
            check(service.config, "POST", host, scope.get("scheme", "http"), None, token or "")
            service.reset()
        except Exception:  # noqa: BLE001 - refused, or failed: the control API answers it
            return False
        return True

    def service(self, path: str) -> Service | None:
        """The mock a reset at `path` (percent-escapes decoded) is for (a namespace's is made
        on first use, as the control API makes it); None if `path` is not a reset."""
        path = merged_slashes(path)
        inside = split(path)
        if inside is None:
            return self.namespaces.root if path == RESET_PATH else None
        name, rest = inside
        if rest != RESET_PATH or not NAME.fullmatch(name):
            return None
        return self.namespaces.get(name)
