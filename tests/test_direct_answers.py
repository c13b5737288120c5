"""The Enswitch API answered by the server's protocol itself, from the parser's callbacks, with no
ASGI task (server.py, `MockProtocol._start_asgi_task`), and the calls it leaves to the ASGI app:
one that may sleep, one waiting for `100 Continue`, a body past 64 KiB, a pipelined call. Each
is answered the same way either way; these tests count which way it went."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from live import LiveServer
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle
from websockets.sync.client import connect as ws_connect

from mock_enswitch.api import views
from mock_enswitch.api.served import KNOWN_PATHS
from mock_enswitch.faults import parse_rule
from mock_enswitch.fixtures import DEFAULT_DIR
from mock_enswitch.surfaces import INTERNAL_ERROR
from mock_enswitch.testing import Enswitch, fixture_passwords
from mock_enswitch.testing.connections import KEPT

ADMIN = "auth_username=acme-admin&auth_password=acme-admin-pass"
LIST = f"GET /api/json/recording/groups/list/?{ADMIN} HTTP/1.1\r\nHost: x\r\n\r\n".encode()


@pytest.fixture
def asgi_runs(monkeypatch) -> list[str]:
    """The paths of the calls run through the ASGI app (uvicorn's task), as they run."""
    runs: list[str] = []
    run_asgi = RequestResponseCycle.run_asgi

    async def counted(cycle, app):
        runs.append(cycle.scope["path"])
        await run_asgi(cycle, app)

    monkeypatch.setattr(RequestResponseCycle, "run_asgi", counted)
    return runs


def post(function: str, body: str, headers: str = "") -> bytes:
    data = body.encode()
    return (
        f"POST /api/json/{function}/ HTTP/1.1\r\nHost: x\r\n{headers}"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


def replies(sock: socket.socket, count: int) -> list[tuple[bytes, dict]]:
    """`count` replies read from `sock`: (the status line, the parsed body) each."""
    buffer, found = b"", []
    while len(found) < count:
        head_end = buffer.find(b"\r\n\r\n")
        if head_end >= 0:
            head = buffer[:head_end].decode("latin-1")
            lines = head.split("\r\n")
            length = next(
                int(line.split(":", 1)[1])
                for line in lines
                if line.lower().startswith("content-length:")
            )
            if len(buffer) >= head_end + 4 + length:
                body = buffer[head_end + 4 : head_end + 4 + length]
                buffer = buffer[head_end + 4 + length :]
                found.append((lines[0].encode(), json.loads(body) if body else {}))
                continue
        chunk = sock.recv(65536)
        assert chunk, f"the server closed after {len(found)} replies"
        buffer += chunk
    return found


def connect(server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.effective_port), timeout=10)


def test_api_calls_are_answered_without_an_asgi_task(served, asgi_runs):
    with connect(served) as sock:
        sock.sendall(post("recording/groups/create", f"{ADMIN}&name=Direct"))
        ((status, body),) = replies(sock, 1)
        assert status == b"HTTP/1.1 200 OK" and body["data"] == {"id": 3}
        sock.sendall(LIST)
        ((status, body),) = replies(sock, 1)
        assert [group["name"] for group in body["data"]][-1] == "Direct"
    assert asgi_runs == []
    with connect(served) as sock:  # any other path: the ASGI app (here a bare WSGI app)
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 404 ")
    assert asgi_runs == ["/_mock/health"]


def test_a_call_that_may_sleep_goes_through_the_asgi_app_and_is_answered(served, asgi_runs):
    rule = {"match": {"function": "recording/groups/create"}, "effect": {"delay": 0.05}}
    served.mock.service.faults.add(parse_rule(rule))
    with connect(served) as sock:
        sock.sendall(post("recording/groups/create", f"{ADMIN}&name=Slow"))
        ((status, body),) = replies(sock, 1)
    assert status == b"HTTP/1.1 200 OK" and body["data"] == {"id": 3}
    assert asgi_runs == ["/api/json/recording/groups/create/"]


def test_a_call_waiting_for_100_continue_gets_it_then_its_answer(served, asgi_runs):
    data = f"{ADMIN}&name=Patient".encode()
    with connect(served) as sock:
        head = post("recording/groups/create", "", "Expect: 100-continue\r\n")
        sock.sendall(head.replace(b"Content-Length: 0", f"Content-Length: {len(data)}".encode()))
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(data)
        ((status, body),) = replies(sock, 1)
    assert status == b"HTTP/1.1 200 OK" and body["data"] == {"id": 3}
    assert len(asgi_runs) == 1


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_bodies_short_and_past_64_kib_are_read_whole(served, asgi_runs, chunked):
    """A short body is answered by the protocol; a longer one by the ASGI app, which is started
    as soon as the body passes 64 KiB (uvicorn stops reading there until the app asks)."""
    with connect(served) as sock:
        for name, padding in (("Short", 10), ("Long", 100_000)):
            data = f"{ADMIN}&name={name}&note={'x' * padding}".encode()
            if chunked:
                pieces = [data[i : i + 8192] for i in range(0, len(data), 8192)]
                framed = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
                sock.sendall(
                    b"POST /api/json/recording/groups/create/ HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n" + framed
                )
            else:
                sock.sendall(post("recording/groups/create", data.decode()))
            ((status, body),) = replies(sock, 1)
            assert status == b"HTTP/1.1 200 OK", body
        sock.sendall(LIST)
        ((_, listed),) = replies(sock, 1)
    assert [group["name"] for group in listed["data"]][-2:] == ["Short", "Long"]
    assert asgi_runs == ["/api/json/recording/groups/create/"]  # the long one only


@pytest.mark.parametrize("others", [0, 1], ids=["alone", "beside another connection"])
def test_pipelined_calls_are_answered_in_order(served, asgi_runs, others):
    """Alone, each reply is written at once, before the next call is read; beside another
    connection a reply waits for the loop's next turn, so the calls behind it queue up and run
    through the ASGI app (uvicorn's pipeline), in order."""
    idle = [connect(served) for _ in range(others)]
    try:
        with connect(served) as sock:
            sock.sendall(
                b"".join(post("recording/groups/create", f"{ADMIN}&name=P{n}") for n in range(4))
            )
            answered = replies(sock, 4)
    finally:
        for other in idle:
            other.close()
    assert [body["data"]["id"] for _, body in answered] == [3, 4, 5, 6]
    assert len(asgi_runs) == (0 if others == 0 else 3)


def test_a_call_that_fails_in_the_mock_gets_the_envelope_and_the_server_goes_on(
    served, monkeypatch
):
    api = served.mock.api
    answer = api.reply_first
    failing = iter([True])

    def broken(service, request):
        if next(failing, False):
            raise RuntimeError("a bug")
        return answer(service, request)

    monkeypatch.setattr(api, "reply_first", broken)
    with connect(served) as sock:
        sock.sendall(post("recording/groups/create", f"{ADMIN}&name=A"))
        ((status, body),) = replies(sock, 1)
        assert status == b"HTTP/1.1 500 Internal Server Error"
        assert body["responses"][0]["message"] == INTERNAL_ERROR
        sock.sendall(post("recording/groups/create", f"{ADMIN}&name=B"))
        ((status, body),) = replies(sock, 1)
    assert status == b"HTTP/1.1 200 OK" and body["data"] == {"id": 3}


@pytest.mark.parametrize("then", [b"", b"GET /api/json/recording/groups/list/ HTTP/1.1\r\n"])
def test_the_only_connection_answered_at_once_still_closes_after_the_idle_timeout(then):
    """Answered at once (the only connection), the reply arms the idle timer while the chunk is
    read; idle after it, or with the next call's head left half-sent, the connection closes."""
    with LiveServer("--memory", "--idle-timeout", "1") as live:
        sock = socket.create_connection(("127.0.0.1", live.port), timeout=10)
        try:
            sock.sendall(post("recording/groups/create", f"{ADMIN}&name=Idle") + then)
            ((status, _),) = replies(sock, 1)
            assert status == b"HTTP/1.1 200 OK"
            started = time.monotonic()
            assert sock.recv(100) == b""  # closed by the server
            assert 0.5 < time.monotonic() - started < 5
        finally:
            sock.close()


def test_the_kept_targets_stay_right_and_bounded(served):
    """`target` keeps what it found for paths outside any namespace (a client asks the same
    ones again and again): each path keeps its own function, a namespace's path is never kept
    (its Service can be dropped), and past KNOWN_PATHS the kept ones are forgotten."""
    api = served.api
    for number in range(KNOWN_PATHS + 44):
        raw = f"/api/json//recording/groups/f{number}/".encode()
        assert api.target(raw)[1:] == (
            f"/api/json/recording/groups/f{number}/",
            f"recording/groups/f{number}",
        )
        assert api.target(raw)[2] == f"recording/groups/f{number}"  # the kept one
    assert 0 < len(api.root_targets) <= KNOWN_PATHS
    assert api.target(b"/ns/team-a/api/json/recording/groups/list/")[2] == "recording/groups/list"
    assert all(not path.startswith(b"/ns/") for path in api.root_targets)


def test_a_chunked_body_past_a_small_limit_is_refused(served, monkeypatch):
    """With a limit under 64 KiB, a chunked body that passes it is the 413 the ASGI app gives
    (the protocol answered it: the call ran on a body past the limit)."""
    monkeypatch.setattr(served.api, "max_body", 1024)
    data = f"{ADMIN}&name=Big&note={'x' * 2000}".encode()
    framed = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(data[i : i + 500]), data[i : i + 500])
            for i in range(0, len(data), 500)
        )
        + b"0\r\n\r\n"
    )
    with connect(served) as sock:
        sock.sendall(
            b"POST /api/json/recording/groups/create/ HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + framed
        )
        ((status, body),) = replies(sock, 1)
    assert status == b"HTTP/1.1 413 Request Entity Too Large", body
    with connect(served) as sock:
        sock.sendall(LIST)
        ((_, listed),) = replies(sock, 1)
    assert "Big" not in [group["name"] for group in listed["data"]]


