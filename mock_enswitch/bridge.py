"""The WSGI apps served by uvicorn (the control API and the dashboard; the Enswitch API is
answered without WSGI, api/served.py): each call run on the event loop itself.

A control call never waits for I/O (TinyDB in memory or a memory-mapped log), so it runs right on
the event loop: no hand-off to a worker thread and back. a2wsgi, the well-kept bridge, hands
every call to a thread and served the mock at ~760 requests/s against ~3,000 for this one in the
same run (make bench, P1, when the API still went through here).

Also here, as waitress did it: a body over `max_body` is refused before it is read (the app gives
the 413 in its surface's format from the Content-Length alone, then the connection is closed);
a reply is sent block by block as the socket takes it, and no more is read of it once the client has gone.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from .connection import GONE_EXTENSION


class WsgiOnAsgi:
    """An ASGI app (for uvicorn) that runs the WSGI `app`."""

    def __init__(self, app: Callable, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":  # no lifespan or websocket here
            return
        environ = self.environ(scope)
        length, chunked = environ.get("CONTENT_LENGTH", ""), "HTTP_TRANSFER_ENCODING" in environ
        read = await read_body(length, chunked, receive, self.max_body)
        if read is None:
            return
        body, too_large = read
        environ["wsgi.input"] = io.BytesIO(body)
        if too_large:  # the app refuses from the length alone; what was not read stays unread
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # chunked: the length read so far
            environ["CONTENT_LENGTH"] = str(max(too_large, self.max_body + 1))
        started: list = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> None:
            started[:] = [status, headers]

        result = self.app(environ, start_response)
        try:
            await self.respond(scope, send, result, started, close=bool(too_large))
        finally:
            if hasattr(result, "close"):
                result.close()
            # The environ and the Request made from it refer to each other (Werkzeug keeps
            # environ["werkzeug.request"]): a cycle that holds the body until the cyclic
            # collector runs, which a few large calls do not make it do. 300 bodies of 4 MiB
            # left RSS at 367 MiB. Emptied here, the body goes with the last reference.
            environ.clear()

    def environ(self, scope: dict) -> dict:
        server = scope.get("server") or ("localhost", 80)
        client = scope.get("client") or ("", 0)
        environ = {
            "REQUEST_METHOD": scope["method"],
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(scope["raw_path"]).decode("latin-1"),
            "QUERY_STRING": scope["query_string"].decode("latin-1"),
            "SERVER_NAME": str(server[0]),
            "SERVER_PORT": str(server[1]),
            "SERVER_PROTOCOL": "HTTP/" + scope["http_version"],
            "REMOTE_ADDR": client[0],
            "REMOTE_PORT": str(client[1]),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.get("scheme", "http"),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
        }
        for raw_name, raw_value in scope["headers"]:
            name = raw_name.decode("latin-1").upper().replace("-", "_")
            value = raw_value.decode("latin-1")
            if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = "HTTP_" + name
            environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ

    async def respond(self, scope: dict, send: Callable, result, started: list, close: bool):
        """The reply: status and headers with the first block, then each block as the socket
        takes it; a block is held until the next, so the last goes with the end (a one-block
        reply: two sends)."""
        held = None
        gone = scope.get("extensions", {}).get(GONE_EXTENSION, lambda: False)
        for block in result:
            if not block:
                continue
            if gone():  # the client left mid-reply: read no more of it
                return
            if held is None:
                await send(head(started, close))
            else:
                await send({"type": "http.response.body", "body": held, "more_body": True})
            held = block
        if held is None:
            await send(head(started, close))
        await send({"type": "http.response.body", "body": held or b"", "more_body": False})


class Lazy:
    """A WSGI app made when first called (or by `app()` beforehand): how the control API and
    the dashboard keep Flask (~150 ms of imports) off the path to `ready`."""

    def __init__(self, make: Callable[[], Callable]) -> None:
        self._make = make
        self._app: Callable | None = None
        self._lock = threading.Lock()

    def app(self) -> Callable:
        with self._lock:
            if self._app is None:
                self._app = self._make()
            return self._app

    def __call__(self, environ: dict, start_response) -> Any:
        return self.app()(environ, start_response)


async def read_body(
    length: str, chunked: bool, receive: Callable, max_body: int
) -> tuple[bytes, int] | None:
    """(the body, 0), or (b"", the size known to be too large) when it passes `max_body`: from
    Content-Length before any of it is read, else as it comes. None if the client leaves before
    it is whole: a call on half its parameters must not run."""
    if not length and not chunked:
        return b"", 0  # no body (a GET): no need to ask for one
    if length.isascii() and length.isdigit() and int(length) > max_body:
        return b"", int(length)
    pieces, size = [], 0
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        piece = message.get("body", b"")
        size += len(piece)
        if size > max_body:
            return b"", size
        pieces.append(piece)
        more = message.get("more_body", False)
    return b"".join(pieces), 0


def head(started: list, close: bool) -> dict:
    status, headers = started
    encoded = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    if close:
        encoded.append((b"connection", b"close"))
    return {"type": "http.response.start", "status": int(status[:3]), "headers": encoded}
