"""`make bench`: P1 to P6 side by side in one run, with the machine and versions.

    python benchmarks/run.py [--quick] [--only P1,...,P7] [--generator auto|wrk|python]

P1  requests/s of recording/groups/create and update through `mock-enswitch serve` (file and
    memory mode) against endpoints answering the same envelope: a raw ASGI one on the mock's own
    server (the goals' reference), and a bare Flask one on waitress (8 threads) and on the mock's
    server, under the same load (`wrk` if installed, else benchmarks/load.py; --generator; 16
    connections), then one connection's latency; rounds interleaved, medians compared. The
    server's CPU time per request, as a ratio to the raw ASGI endpoint's, is the goal: it says
    where a gap comes from better than req/s on a shared machine. Also the same calls made
    straight into each WSGI app in process (no server), the apps' own cost.
P2  cost of one create and one update with 100, 1,000 and 10,000 stored groups, file and memory
    mode, in process (Flask test client: the mock's own cost, without HTTP); ratio 10k / 100.
P3  the pytest fixture: time to the first ready server, the per-test reset over HTTP, and the
    wall-time difference per test between a 1-test and a 101-test file using `enswitch`.
P4  call recordings: recording/recordings/list of 20 rows by time range with 1,000 and 100,000
    stored recordings, file and memory mode, in process (ratio 100k / 1k); the restart of
    `serve --db` holding 100,000 (time to the first answer, then the first list, which builds the
    index); recording/recordings/get wrap=none of a 1-hour WAV (57.6 MB) through `serve
    --memory`: MB/s read in chunks by a client, and the server's RSS growth. The recordings are
    made by placing calls through the domain in process (record group 1 records every call).
    --quick: 200 and 2,000 recordings, a 60 s recording. Each placed call also leaves its call
    record, so the restart reads 100,000 of those too.
P5  call records: cdrs/list of 20 rows by time range with 1,000 and 100,000 stored call records
    (calls placed on line 1001, each with its recording), file and memory mode, in process.
P6  events pushed to customers' URLs: see benchmarks/push_events.py.
P7  namespaces: see benchmarks/namespace_costs.py.
Absolute times drift on shared machines; read the ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bare_app  # noqa: E402
import load  # noqa: E402
import namespace_costs  # noqa: E402
import push_events  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from mock_enswitch import Config, create_app  # noqa: E402
from mock_enswitch.api.served import ServedApi  # noqa: E402
from mock_enswitch.composition import compose  # noqa: E402
from mock_enswitch.domain import calls as calls_domain  # noqa: E402
from mock_enswitch.domain.audio import HEADER_BYTES, MIMETYPE, SECOND_BYTES  # noqa: E402
from mock_enswitch.fixtures import DEFAULT_DIR  # noqa: E402
from mock_enswitch.testing import Enswitch, MockServer, ServerProcess  # noqa: E402

HERE = Path(__file__).resolve().parent
OWNER = {"auth_username": "owner", "auth_password": "owner-pass"}
ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}

rows: list[tuple[str, str, str, str]] = []


def goal(met: bool, wanted: str) -> str:
    return f"{'met' if met else 'NOT met'} ({wanted})"


def row(what: str, measured: str, ratio: str = "", goal: str = "") -> None:
    rows.append((what, measured, ratio, goal))
    print(f"  {what}: {measured} {ratio} {goal}", flush=True)


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def machine(generator: load.Load) -> None:
    model = ""
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs {model}")
    versions = ", ".join(
        f"{name} {version(name)}"
        for name in ("flask", "werkzeug", "tinydb", "uvicorn", "httptools", "uvloop", "waitress")
    )
    print(f"python {platform.python_version()}; {versions}")
    print(f"P1 load generator: {generator.describe()} (it shares the CPUs with the server)\n")


# P1


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_answers(url: str, function: str, body: str, name: str) -> None:
    """One call before timing: the API answers refusals with HTTP 200 (a 401 is in the body), so
    no generator would count them as errors, and cheap refusals would inflate req/s."""
    request = urllib.request.Request(
        f"{url}/api/json/recording/groups/{function}/", data=body.encode(), method="POST"
    )
    with urllib.request.urlopen(request) as response:
        answer = json.loads(response.read())["responses"][0]
    if not answer["code"].startswith("2"):
        raise SystemExit(f"P1 {function} on {name} answers {answer}: fix the benchmark's call")


P1_CPU_GOALS = {"mock memory": 2.5, "mock file": 3.0}
"""The mock's server CPU per request at most this many times the raw ASGI endpoint's, ..."""
P1_LATENCY_GOAL = 150
"""... and one connection's mean time per call at most this many us (in memory mode)."""
REFERENCE = "raw ASGI, mock's server"


