"""What `serve` prints: a line per call, written in batches, and the log for everything else.

The line per call used to be a `logging` record, written and flushed by the thread that handled
the call. Under concurrent load both halves showed in `make bench` (P1): a write per call cost
100-150 us of server CPU (every system call hands the GIL round the waiting threads), and making
and formatting a record cost ~15 us of the ~120 us a call costs in process. So the call lines
skip `logging`: the request thread queues the call's time and its line (made once for the calls
that repeat it, and kept); a background thread dates what has gathered every `interval` seconds,
in one write. Queuing the journal entry instead, for the thread to format, cost ~7 us more of
server CPU per served create (make bench P1, interleaved rounds). A line is at most that late,
and a hard kill loses at most that much of the output (never data). Everything else (warnings,
errors with their tracebacks) goes through `logging` at once, as usual.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import threading
import time
from collections import deque
from typing import Any, TextIO

FORMAT = "%(asctime)s %(name)s %(message)s"
CALLS_LOGGER = "mock_enswitch.api"


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")


def escaped(text: str) -> str:
    """`text` with control characters (and the backslash) written as escapes: a username of
    "x\nfake" must not forge a second log line, nor an escape code reach the terminal."""
    if text.isascii() and text.isprintable() and "\\" not in text:
        return text  # most names: nothing to escape, no substitution made
    return CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def call_line(entry: dict[str, Any], path: str) -> str:
    """One call as the log shows it: never its parameters, which carry passwords; what the
    client chose (path, function, user) escaped."""
    return _line(
        entry["method"], path, entry["function"], entry["user"], entry["code"], entry["fault"]
    )


@functools.lru_cache(maxsize=256)
def _line(method: str, path: str, function: str, user: str, code: Any, fault: Any) -> str:
    """Made once for the calls that repeat it (a client's load, a suite's calls): the writer
    thread's work is taken from the time the event loop has (make bench P1)."""
    fault = f" fault={fault}" if fault is not None else ""
    return (
        f"{method} {escaped(path)} function={escaped(function)} "
        f"user={escaped(user)} code={code}{fault}"
    )


class CallLog:
    """The call lines of `serve`: `add()` queues (no formatting, no I/O); a daemon thread writes."""

    def __init__(self, stream: TextIO, interval: float = 0.2) -> None:
        self.stream = stream
        self.interval = interval
        self._pending: deque[tuple[dict[str, Any], str]] = deque()  # thread-safe appends
        self._writing = threading.Lock()  # one batch at a time, so lines stay in order
        self._stopping = threading.Event()
        self._writer = threading.Thread(target=self._write_every_interval, daemon=True)
        self._writer.start()

    def add(self, entry: dict[str, Any], path: str) -> None:
        self._pending.append((entry["time"], call_line(entry, path)))

    def flush(self) -> None:
        with self._writing:
            lines = []
            while self._pending:
                seconds, line = self._pending.popleft()
                lines.append(f"{_timestamp(seconds)} {CALLS_LOGGER} {line}")
            if lines:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()

    def close(self) -> None:
        self._stopping.set()
        self.flush()

    def _write_every_interval(self) -> None:
        while not self._stopping.wait(self.interval):
            with contextlib.suppress(OSError, ValueError):  # stderr gone: nowhere to say so
                self.flush()


def _timestamp(seconds: float) -> str:
    """As `logging`'s %(asctime)s writes it, so call lines and other lines read alike."""
    return _second(int(seconds)) + f",{int(seconds % 1 * 1000):03d}"


@functools.lru_cache(maxsize=4)
def _second(whole: int) -> str:
    """A second's date and time, made once for the thousands of lines written in it."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(whole))


def configure_server_logging() -> None:
    """For `serve`: INFO and above to stderr, in the call lines' format; uvicorn's own lines only
    from ERROR: `serve` says itself when it starts and stops, and uvicorn's warnings are noise
    here (a malformed request is answered in the surface's format; an upgrade asked by `curl
    --http2` is refused with advice to install a WebSocket library)."""
    logging.basicConfig(level=logging.INFO, format=FORMAT)
    logging.getLogger("uvicorn").setLevel(logging.ERROR)
