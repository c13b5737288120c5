"""Nothing acknowledged is lost: 16 concurrent clients against a real server, then a clean stop,
a SIGKILL in the middle of the load, or a probabilistic fault rule. Loopback only, a few seconds each.

"Acknowledged" means the client read code 200 (create) or 204 (update) in the reply. An update
in flight when the server died may or may not have landed: for each group the stored value must
be the last acknowledged one or the one in flight, never anything else.
"""

from __future__ import annotations

import http.client
import json
import signal
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from live import LiveServer

from mock_enswitch.store.database import Database

CLIENTS = 16
ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}


@dataclass
class Ledger:
    """What one client was told: group id -> acknowledged fraction, and the one in flight."""

    acked: dict[int, int] = field(default_factory=dict)
    in_flight: dict[int, int] = field(default_factory=dict)
    creates_in_flight: int = 0
    faulted: int = 0
    errors: list[str] = field(default_factory=list)


def client_loop(port: int, number: int, stop: threading.Event, ledger: Ledger) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    step = 0
    try:
        while not stop.is_set():
            step += 1
            ledger.creates_in_flight = 1
            body = post(connection, "create", name=f"client {number} step {step}", fraction=0)
            if body is None:
                return
            ledger.creates_in_flight = 0
            if body["responses"][0]["code"] != "200":
                ledger.faulted += 1
                continue
            group_id = body["data"]["id"]
            ledger.acked[group_id] = 0
            for value in (step % 100 + 1, (step * 7) % 100 + 1):
                ledger.in_flight[group_id] = value
                body = post(connection, "update", id=group_id, fraction=value)
                if body is None:
                    return
                if body["responses"][0]["code"] == "204":
                    ledger.acked[group_id] = value
                else:
                    ledger.faulted += 1
                del ledger.in_flight[group_id]
    except Exception as error:  # noqa: BLE001 - reported by the test
        ledger.errors.append(repr(error))
    finally:
        connection.close()


def post(connection: http.client.HTTPConnection, action: str, **params) -> dict | None:
    """POST a form; None once the server is gone (the end of a crash test)."""
    try:
        connection.request(
            "POST",
            f"/api/json/recording/groups/{action}/",
            urlencode({**ADMIN, **params}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        return json.loads(response.read())
    except (ConnectionError, http.client.HTTPException, TimeoutError, OSError):
        return None


def run_load(server: LiveServer, seconds: float, kill: int | None = None) -> list[Ledger]:
    stop = threading.Event()
    ledgers = [Ledger() for _ in range(CLIENTS)]
    threads = [
        threading.Thread(target=client_loop, args=(server.port, n, stop, ledgers[n]))
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    if kill is not None:
        server.process.send_signal(kill)  # in the middle of the load
        server.process.wait(timeout=15)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return ledgers


def check_nothing_lost(db_path, ledgers: list[Ledger]) -> dict[int, dict]:
    assert not [error for ledger in ledgers for error in ledger.errors]
    ids = [group_id for ledger in ledgers for group_id in ledger.acked]
    assert len(ids) == len(set(ids)), "an id was handed out twice"
    assert len(ids) > CLIENTS  # the load really ran
    db = Database(db_path)
    try:
        with db.lock:
            stored = {group["id"]: group for group in db.collection("record_groups").all()}
    finally:
        db.close()
    for ledger in ledgers:
        for group_id, value in ledger.acked.items():
            assert group_id in stored, f"acknowledged group {group_id} lost"
            allowed = {value, ledger.in_flight.get(group_id, value)}
            assert stored[group_id]["fraction"] in allowed, (group_id, stored[group_id], allowed)
    return stored


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_concurrent_clients_then_a_clean_stop_lose_nothing(tmp_path, stop_signal):
    db_path = tmp_path / "db.json"
    server = LiveServer("--db", str(db_path))
    try:
        ledgers = run_load(server, 2.5)
    finally:
        output = server.stop(stop_signal)
    assert server.process.returncode == 0, output
    assert "stopped" in output
    json.loads(db_path.read_text())  # the file is valid JSON after the stop
    stored = check_nothing_lost(db_path, ledgers)
    created = sum(len(ledger.acked) for ledger in ledgers)
    assert len(stored) == 2 + created  # the seeded two, and exactly the acknowledged creates


def test_sigkill_in_the_middle_of_the_load_loses_nothing_acknowledged(tmp_path):
    db_path = tmp_path / "db.json"
    server = LiveServer("--db", str(db_path))
    try:
        ledgers = run_load(server, 2.0, kill=signal.SIGKILL)
    finally:
        server.stop()
    assert server.process.returncode == -signal.SIGKILL
    check_nothing_lost(db_path, ledgers)
    # and the killed database serves again, with fresh ids after every one handed out
    with LiveServer("--db", str(db_path)) as restarted:
        body = restarted.call("recording/groups/create", **ADMIN, name="after the crash")
        highest = max(group_id for ledger in ledgers for group_id in ledger.acked)
        assert body["data"]["id"] > highest


def test_faults_under_load_change_nothing_and_lose_nothing(tmp_path):
    db_path = tmp_path / "db.json"
    server = LiveServer("--db", str(db_path))
    try:
        rule = {
            "match": {"function": "recording/groups/"},
            "effect": {"code": "500"},
            "trigger": {"probability": 0.3, "seed": 11},
        }
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request(
            "POST", "/_mock/faults", json.dumps(rule), {"Content-Type": "application/json"}
        )
        assert connection.getresponse().status == 201
        connection.close()
        ledgers = run_load(server, 2.5)
    finally:
        server.stop()
    assert sum(ledger.faulted for ledger in ledgers) > 0
    stored = check_nothing_lost(db_path, ledgers)
    created = sum(len(ledger.acked) for ledger in ledgers)
    assert len(stored) == 2 + created  # no faulted create stored anything
