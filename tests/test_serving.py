"""The server itself (uvicorn, server.MockProtocol and the bridge), through a real `serve` process:
what waitress did for the mock, kept, and what a review of the new server found."""

from __future__ import annotations

import json
import socket
import time

import pytest
from live import LiveServer

from mock_enswitch.fixtures import DEFAULT_DIR
from mock_enswitch.testing import Enswitch, fixture_passwords

ADMIN = "auth_username=acme-admin;auth_password=acme-admin-pass"
LIST = f"GET /api/json/recording/groups/list/?{ADMIN} HTTP/1.1\r\nHost: x\r\n\r\n".encode()


def exchange(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Send `data` on a new connection; everything the server sends until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return answer


def statuses(answer: bytes) -> list[int]:
    return [
        int(answer[i + 9 : i + 12])
        for i in range(len(answer))
        if answer.startswith(b"HTTP/1.1 ", i)
    ]


def add_rule(server: LiveServer, rule: dict) -> None:
    client = Enswitch(server.url, fixture_passwords(DEFAULT_DIR))
    client.add_fault(rule)


def test_connections_over_the_limit_wait_unread_until_one_closes():
    with LiveServer("--memory", "--connection-limit", "3") as live:
        idle = [socket.create_connection(("127.0.0.1", live.port)) for _ in range(3)]
        time.sleep(0.2)
        late = socket.create_connection(("127.0.0.1", live.port))
        late.settimeout(0.5)
        late.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(TimeoutError):
            late.recv(100)  # not read, let alone answered, while 3 others hold the limit
        idle[0].close()
        late.settimeout(5)
        assert late.recv(100).startswith(b"HTTP/1.1 200")
        for sock in [late, *idle[1:]]:
            sock.close()


@pytest.mark.parametrize("piece", [None, 1000])
def test_a_request_head_over_64_kib_is_a_431_however_it_arrives(server, piece):
    for size, status in ((60_000, 200), (70_000, 431), (300_000, 431)):
        head = f"GET /api/json/recording/groups/list/?{ADMIN} HTTP/1.1\r\nX-Big: ".encode()
        head += b"a" * size + b"\r\n\r\n"
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            for start in range(0, len(head), piece or len(head)):
                sock.sendall(head[start : start + (piece or len(head))])  # read to the end
            answer = sock.recv(65536)
        assert statuses(answer)[:1] == [status], (size, answer[:100])
        if status == 431:
            head, body = answer.split(b"\r\n\r\n", 1)
            assert json.loads(body)["responses"][0]["code"] == "431"
            assert b"\r\nserver: mock-enswitch\r\n" in head and b"\r\ndate: " in head


def test_a_malformed_request_behind_a_slow_call_waits_for_its_reply(server):
    add_rule(server, {"match": {"function": "recording/groups/get"}, "effect": {"delay": 1}})
    slow = f"GET /api/json/recording/groups/get/?{ADMIN};id=1 HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = exchange(server.port, slow.encode() + b"NONSENSE\r\n\r\n")
    assert statuses(answer) == [200, 400]
    assert b'"code": "400"' in answer.rsplit(b"\r\n\r\n", 1)[1]


def test_a_dropped_call_with_another_pipelined_behind_it_sends_nothing_and_logs_nothing():
    with LiveServer("--memory") as live:
        close = LIST.replace(b"\r\n\r\n", b"\r\nX-Mock-Enswitch-Fault: close\r\n\r\n")
        assert exchange(live.port, close + LIST) == b""
        time.sleep(0.2)
        output = live.stop()
    lines = [line for line in output.splitlines() if " mock_enswitch.api " not in line]
    assert lines[2:] == ["mock-enswitch stopped"], lines


def test_bytes_past_ascii_in_the_request_line_are_taken_as_utf8(server):
    name = "Café☎".encode()
    request = b"GET /api/json/recording/groups/create/?" + ADMIN.encode() + b";name=" + name
    answer = exchange(server.port, request + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["responses"][0]["code"] == "200"
    group = body["data"]["id"]
    listed = exchange(
        server.port,
        b"GET /_mock/groups HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    names = {g["id"]: g["name"] for g in json.loads(listed.split(b"\r\n\r\n", 1)[1])["groups"]}
    assert names[group] == "Café☎"


def test_a_download_nobody_reads_is_cut_after_the_idle_timeout():
    with LiveServer("--memory", "--idle-timeout", "1") as live:
        client = Enswitch(live.url, fixture_passwords(DEFAULT_DIR), "acme-admin")
        call = client.place_call(1, talktime=3600)  # a 1-hour recording: 57.6 MB
        request = (
            f"GET /api/json/recording/recordings/get/?{ADMIN};recordgroup=1;"
            f"uniqueid={call['uniqueid']};recordid=1;wrap=none HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.sendall(request.encode())
            time.sleep(3)  # read nothing: the server's buffers fill, then it waits
            received, cut = 0, False
            try:
                while chunk := sock.recv(1 << 20):
                    received += len(chunk)
                cut = True  # closed (a timeout here: never cut)
            except ConnectionResetError:
                cut = True
        assert cut and received < 57_600_000
        assert client.call("recording/groups/list")["responses"][0]["code"] == "200"


def test_odd_requests_leave_no_line_from_the_serving_stack():
    with LiveServer("--memory") as live:
        exchange(live.port, b"NONSENSE\r\n\r\n")
        upgrade = LIST.replace(b"\r\n\r\n", b"\r\nConnection: Upgrade, HTTP2-Settings\r\n")
        upgrade += b"Upgrade: h2c\r\nHTTP2-Settings: AA\r\nConnection: close\r\n\r\n"
        assert statuses(exchange(live.port, upgrade)) == [200]
        output = live.stop()
    lines = [line for line in output.splitlines() if " mock_enswitch.api " not in line]
    assert lines[2:] == ["mock-enswitch stopped"], lines
