"""`make bench`: P1, P2 and P3 side by side in one run, with the machine and versions.

    python benchmarks/run.py [--quick]

P1  requests/s of recording/groups/create and update through `mock-enswitch serve` (file and
    memory mode) against a bare Flask endpoint answering the same envelope from the same waitress
    set-up, under the same load; rounds interleaved (bare, mock, bare, mock...), medians compared.
P2  cost of one create and one update with 100, 1,000 and 10,000 stored groups, file and memory
    mode, in process (Flask test client: the mock's own cost, without HTTP); ratio 10k / 100.
P3  the pytest fixture: time to the first ready server, the per-test reset over HTTP, and the
    wall-time difference per test between a 1-test and a 101-test file using `enswitch`.
Absolute times drift on shared machines; read the ratios, which are measured in the same run.
"""

from __future__ import annotations

import argparse
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

import load  # noqa: E402

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


def machine() -> None:
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
    print(
        "load generator: benchmarks/load.py (4 processes x 2 keep-alive connections; "
        "it shares the CPUs with the server)\n"
    )


# P1


def p1(seconds: float, rounds: int) -> None:
    print("P1: requests/s through waitress, same load, interleaved rounds")
    payloads = {
        "create": load.request_bytes(
            "/api/json/recording/groups/create/", urlencode({**ADMIN, "name": "bench"})
        ),
        "update": load.request_bytes(
            "/api/json/recording/groups/update/", urlencode({**ADMIN, "id": 1, "fraction": 50})
        ),
    }
    with tempfile.TemporaryDirectory() as tmp:
        servers = {
            "bare": ServerProcess([sys.executable, str(HERE / "bare_app.py"), "0", str(THREADS)]),
            "mock file": MockServer(
                None, "--db", str(Path(tmp) / "db.json"), "--threads", str(THREADS), memory=False
            ),
            "mock memory": MockServer(None, "--threads", str(THREADS)),
        }
        try:
            results = {(name, fn): [] for name in servers for fn in payloads}
            for _ in range(rounds):
                for function, payload in payloads.items():
                    for name, server in servers.items():
                        results[name, function].append(load.run(server.port, payload, seconds))
        finally:
            for server in servers.values():
                server.stop()
    for function in payloads:
        bare = statistics.median(results["bare", function])
        row(f"P1 {function}, bare Flask", f"{bare:,.0f} req/s")
        for name in ("mock file", "mock memory"):
            mock = statistics.median(results[name, function])
            ratio = mock / bare
            row(
                f"P1 {function}, {name}",
                f"{mock:,.0f} req/s",
                f"{ratio:.2f}x bare",
                "met (>= 0.8x)" if ratio >= 0.8 else "NOT met (>= 0.8x)",
            )


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
    reset = urllib.request.Request(f"{server.url}/_mock/reset", method="POST")
    resets = []
    for _ in range(50 if quick else 200):
        started = time.perf_counter()
        with urllib.request.urlopen(reset) as response:
            response.read()
        resets.append(time.perf_counter() - started)
    server.stop()
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
    args = parser.parse_args()
    machine()
    p1(seconds=1 if args.quick else 3, rounds=1 if args.quick else 3)
    p2(calls=50 if args.quick else 300)
    p3(args.quick)
    print()
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for what, measured, ratio, goal in rows:
        print(f"{what:<{widths[0]}}  {measured:<{widths[1]}}  {ratio:<{widths[2]}}  {goal}")


if __name__ == "__main__":
    main()
