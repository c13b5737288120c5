"""Keep-alive connections for the test client's control calls: the reset before each test, the
fault rules, the journal.

Measured (make bench, P3, and the same call to a raw ASGI endpoint): urllib made a connection per
call and took ~1 ms a reset; `http.client` on a kept connection took ~0.25 ms a call to an
endpoint that answers at once, most of it parsing the reply's head with the email package. So a
control call writes its request on a kept socket and reads the reply with httptools' C parser
(the server's own, a dependency already): ~0.1 ms a call.

A control call takes an idle connection to its server from a small pool shared by the process's
clients (the pytest fixture makes a client per test), and gives it back once the reply is read;
calls from several threads each get their own. A kept connection may have been closed by the
server since (its idle timeout, a restart): before one is reused it is checked, as urllib3 checks
(a socket that reads as ready while no reply is due has been closed). If the server closed it in
the instant between the check and the call (no byte of a reply came back), an idempotent call
(by its method, or as its caller says: the reset) is sent once more on a new connection, as
urllib3 does; any other raises. The server may have read the first before it closed.

The Enswitch API's calls keep a connection per call (client.py): a `close` fault drops the
connection, and a test must see that as it happens.
"""

from __future__ import annotations

import atexit
import select
import socket
import ssl
import threading
from urllib.parse import urlsplit

import httptools

IDLE_PER_SERVER = 4
"""Idle connections kept for one server: one per thread that calls it at once, in practice."""
TIMEOUT = 30.0
BLOCK = 65536
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
"""Methods whose call may be sent twice to the same effect (RFC 9110), as urllib3 retries."""


class ClosedBeforeReply(ConnectionError):
    """The server closed the connection before any byte of a reply."""


class Reply:
    """What httptools' parser found in a reply (its callbacks)."""

    def __init__(self, head_only: bool) -> None:
        self.head_only = head_only  # a reply to HEAD: its head is all of it
        self.body: list[bytes] = []
        self.close = False
        self.sized = False  # a Content-Length or chunks: else the body ends when the server closes
        self.complete = False
        self.head_complete = False

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"connection" and b"close" in value.lower():
            self.close = True
        elif name in (b"content-length", b"transfer-encoding"):
            self.sized = True

    def on_headers_complete(self) -> None:
        self.head_complete = True
        if self.head_only:
            self.complete = True

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.complete = True


class Connection:
    """One socket to a server, a request at a time."""

    def __init__(self, scheme: str, host: str, port: int, host_header: str) -> None:
        sock = socket.create_connection((host, port), timeout=TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        self.sock = sock
        self.host_header = host_header

    def exchange(
        self, method: str, target: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes, bool]:
        """(status, body, whether the connection is done with after it); ClosedBeforeReply
        when the server had closed it before any byte of a reply."""
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host_header}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(body or b'')}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        reply = Reply(head_only=method == "HEAD")
        parser = httptools.HttpResponseParser(reply)
        try:
            self.sock.sendall(request)
            data = self.sock.recv(BLOCK)
        except (BrokenPipeError, ConnectionResetError) as error:
            raise ClosedBeforeReply(str(error)) from None
        if not data:
            raise ClosedBeforeReply("the server closed the connection")
        while True:
            parser.feed_data(data)
            if reply.complete:
                return parser.get_status_code(), b"".join(reply.body), reply.close
            data = self.sock.recv(BLOCK)
            if not data:
                if reply.head_complete and not reply.sized:  # its end is the body's end
                    return parser.get_status_code(), b"".join(reply.body), True
                raise ConnectionError("the server closed the connection mid-reply")

    def closed_by_server(self) -> bool:
        """An idle connection with something to read (its end, as no reply is due) is unusable."""
        try:
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def close(self) -> None:
        self.sock.close()


class Connections:
    """Idle connections, by server (scheme, host and port); thread-safe."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, str], list[Connection]] = {}
        self._lock = threading.Lock()

    def request(
        self,
        url: str,
        method: str,
        body: bytes | None,
        headers: dict[str, str],
        idempotent: bool | None = None,
    ) -> tuple[int, bytes]:
        """(status, body) of `method` on `url` (http or https), on a kept connection.
        `idempotent` (default: by the method) says whether the call may be sent again."""
        parts = urlsplit(url)
        server = (parts.scheme, parts.netloc)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if idempotent is None:
            idempotent = method in IDEMPOTENT
        connection, reused = self._take(server)
        try:
            try:
                status, data, close = connection.exchange(method, target, body, headers)
            except ClosedBeforeReply:
                if not (reused and idempotent):
                    raise
                connection.close()
                connection = self._open(server)
                status, data, close = connection.exchange(method, target, body, headers)
        except BaseException:
            connection.close()
            raise
        if close:
            connection.close()
        else:
            self._give(server, connection)
        return status, data

    def close(self) -> None:
        """Close every idle connection (a test session's end)."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def _take(self, server: tuple[str, str]) -> tuple[Connection, bool]:
        while True:
            with self._lock:
                kept = self._idle.get(server)
                connection = kept.pop() if kept else None
            if connection is None:
                return self._open(server), False
            if not connection.closed_by_server():
                return connection, True
            connection.close()

    def _give(self, server: tuple[str, str], connection: Connection) -> None:
        with self._lock:
            kept = self._idle.setdefault(server, [])
            if len(kept) < IDLE_PER_SERVER:
                kept.append(connection)
                return
        connection.close()

    @staticmethod
    def _open(server: tuple[str, str]) -> Connection:
        scheme, netloc = server
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port or (443 if scheme == "https" else 80)
        return Connection(scheme, parts.hostname or "localhost", port, netloc)


KEPT = Connections()
"""The process's pool, shared by every `Enswitch` client; closed at exit (an open socket left
to the garbage collector is a ResourceWarning)."""
atexit.register(KEPT.close)
