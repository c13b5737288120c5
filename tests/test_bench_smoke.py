"""The benchmark pieces work (no timing is asserted: speed lives in `make bench`)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import load  # noqa: E402
from run import p2_cost  # noqa: E402

from mock_enswitch.testing import MockServer  # noqa: E402


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
        assert load.run(server.port, payload, seconds=0.3, processes=1, connections=2) > 0
    finally:
        server.stop()


def test_p2_measures_both_functions():
    costs = p2_cost(groups=40, file_mode=True, calls=3)
    assert set(costs) == {"create", "update"}
    assert all(cost > 0 for cost in costs.values())
