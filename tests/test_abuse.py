"""The abuse suite: a started server, probed as a web page in the developer's browser, an attacker
or an unlucky client would, over raw HTTP. Each test is one finding of the hardening review; each
failed before its fix. Bounded in time: a few seconds each."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from pathlib import Path

import pytest
from live import LiveServer

ADMIN = "auth_username=acme-admin;auth_password=acme-admin-pass"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def server():
    with LiveServer("--memory", "--allowed-host", "mock-enswitch") as live:
        yield live


@pytest.fixture(autouse=True)
def clean(server):
    request(server, "POST", "/_mock/reset")


def request(server, method: str, path: str, body: bytes | None = None, headers=None):
    """(status, headers, body) of one request on its own connection."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()  # names case-insensitive
    finally:
        connection.close()


def groups(server) -> list[str]:
    return [g["name"] for g in json.loads(request(server, "GET", "/_mock/groups")[2])["groups"]]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# 1. Any web page could change the mock.


def test_a_cross_origin_text_post_cannot_reset_the_mock(server):
    request(server, "GET", f"/api/json/recording/groups/create/?{ADMIN};name=Kept")
    page = {"Origin": "http://evil.example", "Content-Type": "text/plain"}
    status, _, body = request(server, "POST", "/_mock/reset", b"x", page)
    assert status == 403 and json.loads(body)["field"] == "Origin"
    assert "Kept" in groups(server)
    own = {"Origin": f"http://127.0.0.1:{server.port}"}
    assert request(server, "POST", "/_mock/reset", b"", own)[0] == 200  # the mock's own page
    assert "Kept" not in groups(server)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "192.168.1.9"])
def test_a_rebinding_page_gets_nothing_from_the_control_api(server, host):
    status, _, body = request(server, "GET", "/_mock/requests", headers={"Host": host})
    assert status == 403 and json.loads(body)["field"] == "Host"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:1", "[::1]:8080", "mock-enswitch:8080"])
def test_loopback_and_allowed_host_names_are_answered(server, host):
    assert request(server, "GET", "/_mock/requests", headers={"Host": host})[0] == 200


def test_the_enswitch_api_answers_any_page_but_lets_none_read_the_reply(server):
    headers = {"Host": "evil.example", "Origin": "http://evil.example"}
    status, got, body = request(server, "GET", f"/api/json/user/login/?{ADMIN}", headers=headers)
    assert status == 200 and json.loads(body)["responses"][0]["code"] == "200"
    assert not [name for name in got if name.lower().startswith("access-control-")]
    status, got, _ = request(server, "OPTIONS", "/_mock/reset", headers=headers)
    assert not [name for name in got if name.lower().startswith("access-control-")]


# 2. The journal kept every value in full; bodies were unbounded.


