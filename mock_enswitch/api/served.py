"""The Enswitch API as the server serves it: answered from uvicorn's parsed request (the ASGI
scope) on the event loop, its reply's bytes sent straight back, without WSGI.

A path under an API root (the bare one or a namespace's: `/ns/<name>/api/json/...`, slashes
merged) is the API's; anything else (the control API, the dashboard, a bad namespace name) goes
on to `other`, the WSGI apps through the bridge. Most API calls never reach the ASGI app: the
server's protocol asks `direct_call` when a head is read, and `answer` once the body is whole,
and writes the reply itself (server.py, `MockProtocol._start_asgi_task`); the app answers the
rest, the same way.

Measured (make bench, P1): through WSGI a served create cost ~280 us of server CPU, ~200 us of it
the round trip (the environ, Werkzeug's Request and Response, `start_response`, the bridge).

A call that may sleep (a fault's delay in force, `may_wait()`) runs on a thread, so it holds up
no other call; every other call runs on the loop (the mock never waits for I/O). A body over
`max_body` is not read: a call that needs it is a 413, and the connection is closed after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

from ..bridge import read_body
from ..connection import DROP_EXTENSION, GONE_EXTENSION, WHOLE_EXTENSION
from ..namespaces import NAME, split
from ..streaming import FILE_BLOCK
from ..surfaces import INTERNAL_ERROR, merged_slashes
from .envelope import failure
from .views import record
from .wire import ApiRequest, Reply

if TYPE_CHECKING:
    from ..namespaces import Namespaces
    from ..service import Service
    from .views import EnswitchApi


errors = logging.getLogger("mock_enswitch")

Call = tuple[tuple["Service", str, str], dict[str, str]]
"""An API call as read from its head: (the Service, the path as asked, the function), and its
headers (lower-case names, a header sent twice joined with commas)."""


KNOWN_PATHS = 256
"""Paths whose target is kept; past it, the kept ones are forgotten and kept again as asked."""


class ServedApi:
    """An ASGI app: the API's calls answered here, the others passed to `other`. Until `serve`
    is given the mock, every call goes to `other`."""

    def __init__(self, other: Callable, max_body: int, threads: int) -> None:
        self.other = other
        self.max_body = max_body
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mock-call")
        self.may_wait: Callable[[], bool] = lambda: False
        self.api: EnswitchApi | None = None
        self.namespaces: Namespaces | None = None
        self.roots: tuple[str, ...] = ()
        self.root_targets: dict[bytes, tuple[Service, str, str]] = {}
        """`target`'s answers for paths outside any namespace, whose Service never changes:
        a client asks the same few paths again and again (~2 us a call; make bench P1)."""

    def serve(self, api: EnswitchApi, namespaces: Namespaces, roots: list[str]) -> None:
        """`roots` are tried longest first, as Werkzeug's DispatcherMiddleware mounts them: with
        --api-root /api, a path under /api/json is still the standard root's."""
        self.api, self.namespaces = api, namespaces
        self.roots = tuple(sorted(roots, key=len, reverse=True))

    def target(self, raw_path: bytes) -> tuple[Service, str, str] | None:
        """(the Service, the path as asked, the function) of an API call; None for any other.
        The path as a WSGI app saw it: percent-escapes decoded, then read as UTF-8."""
        known = self.root_targets.get(raw_path)
        if known is not None:
            return known
        found = self._target(raw_path)
        if found is not None and found[0] is self.api.root:
            if len(self.root_targets) >= KNOWN_PATHS:
                self.root_targets.clear()
            self.root_targets[raw_path] = found
        return found

    def _target(self, raw_path: bytes) -> tuple[Service, str, str] | None:
        if b"%" in raw_path:
            raw_path = unquote_to_bytes(raw_path)
        path = merged_slashes(raw_path.decode("utf-8", "replace"))
        inside = split(path)
        namespace, rest = inside or ("", path)
        if inside is not None and not NAME.fullmatch(namespace):
            return None  # the 400, in the format of the surface asked (namespaces.py)
        for root in self.roots:
            if rest.startswith(root) and (len(rest) == len(root) or rest[len(root)] == "/"):
                under = rest[len(root) :]
                service = self.namespaces.get(namespace) if inside else self.api.root
                shown = path[: len(path) - len(rest)] + root + "/" + under.lstrip("/")
                return service, shown, under.strip("/")
        return None

    def call_of(self, scope: dict) -> Call | None:
        """The API call the request is (its target and headers), or None if it is not one."""
        target = self.target(scope["raw_path"]) if self.api is not None else None
        if target is None:
            return None
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:  # names in lower case (ASGI's rule)
            name = raw_name.decode("latin-1")
            if name in headers:
                headers[name] += "," + raw_value.decode("latin-1")
            else:
                headers[name] = raw_value.decode("latin-1")
        return target, headers

    def direct_call(self, scope: dict, largest: int) -> Call | None:
        """The API call the server may answer from its parser's callbacks once it is whole
        (server.py, `MockProtocol.direct_body`); None for any other, and for one whose
        announced body is past `largest`."""
        call = self.call_of(scope)
        if call is None:
            return None
        length = call[1].get("content-length", "")
        if length and not (length.isdigit() and int(length) <= largest):
            return None
        return call

    def answer(self, call: Call, scope: dict, body: bytes, too_large: int) -> Reply:
        """The reply to a call whose body is read (or known too large: `too_large`); the call
        is journaled and logged by `record`, once the reply is on its way."""
        (service, path, function), headers = call
        method = scope["method"]
        query = scope["query_string"]
        request = ApiRequest(method, path, function, query, headers, body, bool(too_large))
        try:
            reply = self.api.reply_first(service, request)
        except Exception:  # a bug of ours: the client still gets an envelope
            errors.exception("unexpected error on %s %s", method, path)
            reply = internal_error()
        if method == "HEAD" and reply.file is not None:
            self.record(reply)  # journaled as the file it names, before the file is left out
            reply.file = None  # its headers alone: the file is not made
        return reply

    @staticmethod
    def record(reply: Reply) -> None:
        """The call's journal entry and log line (api/views.py); an error of ours is logged,
        since the reply may have gone already."""
        try:
            record(reply)
        except Exception:
            errors.exception("unexpected error journaling a call")

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        call = self.call_of(scope)
        if call is None:
            await self.other(scope, receive, send)
            return
        headers = call[1]
        length, chunked = headers.get("content-length", ""), "transfer-encoding" in headers
        read = await read_body(length, chunked, receive, self.max_body)
        if read is None:
            return
        body, too_large = read
        if self.may_wait():
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(self.pool, self.answer, call, scope, body, too_large)
        else:
            reply = self.answer(call, scope, body, too_large)
        self.record(reply)  # before it is sent: a file's reply ends when the download does
        extensions = scope.get("extensions") or {}
        if reply.drop and DROP_EXTENSION in extensions:
            extensions[DROP_EXTENSION]()
            return
        await respond(reply, send, bool(too_large), extensions)

    def close(self) -> None:
        self.pool.shutdown(wait=False)