def p1_servers(tmp: str) -> dict[str, ServerProcess]:
    """P1's servers, in the order of its rows: the goals' reference (a raw ASGI endpoint on the
    mock's server), a bare Flask endpoint on waitress (8 threads) and on the mock's server, and
    the mock in both modes."""
    bare = [sys.executable, str(HERE / "bare_app.py"), "0"]
    return {
        REFERENCE: ServerProcess([*bare, "asgi"]),
        "bare Flask, waitress": ServerProcess([*bare, "waitress"]),
        "bare Flask, uvicorn": ServerProcess([*bare, "mock"]),
        "mock file": MockServer(None, "--db", str(Path(tmp) / "db.json"), memory=False),
        "mock memory": MockServer(None),
    }


def p1(generator: load.Load, seconds: float, rounds: int) -> None:
    sequential = load.Load(generator.generator, connections=1)
    print(
        f"P1: requests/s, same load ({generator.describe()}), and one connection's latency,"
        " interleaved"
    )
    bodies = {
        "create": urlencode({**ADMIN, "name": "bench"}),
        "update": urlencode({**ADMIN, "id": 1, "fraction": 50}),
    }
    with tempfile.TemporaryDirectory() as tmp:
        servers = p1_servers(tmp)
        keys = [(name, fn) for name in servers for fn in bodies]
        rates: dict = {key: [] for key in keys}
        cpu: dict = {key: [] for key in keys}
        latency: dict = {key: [] for key in keys}
        errors = 0
        try:
            for name, server in servers.items():
                for function, body in bodies.items():
                    check_answers(server.url, function, body, name)
            for _ in range(rounds):
                for function, body in bodies.items():
                    path = f"/api/json/recording/groups/{function}/"
                    for name, server in servers.items():
                        before = server_cpu(server.process.pid)
                        rate, requests, failed = generator.run(server.port, path, body, seconds)
                        used = server_cpu(server.process.pid) - before
                        rates[name, function].append(rate)
                        cpu[name, function].append(used / max(requests, 1) * 1e6)
                        one, _, failed_one = sequential.run(server.port, path, body, seconds / 2)
                        latency[name, function].append(1e6 / max(one, 1e-9))
                        errors += failed + failed_one
        finally:
            for server in servers.values():
                server.stop()
    if errors:
        print(f"  {errors} requests failed (not counted)")
    for function in bodies:
        reference = statistics.median(cpu[REFERENCE, function])
        for name in servers:
            rate = statistics.median(rates[name, function])
            used = statistics.median(cpu[name, function])
            one = statistics.median(latency[name, function])
            measured = (
                f"{rate:,.0f} req/s; {used:.0f} us CPU/req; 1 connection {one:.0f} us/req (mean)"
            )
            ratio = f"CPU {used / reference:.2f}x raw ASGI"
            if name not in P1_CPU_GOALS:
                row(f"P1 {function}, {name}", measured, ratio)
                continue
            wanted = P1_CPU_GOALS[name]
            cpu_met = used / reference <= wanted
            latency_met = name != "mock memory" or one <= P1_LATENCY_GOAL
            row(
                f"P1 {function}, {name}",
                measured,
                ratio,
                ("met" if cpu_met and latency_met else "NOT met")
                + f" (CPU <= {wanted}x"
                + (f", 1 connection <= {P1_LATENCY_GOAL} us" if name == "mock memory" else "")
                + ")"
                + ("" if cpu_met else ": CPU")
                + ("" if latency_met else ": latency"),
            )