def send_raw(server, head: bytes, body_pieces) -> bytes:
    """Send `head`, then body pieces until the server stops reading; return what it answered."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(head)
        try:
            for piece in body_pieces:
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-body, as it should be
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer


def test_huge_bodies_are_refused_unread_in_each_surfaces_format(server):
    baseline = rss_kb(server.process.pid)
    megabyte = b"x" * MB
    for number in range(10):
        path = "/api/json/recording/groups/create/" if number % 2 else "/_mock/faults"
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {100 * MB}\r\n\r\n"
        ).encode()
        answer = send_raw(server, head, (megabyte for _ in range(100)))
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
        if path.startswith("/_mock"):
            assert "error" in body
        else:
            assert body["responses"][0]["code"] == "413"
    chunked = (
        b"POST /api/json/recording/groups/create/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    pieces = (f"{len(megabyte):x}\r\n".encode() + megabyte + b"\r\n" for _ in range(100))
    assert send_raw(server, chunked, pieces).startswith(b"HTTP/1.1 413")
    assert rss_kb(server.process.pid) <= 2 * baseline
    assert request(server, "GET", "/_mock/health")[0] == 200


def test_the_journal_cuts_long_values(server):
    long_name = "n" * (3 * MB)
    body = f"{ADMIN.replace(';', '&')}&name={long_name}".encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, reply = request(server, "POST", "/api/json/recording/groups/create/", body, headers)
    assert status == 200 and json.loads(reply)["responses"][0]["key"] == "name"  # too long: 400
    status, _, journal = request(server, "GET", "/_mock/requests")
    assert len(journal) < 20_000
    [entry] = json.loads(journal)["requests"]
    assert entry["params"]["name"].endswith(f"...[cut: {3 * MB} characters]")
    assert entry["params"]["auth_password"] == "***"


# 3. Deep JSON crashed the parser: a 500 with a traceback.


def test_deeply_nested_json_is_a_400_in_each_surfaces_format(server):
    deep = b"[" * 1000 + b"]" * 1000
    headers = {"Content-Type": "application/json"}
    status, _, body = request(server, "POST", "/api/json/recording/groups/create/", deep, headers)
    assert status == 200 and json.loads(body)["responses"][0]["code"] == "400"
    status, _, body = request(server, "POST", "/_mock/faults", deep, headers)
    assert status == 400 and "nested too deeply" in json.loads(body)["error"]
    assert "Traceback" not in server.output()


# 4. Log injection.


def test_a_username_cannot_forge_a_log_line_or_reach_the_terminal(server):
    request(server, "GET", "/api/json/user/login/?auth_username=x%0Afake%1b[31m;auth_password=y")
    deadline = time.monotonic() + 5
    while "fake" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)  # call lines are written in batches
    output = server.output()
    assert "user=x\\nfake\\x1b[31m" in output
    assert not [line for line in output.splitlines() if line.startswith("fake")]
    assert "\x1b" not in output


# 5. Idle connections starved everyone.


def test_many_idle_connections_do_not_starve_a_client(server):
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(120)]
    half = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(10)]
    try:
        for sock in half:
            sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: local")  # and never finish
        started = time.monotonic()
        assert request(server, "GET", "/_mock/health")[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for sock in idle + half:
            sock.close()


def test_idle_and_half_sent_connections_are_closed_after_the_idle_timeout():
    with LiveServer("--memory", "--connection-limit", "5", "--idle-timeout", "1") as live:
        hogs = [socket.create_connection(("127.0.0.1", live.port)) for _ in range(5)]
        hogs[0].sendall(b"GET /_mock/health HTTP/1.1\r\n")
        try:
            started = time.monotonic()
            assert request(live, "GET", "/_mock/health")[0] == 200  # once the hogs are dropped
            assert time.monotonic() - started < 10
            hogs[1].settimeout(5)
            assert hogs[1].recv(10) == b""  # the server closed it
        finally:
            for sock in hogs:
                sock.close()


# 6. 405 without Allow; 9. the control API's errors in the envelope, a 204 said text/html.


def test_a_405_says_which_methods_are_allowed(server):
    status, headers, body = request(server, "PUT", "/api/json/user/login/")
    assert status == 405 and set(headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert json.loads(body)["responses"][0]["code"] == "405"


def test_control_errors_have_one_format_and_a_204_no_content_type(server):
    for method, path, status in (("GET", "/_mock/nothing", 404), ("PUT", "/_mock/reset", 405)):
        got, headers, body = request(server, method, path)
        assert got == status and set(json.loads(body)) == {"error", "field"}
        assert headers["Content-Type"] == "application/json"
    got, headers, body = request(server, "DELETE", "/_mock/faults")
    assert got == 204 and body == b"" and "Content-Type" not in headers


# 7. Encoding: one rule for the query string and every body.


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"name=caf\xe9"),  # raw Latin-1, not UTF-8
        ("application/x-www-form-urlencoded", b"name=caf%E9"),
        ("application/x-www-form-urlencoded", b"name=a%00b"),
        ("application/json", b'{"name": {"a": 1}}'),
        ("application/json", b'{"name": ["a"]}'),
        ("application/json", b'{"name": "a\\u0000b"}'),
        (
            "multipart/form-data; boundary=X",
            b'--X\r\nContent-Disposition: form-data; name="name"\r\n\r\ncaf\xe9\r\n--X--\r\n',
        ),
    ],
)
def test_a_value_that_is_not_text_is_a_400_naming_it(server, content_type, body):
    path = f"/api/json/recording/groups/create/?{ADMIN}"
    status, _, reply = request(server, "POST", path, body, {"Content-Type": content_type})
    first = json.loads(reply)["responses"][0]
    assert (status, first["code"], first["key"]) == (200, "400", "name")
    assert groups(server) == ["Acme sales", "Beta support"]  # nothing stored


def test_valid_utf8_in_every_body_is_stored_as_sent(server):
    body = b"name=caf%C3%A9"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request(server, "POST", f"/api/json/recording/groups/create/?{ADMIN}", body, headers)
    assert "café" in groups(server)


# 8. stderr noise.


def test_a_loaded_server_prints_only_its_own_lines():
    """The server under 16 concurrent connections, then stopped: one line per call, its start
    and stop lines, nothing from the serving stack (waitress once printed 45,000 queue warnings
    in a 200k-call run; uvicorn says it started, shuts down, waits for connections...)."""
    with LiveServer("--memory") as live:

        def calls() -> None:
            for _ in range(25):
                request(live, "GET", "/api/json/recording/groups/list/")

        threads = [threading.Thread(target=calls) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        output = live.stop()
    lines = output.splitlines()
    calls_logged = [line for line in lines if " mock_enswitch.api GET " in line]
    assert len(calls_logged) == 16 * 25
    others = [line for line in lines if line not in calls_logged]
    assert others[:2] == [
        f"mock-enswitch 4.4 serving http://127.0.0.1:{live.port}/api/json/ (data: memory)",
        f"ready on port {live.port}",
    ]
    assert others[2:] == ["mock-enswitch stopped"]


def test_a_body_left_half_sent_is_closed_after_the_idle_timeout_and_never_runs():
    with LiveServer("--memory", "--idle-timeout", "1") as live:
        sent = b"auth_username=acme-admin&auth_password=acme-admin-pass&name=Half"
        head = (
            "POST /api/json/recording/groups/create/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(sent) + 10}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", live.port)) as sock:
            sock.sendall(head + sent)  # ten bytes short, for good
            sock.settimeout(10)
            started = time.monotonic()
            assert sock.recv(100) == b""  # closed by the server, no reply
            assert time.monotonic() - started < 5
        assert "Half" not in groups(live)
