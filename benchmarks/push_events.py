"""P6, the events pushed to customers' URLs (`make bench`; run.py calls `p6`).

P6a  the served create (P1's call, same load generator) on `serve --memory` while calls are
     placed in the background (each pushes 4 events), with no receiver set, then with customer
     3's events going to a receiver that never answers and customer 4's to one that takes 1 s;
     rounds interleaved, medians compared. Goal: within 10%.
P6b  10,000 events (2,500 calls) to one local receiver: events/s from the first call placed to
     the last event received. Goal: >= 1,000/s.
P6c  100,000 events (25,000 calls) to an unreachable receiver (a closed port): the server's RSS
     growth against the same calls with no receiver, side by side. Goal: <= 20 MB more.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from mock_enswitch.testing import Enswitch, MockServer

ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}
REPLY = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\ncontent-type: text/plain\r\n\r\n"


class Receiver:
    """An HTTP/1.1 receiver on its own thread and loop, counting POSTs; `delay` holds each reply
    (1 s: a slow receiver); `answer=False` reads and never replies."""

    def __init__(self, delay: float = 0.0, answer: bool = True) -> None:
        self.count = 0
        self.delay, self.answer = delay, answer
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait()
        self.url = f"http://127.0.0.1:{self.port}/events"

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                self.count += 1
                if not self.answer:
                    continue
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(REPLY)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
        except asyncio.CancelledError:  # stopped (`close`): said here, not by asyncio's streams
            writer.close()

    def close(self) -> None:
        async def stop() -> None:
            tasks = asyncio.all_tasks(self.loop) - {asyncio.current_task()}
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self.loop)
        self.thread.join(5)


def control(url: str, method: str, path: str, body: dict | None = None) -> dict | None:
    """A control API call, as the pytest client makes it."""
    return Enswitch(url, {}).control(method, path, body)


def place_calls(url: str, count: int, lines: tuple[str, ...] = ("1001",)) -> None:
    """`count` ended calls (4 events each), from 4 threads."""

    def place(number: int) -> None:
        control(url, "POST", "calls", {"phone": lines[number % len(lines)]})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(place, range(count)))


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def p6a(generator, row, seconds: float, rounds: int) -> None:
    path = "/api/json/recording/groups/create/"
    body = urlencode({**ADMIN, "name": "bench"})
    never, slow = Receiver(answer=False), Receiver(delay=1.0)
    rates: dict[str, list[float]] = {"no receiver": [], "receivers": []}
    with MockServer(None) as server:
        stop = threading.Event()

        def background() -> None:  # 50 calls/s, 200 events/s
            while not stop.is_set():
                place_calls(server.url, 2, ("1001", "2001"))
                time.sleep(0.04)

        placer = threading.Thread(target=background, daemon=True)
        placer.start()
        try:
            for _ in range(rounds):
                for name in rates:
                    urls = (never.url, slow.url) if name == "receivers" else ("", "")
                    control(server.url, "PATCH", "customers/3", {"events_url": urls[0]})
                    control(server.url, "PATCH", "customers/4", {"events_url": urls[1]})
                    rates[name].append(generator.run(server.port, path, body, seconds)[0])
        finally:
            stop.set()
            placer.join()
            pending = control(server.url, "GET", "events?event=none")
    never.close()
    slow.close()
    base = statistics.median(rates["no receiver"])
    loaded = statistics.median(rates["receivers"])
    ratio = loaded / base
    row(
        "P6 create, receivers: never answers + 1 s",
        f"{loaded:,.0f} req/s (no receiver: {base:,.0f}); {pending['dropped']} events dropped",
        f"{ratio:.2f}x",
        "met (>= 0.90x)" if ratio >= 0.9 else "NOT met (>= 0.90x)",
    )


def p6b(row, calls: int) -> None:
    receiver = Receiver()
    with MockServer(None) as server:
        control(server.url, "PATCH", "customers/3", {"events_url": receiver.url})
        began = time.perf_counter()
        place_calls(server.url, calls)
        while receiver.count < calls * 4 and time.perf_counter() - began < 120:
            time.sleep(0.005)
        elapsed = time.perf_counter() - began
    receiver.close()
    rate = receiver.count / elapsed
    row(
        f"P6 {calls * 4:,} events to one receiver",
        f"{rate:,.0f} events/s ({receiver.count:,} received in {elapsed:.1f} s)",
        "",
        "met (>= 1,000/s)" if rate >= 1000 and receiver.count == calls * 4 else "NOT met",
    )


def p6c(row, calls: int) -> None:
    growth = {}
    for name, url in (("no receiver", ""), ("unreachable", f"http://127.0.0.1:{closed_port()}/")):
        with MockServer(None) as server:
            control(server.url, "PATCH", "customers/3", {"events_url": url})
            place_calls(server.url, 200)  # warm up
            before = rss_kb(server.process.pid)
            place_calls(server.url, calls)
            time.sleep(1)
            growth[name] = rss_kb(server.process.pid) - before
            state = control(server.url, "GET", "events?event=none")
    more = (growth["unreachable"] - growth["no receiver"]) / 1024
    row(
        f"P6 {calls * 4:,} events, unreachable receiver",
        f"RSS {growth['unreachable'] / 1024:+.1f} MB (no receiver: "
        f"{growth['no receiver'] / 1024:+.1f} MB); {state['dropped']:,} dropped",
        f"{more:+.1f} MB",
        "met (<= 20 MB more)" if more <= 20 else "NOT met (<= 20 MB more)",
    )


def p6(generator, row, quick: bool) -> None:
    print("P6: events pushed to customers' URLs")
    p6a(generator, row, seconds=1 if quick else 3, rounds=1 if quick else 3)
    p6b(row, calls=2_500)
    p6c(row, calls=2_500 if quick else 25_000)
