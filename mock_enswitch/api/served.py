"""The Enswitch API as the server serves it: answered from uvicorn's parsed request (the ASGI
scope) on the event loop, its reply's bytes sent straight back, without WSGI.

Every HTTP call comes here first. A path under an API root (the bare one or a namespace's:
`/ns/<name>/api/json/...`, slashes merged) is the API's; anything else (the control API, the
dashboard, a bad namespace name) goes on to `other`, the WSGI apps through the bridge.

Measured (make bench, P1): through WSGI a served create cost ~280 us of server CPU, ~200 us of it
the round trip (the environ, Werkzeug's Request and Response, `start_response`, the bridge).

A call that may sleep (a fault's delay in force, `may_wait()`) runs on a thread, so it holds up
no other call; every other call runs on the loop (the mock never waits for I/O). A body over
`max_body` is not read: a call that needs it is a 413, and the connection is closed after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

from ..bridge import read_body
from ..connection import DROP_EXTENSION, GONE_EXTENSION, WHOLE_EXTENSION
from ..namespaces import NAME, split
from ..streaming import FILE_BLOCK
from ..surfaces import merged_slashes
from .wire import ApiRequest, Reply

if TYPE_CHECKING:
    from ..namespaces import Namespaces
    from ..service import Service
    from .views import EnswitchApi


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

    def serve(self, api: EnswitchApi, namespaces: Namespaces, roots: list[str]) -> None:
        """`roots` are tried longest first, as Werkzeug's DispatcherMiddleware mounts them: with
        --api-root /api, a path under /api/json is still the standard root's."""
        self.api, self.namespaces = api, namespaces
        self.roots = tuple(sorted(roots, key=len, reverse=True))

    def target(self, raw_path: bytes) -> tuple[Service, str, str] | None:
        """(the Service, the path as asked, the function) of an API call; None for any other.
        The path as a WSGI app saw it: percent-escapes decoded, then read as UTF-8."""
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

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        target = self.target(scope["raw_path"]) if self.api is not None else None
        if target is None:
            await self.other(scope, receive, send)
            return
        service, path, function = target
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        length, chunked = headers.get("content-length", ""), "transfer-encoding" in headers
        read = await read_body(length, chunked, receive, self.max_body)
        if read is None:
            return
        body, too_large = read
        request = ApiRequest(
            scope["method"], path, function, scope["query_string"], headers, body, bool(too_large)
        )
        if self.may_wait():
            loop = asyncio.get_running_loop()
            reply = await loop.run_in_executor(self.pool, self.api.answer, service, request)
        else:
            reply = self.api.answer(service, request)
        extensions = scope.get("extensions") or {}
        if reply.drop and DROP_EXTENSION in extensions:
            extensions[DROP_EXTENSION]()
            return
        if scope["method"] == "HEAD":
            reply.file = None  # its headers alone: the file is not made
        await respond(reply, send, bool(too_large), extensions)

    def close(self) -> None:
        self.pool.shutdown(wait=False)


async def respond(reply: Reply, send: Callable, close: bool, extensions: dict) -> None:
    """The reply's bytes, in one write where the server offers it; a file block by block as
    the socket takes them (uvicorn's `send` waits while the client is not reading), and no
    more is read of it once the client has gone."""
    headers = [(name.lower().encode(), value.encode("latin-1")) for name, value in reply.headers]
    if close:
        headers.append((b"connection", b"close"))
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
