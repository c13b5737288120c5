"""The production WSGI server (waitress), taught one trick: dropping a connection with no reply
when the app raises `DropConnection` (see drop.py)."""

from __future__ import annotations

import json
import time

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask

from .api.envelope import envelope
from .config import Config
from .drop import DROP_KEY, DropConnection
from .surfaces import is_control


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


class SurfaceErrorTask(ErrorTask):
    """Waitress's own errors (a body too large, a malformed request) in the format of the
    surface asked: the Enswitch envelope, or the control API's {"error", "field"}; not its
    plain-text page."""

    def execute(self) -> None:
        error = self.request.error
        if is_control(self.request.path or ""):
            body = {"error": error.reason + ": " + error.body, "field": ""}
        else:
            body = envelope(str(error.code), "", f"{error.reason}: {error.body}")
        data = json.dumps(body).encode() + b"\n"
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend(
            [("Content-Type", "application/json"), ("Connection", "close")]
        )
        self.set_close_on_finish()
        self.content_length = len(data)
        self.write(data)


class YieldingDispatcher(ThreadedTaskDispatcher):
    """Waitress's task queue, whose I/O thread lets the workers run when they are all busy.

    Waitress used to log "Task queue depth is N" there, and each of those writes, as a system
    call, handed the GIL to the workers: quieting the warnings (45,000 lines in a 200k-call run)
    cost the served mock 20-30% of its throughput (make bench P1). A yield at the same moment
    keeps the throughput without the noise."""

    def add_task(self, task) -> None:
        super().add_task(task)
        with self.lock:
            busy = len(self.queue) > len(self.threads) - self.stop_count - self.active_count
        if busy:
            time.sleep(0)


class DroppingChannel(HTTPChannel):
    task_class = DroppingTask
    error_task_class = SurfaceErrorTask


def make_server(app, config: Config):
    """A waitress server for `app` as `config` says (not yet running): `.run()` serves,
    `.close()` stops. Idle and half-sent connections are closed after `idle_timeout` (checked
    every second or so), so a few slow clients cannot hold every connection; a body over
    `max_body_size` is refused from its Content-Length (or as a chunked body passes it) before
    it is read, in the surface's own error format (`SurfaceErrorTask`)."""
    dispatcher = YieldingDispatcher()
    dispatcher.set_thread_count(config.threads)
    server = create_server(
        app,
        _dispatcher=dispatcher,
        host=config.host,
        port=config.port,
        threads=config.threads,
        ident="mock-enswitch",
        connection_limit=config.connection_limit,
        channel_timeout=config.idle_timeout,
        cleanup_interval=max(1, min(30, config.idle_timeout // 2)),
        max_request_body_size=config.max_body_size,
    )
    server.channel_class = DroppingChannel
    return server