def p1_in_process(calls: int) -> None:
    """The same calls made straight into each WSGI app, no server and no sockets: the apps' own
    CPU cost (this thread's CPU time, best of 5), which the served figures above multiply."""
    print("P1 in process: CPU per call into the WSGI app itself (no server)")
    with tempfile.TemporaryDirectory() as tmp:
        apps = {
            "bare Flask": bare_app.app(),
            "mock file": create_app(Config(db_path=Path(tmp) / "db.json")),
            "mock memory": create_app(Config()),
        }
        logging_off()
        for function, params in (("create", {"name": "bench"}), ("update", {"id": 1})):
            builder = EnvironBuilder(
                path=f"/api/json/recording/groups/{function}/",
                method="POST",
                data={**ADMIN, **params},
            )
            costs = {name: wsgi_cost(app, builder, calls) for name, app in apps.items()}
            row(
                f"P1 {function}, in process",
                " / ".join(f"{name} {cost:.0f} us" for name, cost in costs.items()),
            )
        for name, app in apps.items():
            if name != "bare Flask":
                app.extensions["mock_enswitch"].close()
    print(
        "P1 in process, served: CPU per call into the API as the server calls it (ASGI, no socket)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        mocks = {
            "mock file": compose(Config(db_path=Path(tmp) / "db.json")),
            "mock memory": compose(Config()),
        }
        for function, params in (("create", {"name": "bench"}), ("update", {"id": 1})):
            body = urlencode({**ADMIN, **params}).encode()
            costs = {name: served_cost(mock, function, body, calls) for name, mock in mocks.items()}
            row(
                f"P1 {function}, in process, served",
                " / ".join(f"{name} {cost:.0f} us" for name, cost in costs.items()),
            )
        for mock in mocks.values():
            mock.service.close()


def served_cost(mock, function: str, body: bytes, calls: int) -> float:
    """The API's ASGI app (api/served.py) called on the loop with a parsed request, as uvicorn
    calls it, its reply sent nowhere: the mock's own cost of a served call (best of 5)."""
    served = ServedApi(None, 1 << 20, 1)
    served.serve(mock.api, mock.namespaces, mock.roots)
    scope = {
        "type": "http",
        "method": "POST",
        "raw_path": f"/api/json/recording/groups/{function}/".encode(),
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ],
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        pass

    async def many() -> None:
        for _ in range(calls):
            await served(scope, receive, send)

    loop = asyncio.new_event_loop()
    best = float("inf")
    try:
        for _ in range(5):
            started = time.thread_time()
            loop.run_until_complete(many())
            best = min(best, time.thread_time() - started)
    finally:
        loop.close()
        served.close()
    return best / calls * 1e6


def wsgi_cost(app, builder: EnvironBuilder, calls: int) -> float:
    base = builder.get_environ()
    request_body = base["wsgi.input"].read()

    def one_call() -> None:
        environ = {**base, "wsgi.input": io.BytesIO(request_body)}  # a fresh body, nothing else
        body = app(environ, lambda status, headers, exc_info=None: None)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    best = float("inf")
    for _ in range(5):
        started = time.thread_time()
        for _ in range(calls):
            one_call()
        best = min(best, time.thread_time() - started)
    return best / calls * 1e6


# P2


def seeded_fixtures(directory: Path, groups: int) -> Path:
    shutil.copytree(DEFAULT_DIR, directory)
    records = [{"id": i, "customer": 3, "name": f"group {i}"} for i in range(1, groups + 1)]
    (directory / "record_groups.json").write_text(json.dumps(records))
    (directory / "phones.json").unlink()  # its lines name the shipped groups
    return directory


