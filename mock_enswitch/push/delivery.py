"""Events POSTed to each customer's "Send events to URL" (`events_url` in customers.json or
`/_mock/customers`), on the server's event loop.

[DOC admin/events] One form-encoded POST per event, its fields in the body; the reply is ignored.
Our decisions where the guide is silent:

- a receiver has 5 s to answer an attempt (`TIMEOUT`); a failed attempt (no connection, no answer
  in time, a 5xx) is tried again after 1 s and 4 s: 3 attempts in all (`BACKOFF`); a 4xx is
  the receiver's answer and is not retried;
- one receiver gets its events one at a time, in the order they were made (a CRM sees a call's
  `start` before its `end`); receivers do not wait for each other;
- at most `MAX_PENDING` events wait for delivery, all receivers together; past that an event is
  not queued, and `dropped` counts it (memory stays bounded whatever a receiver does);
- each attempt is noted on the event (`/_mock/events`): url, attempt, status or error, time.

aiohttp, chosen by measurement (benchmarks/event_clients.py): form POSTs to a local receiver
on one loop, 4,600-6,200/s with aiohttp against 1,100-1,350/s with httpx. It is imported when
the first event is sent (or by the server, in a thread, after `ready`): its ~100 ms of imports
are not on the path to `ready` (make bench, P3).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..domain.events import Events

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger("mock_enswitch")

TIMEOUT = 5.0
BACKOFF = (1.0, 4.0)
MAX_PENDING = 10_000


def wire(event: dict) -> dict[str, str]:
    """What a receiver gets: the event's fields as text, without the mock's bookkeeping."""
    return {k: str(v) for k, v in event.items() if k not in ("id", "deliveries")}


class Delivery:
    """The POSTs of the events to their customers' URLs, for every mock the server holds (its
    own and each namespace's: `watch`), the sending on `loop`."""

    def __init__(self) -> None:
        self.watched: list[tuple[Events, Callable[[dict], None]]] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.session: aiohttp.ClientSession | None = None
        self.queues: dict[str, asyncio.Queue] = {}
        self.workers: dict[str, asyncio.Task] = {}
        self.pending = 0
        self.dropped = 0
        self.backoff = BACKOFF
        self.timeout = TIMEOUT

    def watch(self, events: Events, url_of: Callable[[dict], str]) -> None:
        """Deliver what `events` makes to `url_of(event)` ("" for nowhere): called under the
        switch's lock, from any thread, it only hands the event on to the loop."""

        def tell(event: dict) -> None:
            url = url_of(event)
            if url and self.loop is not None:
                self.loop.call_soon_threadsafe(self._queue, url, event, events)

        events.listeners.append(tell)
        self.watched.append((events, tell))

    def unwatch(self, events: Events) -> None:
        for watched, tell in [pair for pair in self.watched if pair[0] is events]:
            if tell in watched.listeners:
                watched.listeners.remove(tell)
            self.watched.remove((watched, tell))

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()

    def client(self) -> aiohttp.ClientSession:
        if self.session is None:
            import aiohttp

            self.session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(limit=0, force_close=False),
            )
        return self.session

    async def stop(self) -> None:
        for events, _ in list(self.watched):
            self.unwatch(events)
        for task in self.workers.values():
            task.cancel()
        await asyncio.gather(*self.workers.values(), return_exceptions=True)
        self.workers.clear()
        if self.session is not None:
            await self.session.close()

    def _queue(self, url: str, event: dict, events: Events) -> None:
        if self.pending >= MAX_PENDING:
            self.dropped += 1
            events.note(event, {"url": url, "attempt": 0, "error": "dropped: queue full"})
            return
        queue = self.queues.get(url)
        if queue is None:
            queue = self.queues[url] = asyncio.Queue()
            self.workers[url] = asyncio.create_task(self._send_all(url, queue))
        self.pending += 1
        queue.put_nowait((event, events))

    async def _send_all(self, url: str, queue: asyncio.Queue) -> None:
        while True:
            event, events = await queue.get()
            try:
                await self._send(url, event, events)
            finally:
                self.pending -= 1

    async def _send(self, url: str, event: dict, events: Events) -> None:
        import aiohttp

        session = self.client()
        body = wire(event)
        for attempt in range(1, len(self.backoff) + 2):
            outcome: dict = {"url": url, "attempt": attempt, "time": time.time()}
            try:
                async with session.post(url, data=body) as reply:
                    await reply.read()
                    outcome["status"] = reply.status
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as error:
                outcome["error"] = describe(error)
            events.note(event, outcome)
            if outcome.get("status", 500) < 500 or attempt > len(self.backoff):
                return
            await asyncio.sleep(self.backoff[attempt - 1])

    def state(self) -> dict:
        return {"pending": self.pending, "dropped": self.dropped, "receivers": len(self.queues)}


def describe(error: BaseException) -> str:
    if isinstance(error, asyncio.TimeoutError):
        return f"no answer in {TIMEOUT:g} s"
    return f"{type(error).__name__}: {error}".rstrip(": ")
