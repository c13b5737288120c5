"""The events the simulated switch pushes as its calls go on ("Send events to URL" and the
events websocket [DOC 3.14 admin/events, dev/events]).

[DOC] Every event has `class` ("call" here; "message" when text messages arrive), `event`, and
`timestamp`, "the Unix timestamp of the event, to the nearest microsecond". Call events cover a
call "starting, being routed, being answered, or ending". Our decisions [INFER], since the guide
names no event but `start` and lists no field of a call event:

- each leg sends `start`, then `route` (it rings its far end), `answer` (if it is answered) and
  `end`, in that order; a leg that ends unanswered sends no `answer`;
- `timestamp` is seconds with six decimals ("1733328000.000000") on the mock clock: when each
  of these happened on the switch, which may be in the past when a test moves the clock on;
- the fields are a call's columns as calls/active/list and cdrs/list show them: callid,
  uniqueid, customer, direction, the s/c/d types and numbers, callerid and callername; `status`
  (ringing, answered, ended) and, on `end`, `answered` (1 or 0) and `talktime` in seconds.

Events live in memory only (the last `size`, oldest dropped first), like the outbox: a restart or
a reset forgets them. An answer still to come is noted here (`due`), not in the database, so a
restart sends no `answer` for a call that was ringing. Listeners (delivery to URLs, the
websocket) are told of each event as it is made, under the switch's lock: they must only hand
it on, never block.
"""

from __future__ import annotations

import heapq
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from .legs import DIRECTIONS, callid_of, sides

CALL = "call"
ORDER = ("start", "route", "answer", "end")

Listener = Callable[[dict], None]


class Events:
    """The switch's events: kept (bounded), told to listeners, with the answers still to come."""

    def __init__(self, size: int = 1000) -> None:
        self._events: deque[dict] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._due: list[tuple[float, int, str]] = []  # (when, sequence, uniqueid): answers
        self._answers: dict[str, dict] = {}  # uniqueid -> the call, for its answer event
        self.listeners: list[Listener] = []
        self.sequence = 0
        self.dropped = 0
        """Events pushed out of the kept ones by newer ones (not lost to listeners)."""

    def emit(self, event: str, call: dict, at: float, **extra: Any) -> dict:
        """Make the event `event` of `call` at `at` on the mock clock, keep it, tell listeners."""
        return self.emit_fields(CALL, event, at, {**fields(event, call, at), **extra})

    def emit_fields(self, kind: str, event: str, at: float, given: dict) -> dict:
        """An event of class `kind` (a text message's) with these fields: kept, told."""
        with self._lock:
            self.sequence += 1
            made = {
                "id": self.sequence,
                "class": kind,
                "event": event,
                "timestamp": f"{at:.6f}",
                **given,
                "deliveries": [],
            }
            if len(self._events) == self._events.maxlen:
                self.dropped += 1
            self._events.append(made)
        for listener in tuple(self.listeners):
            listener(made)
        return made

    def answer_later(self, call: dict, at: float) -> None:
        """`call` answers at `at` (later than now): its `answer` event is sent then (`due`)."""
        with self._lock:
            self._answers[call["uniqueid"]] = dict(call)
            heapq.heappush(self._due, (at, self.sequence, call["uniqueid"]))

    def next_due(self) -> float:
        """When the next answer still to come is due (inf: none)."""
        with self._lock:
            while self._due and self._due[0][2] not in self._answers:
                heapq.heappop(self._due)  # told early (the call ended first)
            return self._due[0][0] if self._due else float("inf")

    def answer_due(self, now: float) -> None:
        """Send the `answer` of every call that has answered by `now`, in time order."""
        while True:
            with self._lock:
                if not self._due or self._due[0][0] > now:
                    return
                at, _, uniqueid = heapq.heappop(self._due)
                call = self._answers.pop(uniqueid, None)
            if call is not None:
                self.emit("answer", call, at)

    def answer_now(self, ending: dict) -> None:
        """A call that ends (`ending`, with its end): its answer, if still to come and due by
        then, goes first; one hung up while it rang never answers."""
        with self._lock:
            call = self._answers.pop(ending["uniqueid"], None)
        if call is not None:
            answered_at = call["start"] + call["ringtime"]
            if ending["ends"] is None or answered_at <= ending["ends"]:
                self.emit("answer", call, answered_at)

    def note(self, event: dict, delivery: dict) -> None:
        """An attempt to deliver `event` (its URL, attempt, status or error, time), for
        `/_mock/events`; the last 10 attempts are kept per event."""
        with self._lock:
            event["deliveries"] = [*event["deliveries"][-9:], delivery]

    def kept(self, **wanted: str) -> list[dict]:
        """The kept events, oldest first, with each field in `wanted` equal (as text)."""
        with self._lock:
            events = list(self._events)
        return [
            {**event, "deliveries": list(event["deliveries"])}
            for event in events
            if all(str(event.get(name)) == value for name, value in wanted.items())
        ]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._due.clear()
            self._answers.clear()
            self.dropped = 0


def fields(event: str, call: dict, at: float) -> dict[str, Any]:
    """What an event of `call` says besides class, event and timestamp: the call's columns.
    Never a password: a call holds none, and only these fields are read from it."""
    answered = call["answered"] and call["start"] + call["ringtime"] <= at
    status = {"start": "ringing", "route": "ringing", "answer": "answered"}.get(event, "ended")
    made = {  # class, event and timestamp: emit_fields adds them, as to every event
        "callid": callid_of(call),
        "uniqueid": call["uniqueid"],
        "customer": call["customer"] or 0,
        "direction": DIRECTIONS[call["direction"]],
        **sides(call["direction"], call["customer"] or 0, call["caller"], call["called"]),
        "callerid": call.get("callerid", ""),
        "callername": call.get("callername", ""),
        "status": status,
    }
    if event == "end":
        ends = call["ends"] if call["ends"] is not None else at
        made["answered"] = 1 if answered else 0
        made["talktime"] = max(0, int(ends - call["start"] - call["ringtime"])) if answered else 0
    return made
