"""The production WSGI server (waitress), taught one trick: dropping a connection with no reply.

A fault rule with the `close` effect must look, to the client, like a switch that hung up: no
status line, no headers. WSGI has no way to say that, so the app raises `DropConnection` from its
response body before any byte is written, and our waitress task, seeing it, writes nothing and
closes the connection. Under other servers (Flask's test client) the app falls back to an empty
reply with `Connection: close`; `can_drop(environ)` tells which.
"""

from __future__ import annotations

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import WSGITask

DROP_KEY = "mock_enswitch.can_drop"


class DropConnection(Exception):
    """Raised from a response body: close the connection, write nothing."""


def can_drop(environ: dict) -> bool:
    return bool(environ.get(DROP_KEY))


class DroppingTask(WSGITask):
    dropped = False

    def get_environment(self):
        environ = super().get_environment()
        environ[DROP_KEY] = True
        return environ

    def execute(self):
        try:
            super().execute()
        except DropConnection:
            self.dropped = True
            self.close_on_finish = True

    def finish(self):
        if not self.dropped:
            super().finish()


class DroppingChannel(HTTPChannel):
    task_class = DroppingTask


def make_server(app, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
    """A waitress server for `app` (not yet running): `.run()` serves, `.close()` stops."""
    server = create_server(app, host=host, port=port, threads=threads, ident="mock-enswitch")
    server.channel_class = DroppingChannel
    return server
