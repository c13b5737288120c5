"""Time of one POST /_mock/reset with the default fixtures: in process (Flask test client, the
cost of the reset itself) and over HTTP: on a new connection each, and as the pytest fixture
pays it before each test (its client, on a kept connection, answered without Flask).

    python benchmarks/reset_time.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from live import LiveServer  # noqa: E402

from mock_enswitch import Config, create_app  # noqa: E402
from mock_enswitch.testing import Enswitch  # noqa: E402


def timed(action, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float]) -> None:
    times.sort()
    print(
        f"{label:<34} median {statistics.median(times):6.2f} ms   "
        f"p95 {times[int(len(times) * 0.95)]:6.2f} ms   ({len(times)} resets)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    app = create_app(Config())
    client = app.test_client()
    report("in process, memory", timed(lambda: client.post("/_mock/reset"), rounds))
    app.extensions["mock_enswitch"].close()
    with LiveServer("--memory") as server:
        request = urllib.request.Request(f"{server.url}/_mock/reset", method="POST")

        def over_http():
            with urllib.request.urlopen(request) as response:
                response.read()

        report("over HTTP, memory (new connection)", timed(over_http, rounds))
        report(
            "over HTTP, memory (the fixture's)",
            timed(lambda: Enswitch(server.url, {}).reset(), rounds),
        )


if __name__ == "__main__":
    main()
