"""The production server: uvicorn (asyncio, uvloop where it installs, httptools' C parser), each
call on the event loop: the Enswitch API answered from the parsed request without WSGI, most
calls by the protocol itself once the request is whole (`MockProtocol.answer_deferred`), the
others by api/served.py's ASGI app; the control API and the dashboard as WSGI apps through
bridge.py.

Chosen by measurement (make bench, P1, the create call under the same load): under waitress the
mock served ~1,800 requests/s at ~500 us of server CPU each, most of it waitress's own hand-offs
between its I/O thread and 8 workers; under uvicorn with calls on the loop, ~3,500-4,700 at
~210-270 us. Granian (Rust) was as fast but cannot drop a connection without a reply (a WSGI app
that raises gets a 500, or a 200 with an empty body) and hands the app no client port to find the
socket by, so the `close` fault could not be kept; a2wsgi's bridge runs every call on a thread
(~760 requests/s).

uvicorn's HTTP/1.1 protocol is taught here what waitress did for the mock (`MockProtocol`):
at most `connection_limit` connections are read at once (more wait, unread, as waitress left
them in the backlog); a connection on which no byte arrives for `idle_timeout` seconds, idle or
with a request's head or body half-sent, is closed (a call whose body never came whole never
runs), and so is one whose client stops reading a reply; a request head past 64 KiB is a 431 and
a malformed request a 400, in the surface's own format, after the replies to the calls before
it; bytes past ASCII in a request line are taken (percent-escaped) as waitress took them; a
`close` fault drops the connection with nothing written.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import weakref
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import uvicorn
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import (
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from .api.served import Call, ServedApi, encoded_headers, internal_error, replying
from .bridge import WsgiOnAsgi
from .config import Config
from .connection import DROP_EXTENSION, GONE_EXTENSION, WHOLE_EXTENSION
from .control.served import ServedReset
from .push.live import LiveApp
from .surfaces import error_body

if TYPE_CHECKING:
    from .composition import Mock

log = logging.getLogger("mock_enswitch")

MAX_HEAD = 64 * 1024
"""A request line and headers longer than this are refused (431)."""
HIGH_BYTE = re.compile(rb"[\x80-\xff]")
DIRECT_BODY = HIGH_WATER_LIMIT
"""The longest body of an API call answered by the protocol itself: past it, uvicorn stops
reading a body until the app asks for it, so the ASGI app reads the rest."""


class HeadTooLong(Exception):
    """Raised from a parser callback: the parser stops, and the 431 goes out (`refusal`)."""


class MockProtocol(HttpToolsProtocol):
    """One connection. `connection_limit` and `waiting` are set per server (`make_server`)."""

    connection_limit = 500
    waiting: deque[MockProtocol]
    websocket_path: Callable[[str], bool] = staticmethod(lambda path: False)
    """Whether a websocket upgrade to this path is served (the events websocket)."""
    api: ServedApi | None = None
    """The Enswitch API, whose calls are answered here, from the parser's callbacks."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.parsed_head = 0  # the request line and whole headers parsed, of the head in progress
        self.raw_head: int | None = None  # bytes of the chunks after the one it began in
        self.at_message_start = True  # the next bytes begin a request line
        self.refusal: tuple[int, str, str] | None = None
        self.pending_refusal: tuple[int, str, str] | None = None
        self.write_stall: asyncio.TimerHandle | None = None
        self.held: list[bytes] | None = None
        self.lingering = False
        self.client_ended = False  # the client half-closed: answer what it sent, then close
        self.head_deadline: float | None = None  # when the head in progress must be whole
        self.upgrade_asked = False
        self.deferred: tuple[RequestResponseCycle, Call] | None = None  # answered when whole
        self.reading = False  # inside `data_received`'s parse
        self.upgraded = False  # handed to the events websocket's protocol
        if len(self.connections) - len(self.waiting) > self.connection_limit:
            # Left unread until another connection closes: asyncio stops reading here; uvloop
            # starts reading after this returns whatever is asked, so `data_received` holds
            # what comes in the meantime without parsing it.
            self.held = []
            transport.pause_reading()
            self.waiting.append(self)
        else:
            self.arm_idle_timer()

    def admit(self) -> None:
        held, self.held = self.held or [], None
        self.transport.resume_reading()
        self.arm_idle_timer()
        for data in held:
            if not self.transport.is_closing():
                self.data_received(data)

    def connection_lost(self, exc) -> None:
        super().connection_lost(exc)
        if self.cycle is not None:
            # Its last call held this protocol (to say when its reply is out), and the protocol
            # held it: uvicorn breaks that link when its task ends, and a call answered here
            # has no task, so each closed connection was left to the garbage collector.
            self.cycle.on_response = no_more_replies
        self.deferred = None
        if self.write_stall is not None:
            self.write_stall.cancel()
        if self in self.waiting:
            self.waiting.remove(self)
        while self.waiting and len(self.connections) - len(self.waiting) < self.connection_limit:
            self.waiting.popleft().admit()

    def arm_idle_timer(self, delay: float | None = None) -> None:
        """Close the connection unless a byte arrives (or a reply completes) within the idle
        timeout: uvicorn's keep-alive timer, also armed from the start and while a request's
        body is half-sent. A head gets the idle timeout from its first byte, all of it: bytes
        trickling in do not re-arm it (600 connections sending one header byte every 5 s
        otherwise held every slot under the connection limit, forever)."""
        self._unset_keepalive_if_required()
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive if delay is None else max(delay, 0),
            self.timeout_keep_alive_handler,
        )

    def eof_received(self) -> bool | None:
        """The client half-closed (`nc -N`, `shutdown(SHUT_WR)`): every call it sent whole is
        still answered, in order, and the connection closed after the last reply. Returning
        True keeps the transport open for those replies (else asyncio closes it at once, and
        pipelined calls were applied with no reply, or dropped)."""
        self.client_ended = True
        cycle = self.cycle
        if self.busy() and not (cycle is not None and cycle.more_body):
            return True
        return None  # nothing to answer, or a body that will never be whole: close now

    def data_received(self, data: bytes) -> None:
        if self.lingering:  # refused: what still comes is dropped
            return
        if self.held is not None:  # over the connection limit: not read yet
            self.held.append(data)
            self.transport.pause_reading()
            return
        if self.at_message_start:
            data = escaped_request_line(data)
        if self.raw_head is not None:  # inside a head since an earlier chunk
            self.raw_head += len(data)
        self.reading = True
        try:
            super().data_received(data)
        finally:
            self.reading = False
        if self.upgraded:  # the events websocket's protocol has the connection now
            return
        if self.upgrade_asked and not self.lingering:
            self.refuse(
                501,
                "Not Implemented",
                "WebSocket is served only at /events/websocket/?authkey=KEY (the call "
                "events); poll GET /_mock/requests over plain HTTP for the journal.",
            )
        if self.transport.is_closing() or self.pending_refusal is not None or self.lingering:
            return
        if self.raw_head is not None and max(self.raw_head, self.parsed_head) > MAX_HEAD:
            # still inside the head: a header line that never ends (counted up to a read late)
            self.refuse(431, "Request Header Fields Too Large", "The request head is too long.")
            return
        cycle = self.cycle
        waiting_for_client = cycle is None or cycle.response_complete or cycle.more_body
        if not waiting_for_client or self.pipeline:
            return
        if self.raw_head is not None and self.head_deadline is not None:  # inside a head
            self.arm_idle_timer(self.head_deadline - self.loop.time())
        else:  # for a request, or the rest of its body
            self.arm_idle_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.at_message_start = False
        self.parsed_head, self.raw_head = 0, 0
        self.head_deadline = self.loop.time() + self.timeout_keep_alive

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self.count_head(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self.count_head(len(name) + len(value) + 4)

    def count_head(self, size: int) -> None:
        self.parsed_head += size
        if self.parsed_head > MAX_HEAD:
            self.refusal = (431, "Request Header Fields Too Large", "The request head is too long.")
            raise HeadTooLong  # the parser stops; uvicorn calls send_400_response

    def on_headers_complete(self) -> None:
        self.raw_head = None
        self.head_deadline = None
        if self.parser.should_upgrade() and self.is_websocket():
            if self._should_upgrade():
                super().on_headers_complete()  # uvicorn upgrades once the parser returns
                return
            self.upgrade_asked = True  # refused once the parser returns (data_received)
            return
        super().on_headers_complete()

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Callable) -> None:
        """An API call still being read is answered by the protocol itself once it is whole
        (`answer_deferred`): no ASGI task, receive or send messages. Any other call runs as
        uvicorn runs it, and so does an API call taken on later (a pipelined call already
        whole), one waiting for `100 Continue`, or one whose body passes `DIRECT_BODY`.

        Measured (the served create, memory mode, `wrk -c16`, server CPU per request, 3-5
        interleaved rounds): ~105 us through the ASGI app, ~88 us answered here."""
        if cycle.more_body and app is self.app and not cycle.waiting_for_100_continue:
            try:
                call = self.api.direct_call(cycle.scope, self.direct_body) if self.api else None
            except Exception:  # raised again by the ASGI app, which answers a 500 and logs it
                call = None
            if call is not None:
                self.deferred = (cycle, call)
                return
        self.run_asgi(cycle, app)

    def run_asgi(self, cycle: RequestResponseCycle, app: Callable) -> None:
        """The call run by the ASGI app, in uvicorn's task, with the server's extensions.

        They hold the cycle by weak reference: its own scope holding it made each call a
        reference cycle (cycle, scope, extensions), ~20 objects left to the garbage collector
        instead of freed at once. Its collections took ~9 us of every served create (gc
        callbacks, wrk -c16, make bench P1)."""
        call = weakref.ref(cycle)
        cycle.scope["extensions"] = {
            DROP_EXTENSION: partial(drop, call),
            GONE_EXTENSION: partial(gone, call),
            WHOLE_EXTENSION: partial(send_whole, call),
        }
        super()._start_asgi_task(cycle, app)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        if self.deferred is not None and len(self.cycle.body) > self.direct_body:
            # A long chunked body: uvicorn stops reading past DIRECT_BODY until the app asks,
            # and the app refuses one past the limit (413).
            (cycle, _), self.deferred = self.deferred, None
            self.run_asgi(cycle, self.app)

    @property
    def direct_body(self) -> int:
        """The longest body answered here: DIRECT_BODY, or the limit if it is smaller (the ASGI
        app refuses a body past it, 413, unread where its length says so)."""
        return min(DIRECT_BODY, self.api.max_body)

    def answer_deferred(self) -> None:
        """The API call just read whole, answered inside the parser's callback.

        With other connections open, its reply is written once the loop has read what else
        came in (`call_soon`), as uvicorn's tasks write theirs: written at once, between the
        reads of the other connections' calls, the same replies cost ~10 us more of server CPU
        each (measured as above: ~115 us against ~105). The only connection (a test suite's
        client, most often) has its reply written at once: the loop's extra turn cost it
        ~14 us a call (`wrk -c1`, 5 interleaved rounds: 169 us against 155 us a call), and
        the call is journaled and logged after the write (api/views.py, `reply_first`).

        A call that may sleep (a delay in force) goes through the ASGI app, which runs it on a
        thread; a file (a download), or any reply to a client not reading, is sent from a
        task, block by block as the socket takes it."""
        (cycle, call), self.deferred = self.deferred, None
        try:
            if self.api.may_wait():
                self.run_asgi(cycle, self.app)
                return
            reply = self.api.answer(call, cycle.scope, bytes(cycle.body), 0)
        except Exception:  # a bug of ours, raised inside the parser: answered, not left hanging
            log.exception("unexpected error on %s %s", cycle.scope["method"], call[0][1])
            reply = internal_error()
        try:
            if reply.drop:
                hang_up(cycle)
            elif reply.file is None and not cycle.flow.write_paused:
                parts = (cycle, reply.status, encoded_headers(reply), reply.body)
                if len(self.connections) == 1:
                    write_whole(*parts)
                else:
                    self.loop.call_soon(write_whole, *parts)
            else:
                self.run_asgi(cycle, replying(reply))
        finally:
            # On the only connection, after the write (api/views.py, `reply_first`); with
            # others open, before the reply queued for the loop's next turn goes out.
            self.api.record(reply)

    def handle_websocket_upgrade(self) -> None:
        """The events websocket takes the connection: this protocol's idle timer is stopped, and
        never armed again (it closed an open websocket after `idle_timeout` seconds, whatever
        went over it; the websocket's own pings find a peer that has gone)."""
        self.upgraded = True
        self._unset_keepalive_if_required()
        super().handle_websocket_upgrade()

    def _should_upgrade(self) -> bool:
        """uvicorn's test, narrowed to the events websocket's path."""
        path = self.url.split(b"?", 1)[0].decode("latin-1")
        return super()._should_upgrade() and self.websocket_path(path)

    def is_websocket(self) -> bool:
        """A websocket upgrade: served on the events websocket's path, else answered 501 in
        the surface's format. Other upgrades (curl's h2c) are ignored, as HTTP/1.1 lets a
        server do, and answered as plain calls."""
        return any(
            name == b"upgrade" and b"websocket" in value.lower() for name, value in self.headers
        )

    def on_message_complete(self) -> None:
        if self.upgrade_asked:
            return
        super().on_message_complete()
        self.at_message_start = True
        if self.deferred is not None:
            self.answer_deferred()

    def pause_writing(self) -> None:
        """The client stopped reading a reply: after the idle timeout, the connection goes."""
        super().pause_writing()
        if self.write_stall is None:
            self.write_stall = self.loop.call_later(self.timeout_keep_alive, self.transport.abort)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.write_stall is not None:
            self.write_stall.cancel()
            self.write_stall = None

    def send_400_response(self, msg: str) -> None:
        self.refuse(*(self.refusal or (400, "Bad Request", "The request is malformed.")))

    def refuse(self, status: int, reason: str, message: str) -> None:
        """An error of the server's own (before any app), in the format of the surface asked,
        then the connection closed; after the replies to the calls before it, if any are still
        being answered (pipelined)."""
        if self.busy():
            self.pending_refusal = self.pending_refusal or (status, reason, message)
            self.transport.pause_reading()
            return
        path = getattr(self, "url", b"").split(b"?", 1)[0].decode("latin-1")
        body = error_body(path, status, message)
        data = json.dumps(body).encode() + b"\n"
        common = b"".join(name + b": " + value + b"\r\n" for name, value in self.default_headers())
        self.transport.write(
            f"HTTP/1.1 {status} {reason}\r\n".encode()
            + common
            + f"content-type: application/json\r\ncontent-length: {len(data)}\r\n".encode()
            + b"connection: close\r\n\r\n"
            + data
        )
        self.linger()

    def default_headers(self) -> list[tuple[bytes, bytes]]:
        """What uvicorn puts on every reply (date, server), on the server's own replies too."""
        return self.server_state.default_headers

    def linger(self) -> None:
        """Close after a refusal so that the client reads it: closing with its request still
        coming would reset the connection, and a reset can discard the reply before the client
        reads it. So: no more writes (FIN), what still comes is read and dropped, and the
        connection is closed when the client closes it, or after a second."""
        self.lingering = True
        self.transport.resume_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(1.0, self.transport.close)

    def busy(self) -> bool:
        return bool(self.pipeline) or (self.cycle is not None and not self.cycle.response_complete)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.reading:
            # A reply written while a chunk is read (`answer_deferred`, the only connection):
            # uvicorn armed the idle timer, but the chunk may hold a call that will run for a
            # while (a download): what the client is waiting for is decided once it is read.
            self._unset_keepalive_if_required()
        if self.pending_refusal is not None and not self.busy():
            refusal, self.pending_refusal = self.pending_refusal, None
            self.refuse(*refusal)
        elif self.client_ended and not self.busy() and not self.transport.is_closing():
            self.transport.close()  # the last reply to a half-closed connection is out


