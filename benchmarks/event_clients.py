"""Which async HTTP client delivers events faster: httpx or aiohttp, side by side in one run.

Form POSTs of one event to a local receiver (a minimal asyncio HTTP/1.1 server on the same
loop), 4,000 each, 1 and 4 at a time, each client twice, interleaved. The choice in
push/delivery.py rests on this: `python benchmarks/event_clients.py`.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
import httpx
import uvloop

EVENT = {
    "class": "call",
    "event": "start",
    "timestamp": "1733328000.000000",
    "callid": "1733328000.1",
    "uniqueid": "1733328000.1",
    "customer": "3",
    "direction": "in",
    "snumber": "0412345678",
    "cnumber": "1001",
}
REPLY = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\ncontent-type: text/plain\r\n\r\n"


async def receive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            writer.write(REPLY)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


async def with_httpx(url: str, count: int) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(count):
            (await client.post(url, data=EVENT)).raise_for_status()


async def with_aiohttp(url: str, count: int) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        for _ in range(count):
            async with session.post(url, data=EVENT) as reply:
                await reply.read()


async def rate(send, total: int, at_once: int) -> float:
    server = await asyncio.start_server(receive, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/events"
    began = time.perf_counter()
    await asyncio.gather(*(send(url, total // at_once) for _ in range(at_once)))
    elapsed = time.perf_counter() - began
    server.close()
    return total / elapsed


async def main() -> None:
    for at_once in (1, 4):
        for name, send in (("httpx", with_httpx), ("aiohttp", with_aiohttp)) * 2:
            print(f"{name:8} {at_once} at once: {await rate(send, 4000, at_once):,.0f} POSTs/s")


if __name__ == "__main__":
    uvloop.run(main())