def internal_error() -> Reply:
    """The envelope a call gets when the mock fails on it (the error is logged)."""
    return failure(500, INTERNAL_ERROR)


def replying(reply: Reply) -> Callable:
    """An ASGI app that sends `reply` (made already): how the server sends a file, or a reply to
    a client not reading, of a call it answered itself (server.py)."""

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        await respond(reply, send, False, scope.get("extensions") or {})

    return app


def encoded_headers(reply: Reply, close: bool = False) -> list[tuple[bytes, bytes]]:
    headers = [(name.lower().encode(), value.encode("latin-1")) for name, value in reply.headers]
    if close:
        headers.append((b"connection", b"close"))
    return headers


async def respond(reply: Reply, send: Callable, close: bool, extensions: dict) -> None:
    """The reply's bytes, in one write where the server offers it; a file block by block as
    the socket takes them (uvicorn's `send` waits while the client is not reading), and no
    more is read of it once the client has gone."""
    headers = encoded_headers(reply, close)
    if reply.file is None and WHOLE_EXTENSION in extensions:
        await extensions[WHOLE_EXTENSION](reply.status, headers, reply.body)
        return
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    if reply.file is None:
        await send({"type": "http.response.body", "body": reply.body})
        return
    gone = extensions.get(GONE_EXTENSION)
    opened = reply.file.open()
    try:
        while block := opened.read(FILE_BLOCK):
            if gone is not None and gone():
                return
            await send({"type": "http.response.body", "body": block, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        opened.close()
