"""The server's log: one line per call, written in batches so that logging never slows the calls.

`logging.StreamHandler` writes and flushes each record from the thread that logged it. Under
concurrent load that one write per call cost more than the call's own work (`make bench`, P1:
100-150 us of server CPU per call at 16 connections): every write releases the GIL, and the
request threads queue up behind it. `BatchingHandler` only formats the line in the calling
thread; a background thread writes what has gathered every `interval` seconds, in one write.
A line is at most that late, and a hard kill loses at most that much of the log (never data).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading

FORMAT = "%(asctime)s %(name)s %(message)s"


class BatchingHandler(logging.StreamHandler):
    def __init__(self, stream=None, interval: float = 0.2) -> None:
        super().__init__(stream)
        self.interval = interval
        self._pending: list[str] = []
        self._writing = threading.Lock()  # one batch at a time, so lines stay in order
        self._stopping = threading.Event()
        self._writer = threading.Thread(target=self._write_every_interval, daemon=True)
        self._writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._pending.append(self.format(record))  # handle() holds self.lock around us
        except Exception:  # noqa: BLE001 - logging's own contract: report, never raise
            self.handleError(record)

    def flush(self) -> None:
        with self._writing:
            with self.lock:
                lines, self._pending = self._pending, []
            if lines:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()

    def close(self) -> None:
        self._stopping.set()
        self.flush()
        super().close()

    def _write_every_interval(self) -> None:
        while not self._stopping.wait(self.interval):
            with contextlib.suppress(OSError, ValueError):  # stderr gone: nowhere to say so
                self.flush()


def configure_server_logging(stream=None) -> None:
    """For `serve`: INFO and above to stderr, through one `BatchingHandler`.

    Also turns off the record fields our format never shows (caller's file and line, thread
    and process names), which the logging HOWTO lists as its optimisations: each costs time on
    every record."""
    logging._srcfile = None  # the documented switch: no stack walk to find the caller
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = BatchingHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
