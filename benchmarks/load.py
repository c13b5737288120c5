"""A small HTTP/1.1 keep-alive load generator, for machines without `wrk`.

Client processes (not threads: the GIL would make the generator the bottleneck sooner), each
with its own connections, send one prepared request after another for a fixed time and count the
complete replies. It costs CPU on the same machine as the server, like any local load generator;
since both servers of a comparison get the same load, the ratio is what to read.
"""

from __future__ import annotations

import multiprocessing
import socket
import time


def request_bytes(path: str, body: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


def _read_reply(sock: socket.socket, buffer: bytes) -> bytes:
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        rest += chunk
    return rest[length:]


def _client(port: int, payload: bytes, seconds: float, connections: int, out) -> None:
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    done = 0
    buffers = [b""] * connections
    deadline = time.perf_counter() + seconds
    try:
        while time.perf_counter() < deadline:
            for sock in socks:  # one request in flight per connection, like wrk's default
                sock.sendall(payload)
            for index, sock in enumerate(socks):
                buffers[index] = _read_reply(sock, buffers[index])
                done += 1
    finally:
        for sock in socks:
            sock.close()
    out.put(done)


def run(
    port: int, payload: bytes, seconds: float, processes: int = 4, connections: int = 2
) -> float:
    """Requests per second over `processes` x `connections` keep-alive connections."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_client, args=(port, payload, seconds, connections, results))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    total = sum(results.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / (time.perf_counter() - started)
