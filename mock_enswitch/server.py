"""The production server: uvicorn (asyncio, uvloop where it installs, httptools' C parser) running
the WSGI app through bridge.py, each call on the event loop.

Chosen by measurement (make bench, P1, the create call under the same load): under waitress the
mock served ~1,800 requests/s at ~500 us of server CPU each, most of it waitress's own hand-offs
between its I/O thread and 8 workers; under uvicorn with calls on the loop, ~3,500-4,700 at
~210-270 us. Granian (Rust) was as fast but cannot drop a connection without a reply (a WSGI app
that raises gets a 500, or a 200 with an empty body) and hands the app no client port to find the
socket by, so the `close` fault could not be kept; a2wsgi's bridge runs every call on a thread
(~760 requests/s).

uvicorn's HTTP/1.1 protocol is taught here what waitress did for the mock (`MockProtocol`):
at most `connection_limit` connections are read at once (more wait, unread, as waitress left
them in the backlog); a connection idle, or with a request's head or body half-sent, for
`idle_timeout` seconds is closed (a call whose body never came whole never runs); a
request head past 64 KiB is a 431 and a malformed request a 400, in the surface's own format; a
`close` fault drops the connection with nothing written.
"""

from __future__ import annotations

import json
import socket
from collections import deque
from collections.abc import Callable

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .api.envelope import envelope
from .bridge import DROP_EXTENSION, WsgiOnAsgi
from .config import Config
from .surfaces import is_control

MAX_HEAD = 64 * 1024
"""A request line and headers longer than this are refused (431)."""


class MockProtocol(HttpToolsProtocol):
    """One connection. `connection_limit` and `waiting` are set per server (`make_server`)."""

    connection_limit = 500
    waiting: deque[MockProtocol]

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.head_bytes: int | None = 0
        if len(self.connections) - len(self.waiting) > self.connection_limit:
            transport.pause_reading()  # admitted when another connection closes
            self.waiting.append(self)
        else:
            self.arm_idle_timer()

    def connection_lost(self, exc) -> None:
        super().connection_lost(exc)
        if self in self.waiting:
            self.waiting.remove(self)
        while self.waiting and len(self.connections) - len(self.waiting) < self.connection_limit:
            admitted = self.waiting.popleft()
            admitted.transport.resume_reading()
            admitted.arm_idle_timer()

    def arm_idle_timer(self) -> None:
        """Close the connection unless a request arrives (or completes) within the idle timeout:
        uvicorn's keep-alive timer, also armed from the start and while a request is half-sent."""
        self._unset_keepalive_if_required()
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        if self.head_bytes is not None:
            self.head_bytes += len(data)  # reset when a head begins, None once it is complete
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self.head_bytes is not None and self.head_bytes > MAX_HEAD:
            self.refuse(431, "Request Header Fields Too Large", "The request head is too long.")
            return
        cycle = self.cycle
        waiting_for_client = cycle is None or cycle.response_complete or cycle.more_body
        if waiting_for_client and not self.pipeline:  # for a request, or the rest of its body
            self.arm_idle_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes = 0
        self.scope["extensions"] = {DROP_EXTENSION: self.drop}

    def on_headers_complete(self) -> None:
        self.head_bytes = None
        super().on_headers_complete()

    def drop(self) -> None:
        """The `close` fault: nothing more is written; the server must not answer for the app."""
        if self.cycle is not None:
            self.cycle.disconnected = True
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self.refuse(400, "Bad Request", "The request is malformed.")

    def refuse(self, status: int, reason: str, message: str) -> None:
        """An error of the server's own (before any app), in the format of the surface asked,
        and the connection closed."""
        path = getattr(self, "url", b"").split(b"?", 1)[0].decode("latin-1")
        control = is_control(path)
        body = {"error": message, "field": ""} if control else envelope(str(status), "", message)
        data = json.dumps(body).encode() + b"\n"
        self.transport.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )
        self.transport.close()


class Server:
    """A listening socket (bound at once: a start that fails on the port creates nothing) and
    the uvicorn server that will serve `application` on it: `.run()` serves until SIGTERM or
    SIGINT (calls in progress finish), `.close()` frees what is left."""

    def __init__(self, application: Callable, config: Config) -> None:
        self.socket = listen(config.host, config.port)
        self.bridge = WsgiOnAsgi(application, config.max_body_size, config.threads)
        protocol = type(
            "MockProtocol",
            (MockProtocol,),
            {"connection_limit": config.connection_limit, "waiting": deque()},
        )
        self.uvicorn = uvicorn.Server(
            uvicorn.Config(
                self.bridge,
                http=protocol,
                interface="asgi3",
                lifespan="off",
                access_log=False,  # the call lines are ours (logs.py)
                log_config=None,
                log_level="warning",
                proxy_headers=False,
                server_header=False,
                headers=[("server", "mock-enswitch")],
                timeout_keep_alive=config.idle_timeout,
                backlog=2048,
            )
        )
        host, port = self.socket.getsockname()[:2]
        self.effective_host, self.effective_port = host, port

    @property
    def application(self) -> Callable:
        return self.bridge.app

    @application.setter
    def application(self, app: Callable) -> None:
        self.bridge.app = app

    def serve_waiting_calls_on_threads(self, may_wait: Callable[[dict], bool]) -> None:
        self.bridge.may_wait = may_wait

    def run(self) -> None:
        self.uvicorn.run(sockets=[self.socket])

    def close(self) -> None:
        self.socket.close()
        self.bridge.pool.shutdown(wait=False)


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host` (a name, an IPv4 or IPv6 address) and `port` (0: any)."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return socket.create_server(address, family=family, backlog=2048)


def make_server(application: Callable, config: Config) -> Server:
    return Server(application, config)
