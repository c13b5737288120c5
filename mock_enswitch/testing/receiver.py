"""A receiver of the events the mock POSTs ("Send events to URL"), served in the test's own
process: what a test points a customer's `events_url` at to assert what its webhook handler
would get. Werkzeug's threaded development server on a free loopback port: the form fields of
each POST are kept in arrival order, and `wait_for` waits on them.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


class EventReceiver:
    """`url` takes POSTs; `events` are their form fields (dicts of text), oldest first.

    `status` is what it answers (set 500 to see the mock retry); `delay` holds each answer that
    many seconds (a slow receiver). Usable as a context manager; `close()` stops it."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.events: list[dict[str, str]] = []
        self.status = 200
        self.delay = 0.0
        self._changed = threading.Condition()
        self._server = make_server(host, 0, self._app, threaded=True, request_handler=Quiet)
        self.url = f"http://{host}:{self._server.server_port}/events"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @Request.application
    def _app(self, request: Request) -> Response:
        if request.method != "POST":
            return Response("POST events here\n", 405, content_type="text/plain")
        if self.delay:
            time.sleep(self.delay)
        with self._changed:
            self.events.append(request.form.to_dict())
            self._changed.notify_all()
        return Response("", self.status, content_type="text/plain")

    def matching(self, **fields: Any) -> list[dict[str, str]]:
        """The events received with each of `fields` equal (compared as text)."""
        with self._changed:
            return [e for e in self.events if all(e.get(k) == str(v) for k, v in fields.items())]

    def wait_for(self, timeout: float = 5.0, count: int = 1, **fields: Any) -> list[dict]:
        """Wait until `count` events with `fields` (e.g. event="answer", callid=...) have come;
        returns them, or raises AssertionError naming what did come."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    e for e in self.events if all(e.get(k) == str(v) for k, v in fields.items())
                ]
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    break
                self._changed.wait(left)
        if len(found) < count:
            came = [(e.get("event"), e.get("uniqueid")) for e in self.events]
            raise AssertionError(
                f"{count} event(s) with {fields} expected within {timeout} s, "
                f"{len(found)} came; received: {came}"
            )
        return found

    def clear(self) -> None:
        with self._changed:
            self.events.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> EventReceiver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Quiet(WSGIRequestHandler):
    """No line per request on the test's stderr: `events` is the record."""

    def log_request(self, *args, **kwargs) -> None:
        pass