def p2_cost(groups: int, file_mode: bool, calls: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = seeded_fixtures(Path(tmp) / "fixtures", groups)
        config = Config(db_path=Path(tmp) / "db.json" if file_mode else None, fixtures_dir=fixtures)
        app = create_app(config)
        client = app.test_client()
        logging_off()
        costs: dict[str, list[float]] = {"create": [], "update": []}
        for index in range(calls):
            for function, params in (
                ("create", {"name": f"new {index}", "customer": 3}),
                ("update", {"id": 1 + (index * 37) % groups, "fraction": index % 100}),
            ):
                started = time.perf_counter()
                client.post(f"/api/json/recording/groups/{function}/", data={**OWNER, **params})
                costs[function].append(time.perf_counter() - started)
        app.extensions["mock_enswitch"].close()
    return {function: statistics.median(times) * 1e6 for function, times in costs.items()}


def logging_off() -> None:
    import logging

    logging.getLogger("mock_enswitch").setLevel(logging.WARNING)


def p2(calls: int) -> None:
    print("P2: cost per call in process, by stored groups")
    for file_mode in (True, False):
        mode = "file" if file_mode else "memory"
        costs = {n: p2_cost(n, file_mode, calls) for n in (100, 1_000, 10_000)}
        for function in ("create", "update"):
            per = [costs[n][function] for n in (100, 1_000, 10_000)]
            ratio = per[2] / per[0]
            row(
                f"P2 {function}, {mode}",
                " / ".join(f"{us:.0f} us" for us in per) + " at 100/1k/10k",
                f"{ratio:.2f}x (10k/100)",
                "met (<= 2x)" if ratio <= 2 else "NOT met (<= 2x)",
            )


# P3


def p3(quick: bool) -> None:
    print("P3: the pytest fixture")
    starts = []
    for _ in range(3 if quick else 5):
        started = time.perf_counter()
        server = MockServer()
        starts.append(time.perf_counter() - started)
        server.stop()
    resets, new_connections, after_writes = [], [], []
    with MockServer() as server:
        reset = urllib.request.Request(f"{server.url}/_mock/reset", method="POST")
        # Timed once the server is warm: the Flask app of the rest of the control API is made
        # in a thread in the first ~0.2 s after ready (cli.warm_up), and shares the GIL.
        Enswitch(server.url, {}).control("GET", "health")
        for _ in range(50 if quick else 200):
            started = time.perf_counter()
            Enswitch(server.url, {}).reset()  # as the fixture does: a client per test
            resets.append(time.perf_counter() - started)
            started = time.perf_counter()
            with urllib.request.urlopen(reset) as response:
                response.read()
            new_connections.append(time.perf_counter() - started)
            writer = Enswitch(server.url, {ADMIN["auth_username"]: ADMIN["auth_password"]})
            writer.call("recording/groups/create", ADMIN["auth_username"], name="bench")
            started = time.perf_counter()
            Enswitch(server.url, {}).reset()  # the data back from the seed, copied
            after_writes.append(time.perf_counter() - started)
    start, reset = statistics.median(starts) * 1000, statistics.median(resets) * 1000
    row("P3 first ready server", f"{start:.0f} ms (median)", "", goal(start <= 150, "<= 150 ms"))
    row(
        "P3 reset before a test",
        f"{reset:.2f} ms (median, HTTP, the fixture's client)",
        f"a new connection each (urllib): {statistics.median(new_connections) * 1000:.2f} ms",
        goal(reset <= 0.3, "<= 0.3 ms"),
    )
    row(
        "P3 reset after a test that wrote",
        f"{statistics.median(after_writes) * 1000:.2f} ms (median, HTTP, the fixture's client)",
        "",
    )
    # One pytest process per run, so a run's noise lands on 100 tests at once: the two files
    # are run in interleaved rounds, and the medians compared (one run each moved the result
    # between ~1 and ~3.5 ms per test, the code alike).
    walls: dict[int, list[float]] = {1: [], 101: []}
    with tempfile.TemporaryDirectory() as tmp:
        for count in walls:
            (Path(tmp) / f"test_{count}.py").write_text(
                "import pytest\n"
                f"@pytest.mark.parametrize('n', range({count}))\n"
                "def test_call(enswitch, n):\n"
                "    assert enswitch.call('recording/groups/list')['responses'][0]['code'] == '200'\n"
            )
        for _ in range(2 if quick else 5):
            for count, times in walls.items():
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
                    + [str(Path(tmp) / f"test_{count}.py")],
                    cwd=tmp,
                    check=True,
                    capture_output=True,
                )
                times.append(time.perf_counter() - started)
    one, many = statistics.median(walls[1]), statistics.median(walls[101])
    row(
        "P3 pytest, 1 test / 101 tests",
        f"{one:.2f} s / {many:.2f} s (medians of {len(walls[1])} interleaved runs)",
        f"{(many - one) / 100 * 1000:.1f} ms per extra test (reset + call + pytest)",
    )