def no_more_replies() -> None:
    """What a call of a lost connection does when its reply is out: nothing."""


def drop(call: weakref.ref) -> None:
    """The `close` fault: nothing more is written, and the server must not answer for the
    app (the cycle of the call dropped, not of one pipelined behind it)."""
    cycle = call()
    if cycle is not None:
        hang_up(cycle)


def hang_up(cycle: RequestResponseCycle) -> None:
    cycle.disconnected = True
    cycle.transport.close()


def gone(call: weakref.ref) -> bool:
    """Whether the client of this call has left."""
    cycle = call()
    return cycle is None or cycle.disconnected


async def send_whole(
    call: weakref.ref, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    """A whole reply in one write, as uvicorn's `send` writes a start and a body message in two
    (make bench, P1: one write less per call, and no check of headers the mock made itself:
    lower-case names, values of its own). The cycle ends as uvicorn ends it: the connection
    closed after a `Connection: close`, the next pipelined call started."""
    cycle = call()
    if cycle is None:
        return
    if cycle.flow.write_paused and not cycle.disconnected:
        await cycle.flow.drain()
    write_whole(cycle, status, headers, body)


def write_whole(
    cycle: RequestResponseCycle, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    if cycle.disconnected or cycle.response_started:
        return
    cycle.response_started = True
    cycle.waiting_for_100_continue = False
    content = [STATUS_LINE[status]]
    for name, value in (*cycle.default_headers, *headers):
        if name == b"connection" and b"close" in value.lower():
            cycle.keep_alive = False
        content.extend((name, b": ", value, b"\r\n"))
    if not cycle.keep_alive and not any(name == b"connection" for name, _ in headers):
        content.append(b"connection: close\r\n")
    content.append(b"\r\n")
    if cycle.scope["method"] != "HEAD":
        content.append(body)
    cycle.transport.write(b"".join(content))
    cycle.response_complete = True
    cycle.message_event.set()
    if not cycle.keep_alive:
        cycle.transport.close()
    cycle.on_response()


def escaped_request_line(data: bytes) -> bytes:
    """Bytes past ASCII in the request line, percent-escaped: httptools refuses them, waitress and
    Apache take them (curl sends a typed `é` raw), and the query's parser reads an escape as
    the same UTF-8. Only a request line that begins a chunk is seen (a pipelined one after
    another in the same chunk is not)."""
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    if line.isascii():
        return data
    escaped = HIGH_BYTE.sub(lambda byte: b"%%%02X" % byte.group()[0], line)
    return escaped if end < 0 else escaped + data[end:]


class Server:
    """A listening socket (bound at once: a start that fails on the port creates nothing) and
    the uvicorn server that will serve `application` on it: `.run()` serves until SIGTERM or
    SIGINT (calls in progress finish), `.close()` frees what is left."""

    def __init__(self, application: Callable, config: Config) -> None:
        self.socket = listen(config.host, config.port)
        self.bridge = WsgiOnAsgi(application, config.max_body_size)
        self.reset = ServedReset(self.bridge)
        self.api = ServedApi(self.reset, config.max_body_size, config.threads)
        self.live = LiveApp(self.api, config.path_prefix)
        protocol = type(
            "MockProtocol",
            (MockProtocol,),
            {
                "connection_limit": config.connection_limit,
                "waiting": deque(),
                "websocket_path": staticmethod(self.live.is_socket),
                "api": self.api,
            },
        )
        self.uvicorn = uvicorn.Server(
            uvicorn.Config(
                self.live,
                http=protocol,
                ws="websockets-sansio",
                interface="asgi3",
                lifespan="on",
                access_log=False,  # the call lines are ours (logs.py)
                log_config=None,
                log_level="error",  # its warnings (a malformed request, an upgrade asked) are noise
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

    def attach(self, mock: Mock, events_authkey: str | None) -> None:
        """The running mock: its API is answered, and its events, and its namespaces', are
        pushed (to URLs, on the websocket) once it serves. A call that may sleep (a delay rule
        in force, in any namespace) runs on a thread, so it holds up no other."""
        service, namespaces = mock.service, mock.namespaces
        self.api.serve(mock.api, namespaces, mock.roots)
        self.reset.serve(namespaces)
        self.api.may_wait = namespaces.may_delay  # the root's rules as well
        self.live.attach(service, events_authkey, namespaces)

    def run(self) -> None:
        self.uvicorn.run(sockets=[self.socket])

    def stop_soon(self) -> None:
        """Stop serving, before `run` or during it, once the calls in progress are answered."""
        self.uvicorn.should_exit = True

    def close(self) -> None:
        self.socket.close()
        self.api.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host` (a name, an IPv4 or IPv6 address) and `port` (0: any)."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return socket.create_server(address, family=family, backlog=2048)


def make_server(application: Callable, config: Config) -> Server:
    return Server(application, config)
