"""The ASGI app the server runs: the HTTP calls (the API's, api/served.py, and the others through
bridge.py), the events websocket, and at start-up the event delivery and the ticker.

The ticker is what lets the switch's calls go on while no client calls: every `TICK` seconds, if
something is due on the mock clock (a call that answers or ends, a leg that starts: the switch's
`settle_after`), it catches the switch up, which makes their events. Between API calls nothing
else runs; a call catches the switch up before it looks, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..domain import directory
from .delivery import Delivery
from .websocket import PATH, EventsSocket

if TYPE_CHECKING:
    from ..namespaces import Namespaces
    from ..service import Service

log = logging.getLogger("mock_enswitch")
TICK = 0.1


class LiveApp:
    """`http` takes the HTTP calls; the events websocket and the lifespan are served here."""

    def __init__(self, http: Callable, path_prefix: str = "") -> None:
        self.http = http
        self.socket_path = path_prefix.rstrip("/") + PATH
        self.service: Service | None = None
        self.delivery: Delivery | None = None
        self.socket: EventsSocket | None = None
        self.ticker: asyncio.Task | None = None
        self.namespaces: Namespaces | None = None

    def attach(self, service: Service, authkey: str | None, namespaces: Namespaces) -> None:
        """The running mock, once made (before `serve`): its events, and each namespace's, go
        out from then on."""
        self.service = service
        self.namespaces = namespaces
        self.delivery = Delivery()
        self.socket = EventsSocket(
            service.switch.events, authkey, lambda name: namespaces.get(name).switch.events
        )
        self.watch("", service)
        namespaces.on_create.append(self.watch)
        namespaces.on_drop.append(lambda name, gone: self.delivery.unwatch(gone.switch.events))

    def watch(self, name: str, service: Service) -> None:
        """Deliver `service`'s events to its own customers' URLs."""
        db = service.switch.db
        # The customer's "Send events to URL", read under the switch's lock, where events are made.
        self.delivery.watch(
            service.switch.events, lambda event: directory.events_url(db, event.get("customer", 0))
        )
        service.push_state = self.state

    def state(self) -> dict:
        delivery = self.delivery.state() if self.delivery else {}
        socket = {"websockets": self.socket.open, "websocket_dropped": self.socket.dropped}
        return {**delivery, **socket}

    def is_socket(self, path: str) -> bool:
        return path.rstrip("/") + "/" == self.socket_path

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            if self.socket is None:
                await receive()
                await send({"type": "websocket.close", "code": 1013})  # not ready yet
            else:
                await self.socket.serve(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)

    async def lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.delivery is not None:
                    await self.delivery.start()
                    self.ticker = asyncio.create_task(self.tick())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.ticker is not None:
                    self.ticker.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self.ticker
                if self.delivery is not None:
                    await self.delivery.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            for service in (self.service, *self.namespaces.services()):
                switch = service.switch
                if switch.settle_after <= switch.now():
                    try:
                        service.on_switch(lambda switch: None)
                    except Exception:  # a failed write says so on the next call too
                        log.exception("the switch could not catch up with its clock")