def test_a_failure_while_the_call_is_read_gets_a_500_not_a_hung_connection(served, monkeypatch):
    """An error of the mock's own raised inside the parser's callback (here: finding the
    namespace) is answered, and the server goes on."""
    namespaces = served.mock.namespaces

    def broken(name):
        raise RuntimeError("a bug")

    monkeypatch.setattr(namespaces, "get", broken)
    with connect(served) as sock:
        sock.sendall(
            f"GET /ns/team-a/api/json/recording/groups/list/?{ADMIN} HTTP/1.1\r\n"
            "Host: x\r\n\r\n".encode()
        )
        sock.settimeout(5)
        assert sock.recv(100).startswith(b"HTTP/1.1 500 ")
    monkeypatch.undo()
    with connect(served) as sock:
        sock.sendall(LIST)
        ((status, _),) = replies(sock, 1)
    assert status == b"HTTP/1.1 200 OK"


def test_a_download_behind_a_reply_written_at_once_is_not_cut_by_the_idle_timer():
    """The only connection: the create's reply is written while the chunk is read, which armed
    the idle timer; the download read in the same chunk then went on for a second, and the
    timer cut it (`--idle-timeout 1`)."""
    with LiveServer("--memory", "--idle-timeout", "1") as live:
        client = Enswitch(live.url, fixture_passwords(DEFAULT_DIR), "acme-admin")
        call = client.place_call(1, talktime=3600)  # a 1-hour recording: 57.6 MB
        KEPT.close()  # the client's kept connection: the one below is then the only one
        time.sleep(0.2)
        download = (
            f"GET /api/json/recording/recordings/get/?{ADMIN};recordgroup=1;"
            f"uniqueid={call['uniqueid']};recordid=1;wrap=none HTTP/1.1\r\nHost: x\r\n\r\n"
        ).encode()
        sock = socket.create_connection(("127.0.0.1", live.port), timeout=10)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            sock.sendall(post("recording/groups/create", f"{ADMIN}&name=First") + download)
            received, started = 0, time.monotonic()
            while time.monotonic() - started < 2.5:  # read steadily, ~10 MB/s at most
                chunk = sock.recv(65536)
                assert chunk, f"cut after {time.monotonic() - started:.1f} s, {received} bytes"
                received += len(chunk)
                time.sleep(0.005)
        finally:
            sock.close()
    assert 5_000_000 < received < 57_600_000