# P4


LISTED = 20
"""Rows a P4 list selects: its time range spans this many calls (one a minute)."""
ADMIN_QUERY = ";".join(f"{name}={value}" for name, value in ADMIN.items())


def count_label(count: int) -> str:
    return f"{count // 1000}k" if count >= 1000 and count % 1000 == 0 else str(count)


def place_recordings(app, count: int, through: dict | None = None) -> tuple[int, int]:
    """`count` calls of 30 s, one a minute, through record group 1 (it records every call and
    keeps the row 365 days; or `through` another way, e.g. a line), ending a day ago; returns a
    time range selecting `LISTED` of them in the middle."""
    first = int(time.time()) - 86400 - count * 60
    through = through or {"recordgroup": 1}

    def place(switch) -> None:
        for index in range(count):
            spec = {**through, "start": first + index * 60, "talktime": 30}
            calls_domain.place(switch, calls_domain.parse(spec, switch.now()))

    app.extensions["mock_enswitch"].on_switch(place)
    start = first + (count // 2) * 60
    return start, start + (LISTED - 1) * 60


def list_path(window: tuple[int, int]) -> str:
    start, end = window
    return (
        f"/api/json/recording/recordings/list/?{ADMIN_QUERY};recordgroup=1;start={start};end={end}"
    )


def cdrs_path(window: tuple[int, int]) -> str:
    start, end = window
    return f"/api/json/cdrs/list/?{ADMIN_QUERY};start={start};end={end}"


def check_listed(answer: dict, where: str) -> None:
    if answer["responses"][0]["code"] != "200" or len(answer.get("data", ())) != LISTED:
        raise SystemExit(f"P4/P5 list on {where} answers {str(answer)[:300]}: fix the benchmark")


def p4_list_costs(
    counts: tuple[int, ...],
    tmp: Path | None,
    calls: int,
    path_of=list_path,
    through: dict | None = None,
) -> tuple[dict[int, float], dict[int, tuple[int, int]]]:
    """Median us per list call in process, for an app holding each count of recordings (memory
    mode, or file mode with the database `tmp/<count>.json`, left closed for the restart), and
    the time range listed; the apps are measured in interleaved rounds, after one untimed call
    each (which builds the index)."""
    apps, paths, windows = {}, {}, {}
    for count in counts:
        db_path = tmp / f"{count}.json" if tmp else None
        app = create_app(Config(db_path=db_path))
        logging_off()
        started = time.perf_counter()
        window = windows[count] = place_recordings(app, count, through)
        print(f"  ({count:,} calls placed in {time.perf_counter() - started:.1f} s)")
        client = app.test_client()
        check_listed(client.get(path_of(window)).get_json(), f"{count:,} in process")
        apps[count] = app
        paths[count] = (client, path_of(window))
    times: dict[int, list[float]] = {count: [] for count in counts}
    rounds = 5
    for _ in range(rounds):
        for count, (client, path) in paths.items():
            for _ in range(calls // rounds):
                started = time.perf_counter()
                client.get(path)
                times[count].append(time.perf_counter() - started)
    for app in apps.values():
        app.extensions["mock_enswitch"].close()
    costs = {count: statistics.median(values) * 1e6 for count, values in times.items()}
    return costs, windows


def timed_call(url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return time.perf_counter() - started, json.loads(body)


def p4_restart(db_path: Path, window: tuple[int, int], rounds: int) -> dict[str, float]:
    """`serve --db` on a database written before: seconds from the process's start to its
    "ready" line and to its first answer (GET /_mock/clock), the first list call (which builds
    the index) and the median of the next ones, and how long SIGTERM takes to stop it. Medians."""
    measured: dict[str, list[float]] = {
        "ready": [],
        "answer": [],
        "first": [],
        "next": [],
        "stop": [],
    }
    for _ in range(rounds):
        started = time.perf_counter()
        server = MockServer(None, "--db", str(db_path), memory=False)
        measured["ready"].append(time.perf_counter() - started)
        try:
            with urllib.request.urlopen(f"{server.url}/_mock/clock", timeout=60) as response:
                response.read()
            measured["answer"].append(time.perf_counter() - started)
            first, answer = timed_call(server.url + list_path(window))
            check_listed(answer, f"restarted {db_path.name}")
            measured["first"].append(first)
            measured["next"].append(
                statistics.median(timed_call(server.url + list_path(window))[0] for _ in range(20))
            )
        finally:
            stopping = time.perf_counter()
            server.stop()
            measured["stop"].append(time.perf_counter() - stopping)
    return {name: statistics.median(values) for name, values in measured.items()}


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB (Linux /proc; zeros elsewhere)."""
    found = {"VmRSS": 0, "VmHWM": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in found:
                found[name] = int(value.split()[0])
    except OSError:
        pass
    return found


def fetch_file(port: int, path: str, buffer: memoryview) -> tuple[int, float]:
    """GET `path`, read into `buffer` chunk after chunk; (bytes, seconds from request to end)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        if response.status != 200 or response.getheader("Content-Type") != MIMETYPE:
            raise SystemExit(f"P4 get answers {response.status}: {response.read(300)!r}")
        total = 0
        while chunk := response.readinto(buffer):
            total += chunk
        return total, time.perf_counter() - started
    finally:
        connection.close()


def p4_stream(seconds: int, reads: int) -> dict[str, float]:
    """A call of `seconds` talk placed on `serve --memory`, its recording got with wrap=none
    `reads` times, read in 1 MiB chunks: median MB/s, and the server's RSS growth (kB) from
    before the first get to after the last, and of its peak RSS."""
    buffer = memoryview(bytearray(1 << 20))
    with MockServer() as server:
        request = urllib.request.Request(
            f"{server.url}/_mock/calls",
            data=json.dumps({"recordgroup": 1, "talktime": seconds}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            triple = json.loads(response.read())["recordings"][0]
        path = (
            f"/api/json/recording/recordings/get/?{ADMIN_QUERY};recordgroup={triple['recordgroup']}"
            f";uniqueid={triple['uniqueid']};recordid={triple['recordid']};wrap=none"
        )
        size = HEADER_BYTES + seconds * SECOND_BYTES
        before = memory_kb(server.process.pid)
        rates = []
        for _ in range(reads):
            received, elapsed = fetch_file(server.port, path, buffer)
            if received != size:
                raise SystemExit(f"P4 get sent {received} bytes, not {size}")
            rates.append(size / elapsed / 1e6)
        after = memory_kb(server.process.pid)
    return {
        "size": size,
        "rate": statistics.median(rates),
        "rss": after["VmRSS"] - before["VmRSS"],
        "peak": after["VmHWM"] - before["VmHWM"],
    }


def p4(quick: bool) -> None:
    print("P4: call recordings")
    small, large = (200, 2_000) if quick else (1_000, 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        windows = list_rows(f"P4 list {LISTED} by time", quick, Path(tmp))
        rounds = 1 if quick else 3
        restarts = {
            count: p4_restart(Path(tmp) / f"{count}.json", windows[count], rounds)
            for count in (small, large)
        }
    big, little = restarts[large], restarts[small]
    row(
        f"P4 restart, {count_label(large)} stored (file)",
        f"{big['answer'] * 1000:.0f} ms to the first answer ('ready' at {big['ready'] * 1000:.0f})",
        f"{count_label(small)} stored: {little['answer'] * 1000:.0f} ms",
        "met (<= 1 s)" if big["answer"] <= 1 else "NOT met (<= 1 s)",
    )
    row(
        f"P4 first list after restart, {count_label(large)}",
        f"{big['first'] * 1000:.0f} ms (HTTP; next ones {big['next'] * 1000:.1f} ms)",
        f"{count_label(small)}: {little['first'] * 1000:.0f} ms; then "
        f"{little['next'] * 1000:.1f} ms",
    )
    row(
        f"P4 stop (SIGTERM), {count_label(large)} stored",
        f"{big['stop'] * 1000:.0f} ms",
        f"{count_label(small)}: {little['stop'] * 1000:.0f} ms",
    )
    seconds = 60 if quick else 3600
    stream = p4_stream(seconds, reads=2 if quick else 5)
    row(
        f"P4 get wrap=none, {seconds} s WAV ({stream['size'] / 1e6:.1f} MB)",
        f"{stream['rate']:,.0f} MB/s (median, HTTP, 1 MiB reads)",
        "",
        "met (>= 500 MB/s)" if stream["rate"] >= 500 else "NOT met (>= 500 MB/s)",
    )
    row(
        "P4 server RSS growth over the gets",
        f"{stream['rss'] / 1024:+.1f} MB (peak RSS {stream['peak'] / 1024:+.1f} MB)",
        "",
        "met (<= 10 MB)" if stream["rss"] <= 10 * 1024 else "NOT met (<= 10 MB)",
    )


def list_rows(what: str, quick: bool, tmp: Path, **how) -> dict[int, tuple[int, int]]:
    """The memory and file rows of a list by time range at 1k and 100k stored (`how`: the list
    and how calls are placed, see p4_list_costs); the time ranges listed (file mode's databases
    stay in `tmp`)."""
    small, large = (200, 2_000) if quick else (1_000, 100_000)
    labels = f"{count_label(small)}/{count_label(large)}"
    for mode in ("memory", "file"):
        costs, windows = p4_list_costs(
            (small, large), tmp if mode == "file" else None, 200 if quick else 1000, **how
        )
        ratio = costs[large] / costs[small]
        row(
            f"{what}, {mode}",
            f"{costs[small]:.0f} us / {costs[large]:.0f} us at {labels}",
            f"{ratio:.2f}x ({count_label(large)}/{count_label(small)})",
            "met (<= 2x)" if ratio <= 2 else "NOT met (<= 2x)",
        )
    return windows


def p5(quick: bool) -> None:
    """Call records: cdrs/list of 20 rows by time range, 1,000 and 100,000 calls stored (placed
    on line 1001, so each also has its recording, which the rows link to)."""
    print("P5: call records")
    with tempfile.TemporaryDirectory() as tmp:
        list_rows(
            f"P5 cdrs/list {LISTED} by time", quick, Path(tmp), path_of=cdrs_path,
            through={"phone": "1001"},
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter rounds (smoke run)")
    parser.add_argument(
        "--only", default="P1,P2,P3,P4,P5,P6,P7", help="parts to run, e.g. P1 or P2,P4"
    )
    parser.add_argument(
        "--generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="P1 load generator (auto: wrk if installed)",
    )
    args = parser.parse_args()
    parts = {part.strip().upper() for part in args.only.split(",")}
    generator = load.Load.choose(args.generator)
    machine(generator)
    if "P1" in parts:
        p1(generator, seconds=1 if args.quick else 3, rounds=1 if args.quick else 3)
        p1_in_process(calls=200 if args.quick else 1000)
    if "P2" in parts:
        p2(calls=50 if args.quick else 300)
    if "P3" in parts:
        p3(args.quick)
    if "P4" in parts:
        p4(args.quick)
    if "P5" in parts:
        p5(args.quick)
    if "P6" in parts:
        push_events.p6(generator, row, args.quick)
    if "P7" in parts:
        namespace_costs.p7(row, args.quick)
    print()
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for what, measured, ratio, goal in rows:
        print(f"{what:<{widths[0]}}  {measured:<{widths[1]}}  {ratio:<{widths[2]}}  {goal}")


if __name__ == "__main__":
    main()
