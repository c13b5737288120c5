"""The production WSGI server (waitress), taught one trick: dropping a connection with no reply
when the app raises `DropConnection` (see drop.py)."""

from __future__ import annotations

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import WSGITask

from .drop import DROP_KEY, DropConnection


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
