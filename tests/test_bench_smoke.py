"""The benchmark pieces work (no timing is asserted: speed lives in `make bench`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import load  # noqa: E402
import pytest  # noqa: E402
import run  # noqa: E402
from run import p2_cost  # noqa: E402

from mock_enswitch.fixtures import DEFAULT_DIR  # noqa: E402
from mock_enswitch.testing import Enswitch, MockServer, fixture_passwords  # noqa: E402

PASSWORDS = fixture_passwords(DEFAULT_DIR)


def test_the_load_generator_gets_complete_replies_from_the_mock():
    server = MockServer()
    try:
        payload = load.request_bytes(
            "/api/json/recording/groups/update/",
            urlencode(
                {
                    "auth_username": "acme-admin",
                    "auth_password": "acme-admin-pass",
                    "id": 1,
                    "fraction": 7,
                }
            ),
        )
        rate, requests, errors = load.run(server.port, payload, 0.3, processes=1, connections=2)
        assert rate > 0 and requests > 0 and errors == 0
    finally:
        server.stop()


def test_p2_measures_both_functions():
    costs = p2_cost(groups=40, file_mode=True, calls=3)
    assert set(costs) == {"create", "update"}
    assert all(cost > 0 for cost in costs.values())


@pytest.mark.parametrize(
    "generator",
    [
        "python",
        pytest.param(
            "wrk",
            marks=pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed"),
        ),
    ],
)
def test_each_p1_generator_counts_stored_creates(generator):
    """Every request the generator counts reached the mock: the groups are there afterwards."""
    server = MockServer()
    try:
        body = urlencode({"auth_username": "acme-admin", "auth_password": "acme-admin-pass"})
        rate, requests, errors = load.Load(generator, connections=4).run(
            server.port, "/api/json/recording/groups/create/", body + "&name=smoke", 1
        )
        assert rate > 0 and requests > 0 and errors == 0
        names = [group["name"] for group in Enswitch(server.url, PASSWORDS).groups()]
        assert names.count("smoke") >= requests
    finally:
        server.stop()


def test_p1_in_process_reports_all_three_apps_and_the_served_api_for_both_functions():
    run.rows.clear()
    run.p1_in_process(calls=3)
    assert [what for what, *_ in run.rows] == [
        "P1 create, in process",
        "P1 update, in process",
        "P1 create, in process, served",
        "P1 update, in process, served",
    ]
    names = [
        [part.split(" us")[0].rsplit(" ", 1)[0] for part in measured.split(" / ")]
        for _, measured, *_ in run.rows
    ]
    assert (
        names
        == [["bare Flask", "mock file", "mock memory"]] * 2 + [["mock file", "mock memory"]] * 2
    )


def test_the_python_generator_counts_http_errors_and_returns_when_the_server_goes():
    server = MockServer()
    try:
        missing = load.request_bytes("/_mock/no-such-page", "")
        rate, requests, errors = load.run(server.port, missing, 0.3, processes=1, connections=2)
        assert requests > 0 and errors == requests  # every 404 counted
    finally:
        server.stop()
    rate, requests, errors = load.run(server.port, missing, 0.3, processes=1, connections=2)
    assert (requests, errors) == (0, 1)  # nobody listening: one error, and no hang


def test_p4_quick_lists_restarts_and_streams_recordings():
    """Each step checks its answers itself (20 rows listed, every byte of the WAV received)."""
    run.rows.clear()
    run.p4(quick=True)
    assert [what for what, *_ in run.rows] == [
        "P4 list 20 by time, memory",
        "P4 list 20 by time, file",
        "P4 restart, 2k stored (file)",
        "P4 first list after restart, 2k",
        "P4 stop (SIGTERM), 2k stored",
        "P4 get wrap=none, 60 s WAV (1.0 MB)",
        "P4 server RSS growth over the gets",
    ]
    for what, measured, ratio, goal in run.rows:
        assert measured
        if what.startswith("P4 list"):
            assert measured.endswith(" at 200/2k") and ratio.endswith("x (2k/200)")
            assert goal.startswith(("met", "NOT met"))


def test_p5_quick_lists_call_records_at_both_sizes():
    """Each list checks it got its 20 rows (check_listed), at 200 and 2,000 call records."""
    run.rows.clear()
    run.p5(quick=True)
    assert [what for what, *_ in run.rows] == [
        "P5 cdrs/list 20 by time, memory",
        "P5 cdrs/list 20 by time, file",
    ]
    for _, measured, ratio, goal in run.rows:
        assert measured.endswith(" at 200/2k") and ratio.endswith("x (2k/200)")
        assert goal.startswith(("met", "NOT met"))
