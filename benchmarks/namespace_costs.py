"""P7, namespaces (`make bench`; run.py calls `p7`).

P7a  time to make a namespace with the shipped fixtures (its first call, in process: the Flask
     test client, one call of user/login into a new namespace, minus the same call into an
     existing one). Goal: <= 2 ms.
P7b  the server's RSS after 1,000 namespaces (one call each through `serve --memory`,
     --max-namespaces 1000), against before. Goal: <= 100 MB more.
P7c  P1's create in a namespace against the same call in the default one, in process,
     interleaved. Goal: <= 1.1x.
"""

from __future__ import annotations

import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mock_enswitch import Config, create_app
from mock_enswitch.testing import MockServer

AUTH = "auth_username=acme-admin;auth_password=acme-admin-pass"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def p7a(row, count: int) -> None:
    app = create_app(Config(max_namespaces=count + 10))
    client = app.test_client()
    client.get(f"/ns/warm/api/json/user/login/?{AUTH}")
    made, reused = [], []
    for n in range(count):
        began = time.perf_counter()
        client.get(f"/ns/n{n}/api/json/user/login/?{AUTH}")
        made.append(time.perf_counter() - began)
        began = time.perf_counter()
        client.get(f"/ns/n{n}/api/json/user/login/?{AUTH}")
        reused.append(time.perf_counter() - began)
    cost = (statistics.median(made) - statistics.median(reused)) * 1000
    row("P7 making a namespace", f"{cost:.2f} ms (median of {count})", "",
        "met (<= 2 ms)" if cost <= 2 else "NOT met (<= 2 ms)")  # fmt: skip
    app.extensions["mock_enswitch"].close()


def p7b(row, count: int) -> None:
    with MockServer(None, "--max-namespaces", str(count)) as server:
        urllib.request.urlopen(f"{server.url}/api/json/user/login/?{AUTH}").read()
        before = rss_kb(server.process.pid)

        def touch(n: int) -> None:
            with urllib.request.urlopen(f"{server.url}/ns/n{n}/api/json/user/login/?{AUTH}") as r:
                r.read()

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(touch, range(count)))
        grown = (rss_kb(server.process.pid) - before) / 1024
    row(f"P7 {count:,} namespaces, server RSS", f"{grown:+.1f} MB", "",
        "met (<= 100 MB)" if grown <= 100 else "NOT met (<= 100 MB)")  # fmt: skip


def p7c(row, calls: int, rounds: int) -> None:
    app = create_app(Config())
    client = app.test_client()
    costs: dict[str, list[float]] = {"": [], "/ns/bench": []}
    for _ in range(rounds):
        for root in costs:
            began = time.perf_counter()
            for _ in range(calls):
                client.post(f"{root}/api/json/recording/groups/create/",
                            data={"auth_username": "acme-admin",
                                  "auth_password": "acme-admin-pass", "name": "bench"})  # fmt: skip
            costs[root].append((time.perf_counter() - began) / calls * 1e6)
    plain, spaced = statistics.median(costs[""]), statistics.median(costs["/ns/bench"])
    ratio = spaced / plain
    row("P7 create in a namespace, in process", f"{spaced:.0f} us (default: {plain:.0f} us)",
        f"{ratio:.2f}x", "met (<= 1.1x)" if ratio <= 1.1 else "NOT met (<= 1.1x)")  # fmt: skip
    app.extensions["mock_enswitch"].close()


def p7(row, quick: bool) -> None:
    print("P7: namespaces")
    p7a(row, 50 if quick else 300)
    p7b(row, 200 if quick else 1000)
    p7c(row, 100 if quick else 500, 3 if quick else 5)
