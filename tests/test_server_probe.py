"""The outside probe's findings on the server, each through a real `serve` process: pipelined
calls before a half-close, heads that trickle in, a refused head, a websocket upgrade, secrets
in any case, bounded control fields."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from live import LiveServer
from test_serving import LIST, exchange, statuses

from mock_enswitch.testing import Enswitch


def test_every_pipelined_call_is_answered_before_a_half_closed_connection_closes(server):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(LIST * 16)
            sock.shutdown(socket.SHUT_WR)  # as `nc -N` does
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert statuses(answer) == [200] * 16


def test_a_half_close_after_one_call_answers_it(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(LIST)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert statuses(answer) == [200]


def test_heads_that_trickle_in_are_timed_out_and_starve_nobody():
    with LiveServer("--memory", "--connection-limit", "4", "--idle-timeout", "2") as live:
        stop = threading.Event()
        slow = [socket.create_connection(("127.0.0.1", live.port)) for _ in range(8)]
        for sock in slow:
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nX-Slow: ")

        def trickle():
            while not stop.is_set():
                for sock in slow:
                    with contextlib.suppress(OSError):
                        sock.send(b"a")  # a head byte at a time, well inside the idle timeout
                time.sleep(0.5)

        thread = threading.Thread(target=trickle, daemon=True)
        thread.start()
        try:
            time.sleep(0.5)
            started = time.monotonic()
            answer = exchange(live.port, b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n", 15)
            waited = time.monotonic() - started
        finally:
            stop.set()
            thread.join()
            for sock in slow:
                sock.close()
        assert statuses(answer) == [200]
        assert waited < 12  # the trickling heads went after their 2 s; each byte re-armed it


def test_a_refused_head_leaves_no_error_line(tmp_path):
    server = LiveServer("--memory")
    try:
        head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n"
        assert statuses(exchange(server.port, head)) == [431]
        for size in (1000, 65_000):  # the head split across reads
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nX-A: " + b"a" * size)
                time.sleep(0.1)
                sock.sendall(b"a" * 70_000 + b"\r\n\r\n")
                time.sleep(0.2)
    finally:
        output = server.stop()
    assert "Fatal error" not in output and "Traceback" not in output
    assert "Cannot call write() after write_eof()" not in output


def test_a_websocket_upgrade_gets_a_clear_refusal_and_other_upgrades_are_ignored(server):
    upgrade = (
        b"GET /_mock/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
        b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    answer = exchange(server.port, upgrade)
    assert statuses(answer) == [501]
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["error"].startswith("WebSocket is served only at /events/websocket/")
    h2c = (
        b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
        b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
    )
    assert statuses(exchange(server.port, h2c, timeout=3))[:1] == [200]  # as curl --http2 asks


def test_credentials_are_masked_in_the_journal_whatever_their_case(server):
    url = f"{server.url}/api/json/recording/groups/list/?Auth_Username=x;AUTH_PASSWORD=hunter2;x_token=t0k"
    urllib.request.urlopen(url, timeout=5).read()
    client = Enswitch(server.url, {})
    params = client.requests()[-1]["params"]
    assert params["AUTH_PASSWORD"] == "***" and params["x_token"] == "***"
    assert "hunter2" not in json.dumps(client.requests())


def test_the_control_api_bounds_its_fields(server):
    client = Enswitch(server.url, {})
    with pytest.raises(
        ValueError, match=r"400 .*field .{1,2}username.{1,2} holds 100000 characters; at most 255"
    ):
        client.add_user(username="u" * 100_000, password="p", customer=1, role=1)
    assert not any(len(user["username"]) > 255 for user in client.control("GET", "users")["users"])


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith("VmRSS:")).split()[1]) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_memory_goes_back_after_large_bodies():
    """Werkzeug's Request and the environ refer to each other: a cycle that held each 4 MiB body
    until the cyclic collector ran (RSS 40 -> 367 MiB after 300 bodies, by the outside probe)."""
    body = urlencode({"auth_username": "acme-admin", "auth_password": "acme-admin-pass"})
    body = (body + "&name=x&description=" + "a" * (4 * 1024 * 1024 - 200)).encode()
    with LiveServer("--memory") as server:

        def post() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request(
                "POST",
                "/api/json/recording/groups/create/",
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            connection.getresponse().read()
            connection.close()

        for _ in range(10):
            post()
        settled = rss_mib(server.process.pid)
        for _ in range(100):
            post()
        grown = rss_mib(server.process.pid) - settled
    assert grown < 40, f"RSS grew {grown:.0f} MiB over 100 bodies of 4 MiB"


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"match": {"user": "u" * 100_000}, "effect": {"code": "503"}}, "match.user"),
        ({"effect": {"code": "503", "message": "m" * 100_000}}, "effect.message"),
        ({"match": {"params": {"name": "v" * 100_000}}, "effect": {"code": "503"}}, "match.params"),
        (
            {"match": {"params": {str(n): "v" for n in range(101)}}, "effect": {"code": "503"}},
            "match.params",
        ),
        ({"match": {"function": "f" * 100_000}, "effect": {"code": "503"}}, "match.function"),
    ],
)
def test_the_control_api_bounds_the_fields_of_fault_rules(server, rule, field):
    client = Enswitch(server.url, {})
    with pytest.raises(ValueError, match=rf"400 .*{field}"):
        client.add_fault(rule)
    assert client.faults() == []


def test_rules_in_force_are_bounded(app):
    from mock_enswitch.faults.engine import MAX_RULES

    client = app.test_client()
    rule = {"match": {"function": "recording/groups/list"}, "effect": {"code": "503"}}
    for _ in range(MAX_RULES):
        assert client.post("/_mock/faults", json=rule).status_code == 201
    refused = client.post("/_mock/faults", json=rule)
    assert refused.status_code == 400 and "at most 1000 rules" in refused.get_json()["error"]
    far = {"number": "1", "outcome": "busy"}
    for _ in range(1000):
        assert client.post("/_mock/far_ends", json=far).status_code == 201
    assert client.post("/_mock/far_ends", json=far).status_code == 400
