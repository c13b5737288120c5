"""The system-wide events websocket, `/events/websocket/?authkey=KEY` on the server's own port
[DOC dev/events: port 4875 of enswitch_messaged, "a websocket frame for each event, with the
event fields JSON encoded"].

KEY is `--events-authkey` (MOCK_ENSWITCH_EVENTS_AUTHKEY). Without one the websocket is closed to
all, and a wrong or missing key is refused before the handshake completes (HTTP 403): an open
stream of every customer's calls is not what a server should serve by default. Each event is
one JSON text frame with the fields a POST carries (delivery.wire). A client that does not read
loses the oldest of its unsent frames past `BACKLOG` (counted in `/_mock/events`), so it never
grows the server's memory. `&namespace=NAME` streams that namespace's events instead of the
server's own (namespaces.py). The protocol is uvicorn's websocket support, backed by `websockets`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Callable
from urllib.parse import parse_qs

from ..domain.events import Events
from ..namespaces import NAME
from .delivery import wire

PATH = "/events/websocket/"
BACKLOG = 1000


class EventsSocket:
    """The websockets open on the events stream."""

    def __init__(
        self, events: Events, authkey: str | None, namespace: Callable[[str], Events]
    ) -> None:
        self.events = events
        self.authkey = authkey
        self.namespace = namespace
        """A namespace's events by its name (`?namespace=NAME`; made on first use)."""
        self.open = 0
        self.dropped = 0

    def allowed(self, scope: dict) -> bool:
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("authkey", [""])[0]
        return bool(self.authkey) and hmac.compare_digest(given.encode(), self.authkey.encode())

    async def serve(self, scope: dict, receive: Callable, send: Callable) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        if not self.allowed(scope):
            await send({"type": "websocket.close", "code": 1008})
            return
        name = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("namespace", [""])[0]
        if name and not NAME.fullmatch(name):
            await send({"type": "websocket.close", "code": 1008})
            return
        events = self.namespace(name) if name else self.events
        loop = asyncio.get_running_loop()
        frames: asyncio.Queue[str] = asyncio.Queue()

        def tell(event: dict) -> None:  # under the switch's lock, any thread: hand on only
            loop.call_soon_threadsafe(self._offer, frames, json.dumps(wire(event)))

        await send({"type": "websocket.accept"})
        self.open += 1
        events.listeners.append(tell)
        closed = asyncio.ensure_future(self._until_closed(receive))
        try:
            while not closed.done():
                frame = asyncio.ensure_future(frames.get())
                await asyncio.wait({frame, closed}, return_when=asyncio.FIRST_COMPLETED)
                if not frame.done():
                    frame.cancel()
                    break
                await send({"type": "websocket.send", "text": frame.result()})
        except OSError:
            pass  # the client went mid-frame
        finally:
            if tell in events.listeners:
                events.listeners.remove(tell)
            self.open -= 1
            closed.cancel()

    def _offer(self, frames: asyncio.Queue, frame: str) -> None:
        if frames.qsize() >= BACKLOG:
            frames.get_nowait()
            self.dropped += 1
        frames.put_nowait(frame)

    @staticmethod
    async def _until_closed(receive: Callable) -> None:
        while (await receive())["type"] != "websocket.disconnect":
            pass  # what a client sends is not read: the stream goes one way
