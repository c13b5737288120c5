"""The P1 load: Debian's `wrk` when it is installed, else a small Python generator.

`wrk` (C, one thread, 16 keep-alive connections) leaves most of the CPU to the server. The Python
fallback uses client processes (not threads: the GIL would make the generator the bottleneck
sooner), each with its own connections, sending one prepared request after another for a fixed
time and counting complete replies; it takes more of the CPU it shares with the server. Either
way both servers of a comparison get the same load, and the ratio is what to read.
"""

from __future__ import annotations

import multiprocessing
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Load:
    """How P1 loads a server: `run(port, path, body, seconds)` -> (requests/s, requests, errors)."""

    generator: str  # "wrk" or "python"
    connections: int = 16

    @classmethod
    def choose(cls, wanted: str, connections: int = 16) -> Load:
        if wanted == "auto":
            wanted = "wrk" if shutil.which("wrk") else "python"
        if wanted == "wrk" and not shutil.which("wrk"):
            raise SystemExit("--generator wrk: wrk is not installed (apt-get install wrk)")
        return cls(wanted, connections)

    def describe(self) -> str:
        if self.generator == "wrk":
            return f"wrk, 1 thread, {self.connections} keep-alive connections"
        processes = max(1, self.connections // 4)
        return f"benchmarks/load.py, {processes} processes x 4 keep-alive connections"

    def run(self, port: int, path: str, body: str, seconds: float) -> tuple[float, int, int]:
        if self.generator == "wrk":
            return run_wrk(port, path, body, seconds, self.connections)
        payload = request_bytes(path, body)
        processes = max(1, self.connections // 4)
        return run(port, payload, seconds, processes=processes, connections=4)


def run_wrk(
    port: int, path: str, body: str, seconds: float, connections: int
) -> tuple[float, int, int]:
    """(requests/s, requests, errors) from one wrk run POSTing `body` as a form."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(  # a form body is URL-encoded: no quote or backslash to escape
            f'wrk.method = "POST"\nwrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return rate, requests, errors


def request_bytes(path: str, body: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


def _read_reply(sock: socket.socket, buffer: bytes) -> tuple[bytes, bool]:
    """The bytes after one reply, and whether its HTTP status was below 400."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        rest += chunk
    return rest[length:], int(lines[0].split()[1]) < 400


def _client(port: int, payload: bytes, seconds: float, connections: int, out) -> None:
    done = errors = 0
    socks: list[socket.socket] = []
    buffers = [b""] * connections
    deadline = time.perf_counter() + seconds
    try:
        socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
        while time.perf_counter() < deadline:
            for sock in socks:  # one request in flight per connection, like wrk's default
                sock.sendall(payload)
            for index, sock in enumerate(socks):
                buffers[index], ok = _read_reply(sock, buffers[index])
                done += 1
                errors += not ok
    except OSError:  # counted, and this client stops; unreported, run() would wait forever
        errors += 1
    finally:
        for sock in socks:
            sock.close()
        out.put((done, errors))


def run(
    port: int, payload: bytes, seconds: float, processes: int = 4, connections: int = 2
) -> tuple[float, int, int]:
    """(requests/s, requests, errors) over `processes` x `connections` keep-alive connections."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_client, args=(port, payload, seconds, connections, results))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    counts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    total = sum(done for done, _ in counts)
    return total / (time.perf_counter() - started), total, sum(errors for _, errors in counts)
