"""`make bench`: P1, P2 and P3 side by side in one run, with the machine and versions.

    python benchmarks/run.py [--quick] [--only P1,P2,P3] [--generator auto|wrk|python]

P1  requests/s of recording/groups/create and update through `mock-enswitch serve` (file and
    memory mode) against a bare Flask endpoint answering the same envelope from the same waitress
    set-up, under the same load (`wrk` if installed, else benchmarks/load.py; --generator);
    rounds interleaved (bare, mock, bare, mock...), medians compared. Also the server's CPU time
    per request, which says where a gap comes from better than req/s on a shared machine; and
    the same calls made straight into each WSGI app in process (no server), the apps' own cost.
P2  cost of one create and one update with 100, 1,000 and 10,000 stored groups, file and memory
    mode, in process (Flask test client: the mock's own cost, without HTTP); ratio 10k / 100.
P3  the pytest fixture: time to the first ready server, the per-test reset over HTTP, and the
    wall-time difference per test between a 1-test and a 101-test file using `enswitch`.
Absolute times drift on shared machines; read the ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
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
from werkzeug.test import EnvironBuilder  # noqa: E402

from mock_enswitch import Config, create_app  # noqa: E402
from mock_enswitch.fixtures import DEFAULT_DIR  # noqa: E402
from mock_enswitch.testing import MockServer, ServerProcess  # noqa: E402

HERE = Path(__file__).resolve().parent
OWNER = {"auth_username": "owner", "auth_password": "owner-pass"}
ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}
THREADS = 8

rows: list[tuple[str, str, str, str]] = []


def row(what: str, measured: str, ratio: str = "", goal: str = "") -> None:
    rows.append((what, measured, ratio, goal))
    print(f"  {what}: {measured} {ratio} {goal}", flush=True)


def machine(generator: load.Load) -> None:
    model = ""
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs {model}")
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("flask", "werkzeug", "tinydb", "waitress")
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


def p1(generator: load.Load, seconds: float, rounds: int) -> None:
    print(f"P1: requests/s through waitress, same load ({generator.describe()}), interleaved")
    bodies = {
        "create": urlencode({**ADMIN, "name": "bench"}),
        "update": urlencode({**ADMIN, "id": 1, "fraction": 50}),
    }
    with tempfile.TemporaryDirectory() as tmp:
        servers = {
            "bare": ServerProcess([sys.executable, str(HERE / "bare_app.py"), "0", str(THREADS)]),
            "mock file": MockServer(
                None, "--db", str(Path(tmp) / "db.json"), "--threads", str(THREADS), memory=False
            ),
            "mock memory": MockServer(None, "--threads", str(THREADS)),
        }
        rates = {(name, fn): [] for name in servers for fn in bodies}
        cpu = {(name, fn): [] for name in servers for fn in bodies}
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
                        errors += failed
        finally:
            for server in servers.values():
                server.stop()
    if errors:
        print(f"  {errors} requests failed (not counted)")
    for function in bodies:
        bare = statistics.median(rates["bare", function])
        bare_cpu = statistics.median(cpu["bare", function])
        row(f"P1 {function}, bare Flask", f"{bare:,.0f} req/s", f"server CPU {bare_cpu:.0f} us/req")
        for name in ("mock file", "mock memory"):
            mock = statistics.median(rates[name, function])
            ratio = mock / bare
            row(
                f"P1 {function}, {name}",
                f"{mock:,.0f} req/s",
                f"{ratio:.2f}x bare; server CPU {statistics.median(cpu[name, function]):.0f} us/req",
                "met (>= 0.8x)" if ratio >= 0.8 else "NOT met (>= 0.8x)",
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
    resets = []
    with MockServer() as server:
        reset = urllib.request.Request(f"{server.url}/_mock/reset", method="POST")
        for _ in range(50 if quick else 200):
            started = time.perf_counter()
            with urllib.request.urlopen(reset) as response:
                response.read()
            resets.append(time.perf_counter() - started)
    row("P3 first ready server", f"{statistics.median(starts) * 1000:.0f} ms (median)")
    row("P3 reset before a test", f"{statistics.median(resets) * 1000:.2f} ms (median, HTTP)")
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (1, 101):
            test_file = Path(tmp) / f"test_{count}.py"
            test_file.write_text(
                "import pytest\n"
                f"@pytest.mark.parametrize('n', range({count}))\n"
                "def test_call(enswitch, n):\n"
                "    assert enswitch.call('recording/groups/list')['responses'][0]['code'] == '200'\n"
            )
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
                cwd=tmp,
                check=True,
                capture_output=True,
            )
            walls[count] = time.perf_counter() - started
    per_test = (walls[101] - walls[1]) / 100 * 1000
    row(
        "P3 pytest, 1 test / 101 tests",
        f"{walls[1]:.2f} s / {walls[101]:.2f} s",
        f"{per_test:.1f} ms per extra test (reset + call + pytest)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter rounds (smoke run)")
    parser.add_argument("--only", default="P1,P2,P3", help="parts to run, e.g. P1 or P2,P3")
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
    print()
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for what, measured, ratio, goal in rows:
        print(f"{what:<{widths[0]}}  {measured:<{widths[1]}}  {ratio:<{widths[2]}}  {goal}")


if __name__ == "__main__":
    main()