def test_the_events_websocket_outlives_the_idle_timeout():
    """The HTTP protocol's idle timer, left armed after the upgrade, closed the websocket
    `--idle-timeout` seconds after it opened (30 s by default), whatever went over it."""
    with LiveServer("--memory", "--idle-timeout", "1", "--events-authkey", "k") as live:
        url = f"ws://127.0.0.1:{live.port}/events/websocket/?authkey=k"
        with ws_connect(url, open_timeout=5) as websocket:
            time.sleep(2.5)
            assert websocket.ping().wait(5)


def test_the_only_connection_gets_its_reply_before_its_call_is_journaled(
    served, monkeypatch, caplog
):
    """Written first, then journaled and logged in the same callback (api/views.py,
    `reply_first`): a failure to journal cannot take back a reply that has gone (the group was
    made), it is logged, and the next call is answered and journaled."""
    journal_and_log = views.journal_and_log
    failing = iter([True])

    def breaks_once(*args):
        if next(failing, False):
            raise RuntimeError("the journal broke")
        journal_and_log(*args)

    monkeypatch.setattr(views, "journal_and_log", breaks_once)
    journal = served.mock.service.journal
    with connect(served) as sock:
        sock.sendall(post("recording/groups/create", f"{ADMIN}&name=A"))
        ((status, body),) = replies(sock, 1)
        assert status == b"HTTP/1.1 200 OK" and body["data"] == {"id": 3}
        sock.sendall(post("recording/groups/create", f"{ADMIN}&name=B"))
        ((status, body),) = replies(sock, 1)
        assert status == b"HTTP/1.1 200 OK" and body["data"] == {"id": 4}
        sock.sendall(LIST)  # read once the create before it is journaled (the same callback)
        replies(sock, 1)
    created = journal.entries("recording/groups/create")
    assert [entry["params"]["name"] for entry in created] == ["B"]
    assert "the journal broke" in caplog.text


def test_a_head_of_a_download_is_journaled_as_the_file_it_names(served):
    """A HEAD's reply leaves the file out, but its journal entry is the GET's: a file, not an
    empty body under the file's Content-Length."""
    download = (
        f"/api/json/recording/recordings/get/?{ADMIN};recordgroup=1;"
        "uniqueid=1770217174.110066;recordid=1;wrap=none"
    )
    connection = http.client.HTTPConnection("127.0.0.1", served.effective_port, timeout=10)
    try:
        for method in ("HEAD", "GET"):
            connection.request(method, download)
            response = connection.getresponse()
            assert response.status == 200 and int(response.getheader("Content-Length")) > 0
            response.read()
        connection.request("GET", f"/api/json/user/login/?{ADMIN}")  # both journaled by now
        connection.getresponse().read()
    finally:
        connection.close()
    entries = served.mock.service.journal.entries("recording/recordings/get")
    assert [entry["method"] for entry in entries] == ["HEAD", "GET"]
    assert [entry["reply"]["body"] for entry in entries] == ["(a file, not kept)"] * 2
