"""The reset before each test, answered by the server without Flask (control/served.py): the same
reply as the control API's, the same guard, and everything but the plain call left to the
control API. Over raw HTTP to a started server, and in process for what reaches the control API."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket

import pytest
from live import LiveServer

from mock_enswitch.composition import compose
from mock_enswitch.config import Config
from mock_enswitch.control.served import ServedReset
from mock_enswitch.fixtures import DEFAULT_DIR

ADMIN = "auth_username=acme-admin;auth_password=acme-admin-pass"
TOKEN = "s3cret-token"


def exchange(port: int, request: bytes) -> bytes:
    """The raw reply to one request on its own connection, its Date blanked."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while data := sock.recv(65536):
            reply += data
    return re.sub(rb"date: [^\r]*", b"date: -", reply)


def reset(port: int, path: str = "/_mock/reset", *headers: str) -> tuple[int, dict | None, bytes]:
    head = "".join(f"{header}\r\n" for header in ("Host: localhost", *headers))
    reply = exchange(port, f"POST {path} HTTP/1.1\r\n{head}\r\n".encode())
    status = int(reply.split(b" ", 2)[1])
    body = reply.split(b"\r\n\r\n", 1)[1]
    return status, json.loads(body) if body else None, reply


def create_group(server, name: str, prefix: str = "") -> None:
    path = f"{prefix}/api/json/recording/groups/create/?{ADMIN};name={name}"
    reply = exchange(server.port, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert b'"code": "200"' in reply


def group_names(server, prefix: str = "") -> list[str]:
    path = f"{prefix}/api/json/recording/groups/list/?{ADMIN}"
    reply = exchange(server.port, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    return [group["name"] for group in json.loads(reply.split(b"\r\n\r\n", 1)[1])["data"]]


def test_the_served_reset_answers_byte_for_byte_as_the_control_api(server):
    create_group(server, "Served")
    status, body, served = reset(server.port)
    assert (status, body) == (200, {"status": "reset"})
    assert "Served" not in group_names(server)
    create_group(server, "Flask")
    # A cookie leaves the call to the control API's Flask app (the dashboard's way in).
    status, _, flask = reset(server.port, "/_mock/reset", "Cookie: theme=dark")
    assert status == 200 and "Flask" not in group_names(server)
    assert served == flask


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ("Host: localhost\r\nOrigin: http://evil.example", "Origin"),
        ("Host: evil.example", "Host"),
    ],
)
def test_a_page_cannot_reset_without_a_body_either(server, headers, field):
    """A web page's POST with no body: refused as the control API refuses it, nothing reset."""
    create_group(server, "Kept")
    reply = exchange(server.port, f"POST /_mock/reset HTTP/1.1\r\n{headers}\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 403 ")
    assert json.loads(reply.split(b"\r\n\r\n", 1)[1])["field"] == field
    assert "Kept" in group_names(server)
    assert reset(server.port)[0] == 200


@pytest.mark.parametrize("host", ["localhost:99999", "localhost:0", "[127.0.0.1]"])
def test_a_host_werkzeug_reads_as_none_is_refused_as_the_control_api_refuses_it(server, host):
    create_group(server, "Kept")
    reply = exchange(server.port, f"POST /_mock/reset HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 403 ")
    assert "Kept" in group_names(server)
    assert reset(server.port)[0] == 200


def test_a_token_header_spelled_with_underscores_counts_as_the_control_api_counts_it():
    """WSGI reads X_Mock_Enswitch_Token as X-Mock-Enswitch-Token (joined with a comma): the
    right token beside a wrong one is the control API's 401, not a reset."""
    with LiveServer("--memory", "--control-token", TOKEN) as server:
        create_group(server, "Kept")
        headers = (f"X-Mock-Enswitch-Token: {TOKEN}", "X_Mock_Enswitch_Token: wrong")
        assert reset(server.port, "/_mock/reset", *headers)[0] == 401
        assert "Kept" in group_names(server)


def test_a_namespace_reset_resets_that_namespace_alone(server):
    create_group(server, "Root")
    create_group(server, "Inside", "/ns/served-reset")
    assert "Inside" in group_names(server, "/ns/served-reset")
    status, body, _ = reset(server.port, "//ns/served-reset//_mock/reset")
    assert (status, body) == (200, {"status": "reset"})
    assert "Inside" not in group_names(server, "/ns/served-reset")
    assert "Root" in group_names(server)
    assert reset(server.port, "/ns/bad!name/_mock/reset")[0] == 400


def test_the_token_is_asked_of_the_served_reset():
    with LiveServer("--memory", "--control-token", TOKEN) as server:
        create_group(server, "Kept")
        for headers in ((), ("X-Mock-Enswitch-Token: wrong",)):
            status, body, _ = reset(server.port, "/_mock/reset", *headers)
            assert status == 401 and body["field"] == "X-Mock-Enswitch-Token"
        assert "Kept" in group_names(server)
        assert reset(server.port, "/_mock/reset", f"X-Mock-Enswitch-Token: {TOKEN}")[0] == 200
        assert "Kept" not in group_names(server)


def test_a_reset_on_a_broken_fixture_file_is_the_control_apis_400(tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIR, fixtures)
    with LiveServer("--memory", "--fixtures", str(fixtures)) as server:
        create_group(server, "Kept")
        (fixtures / "record_groups.json").write_text("[{", encoding="utf-8")
        status, body, _ = reset(server.port)
        assert status == 400 and "record_groups.json" in body["error"]
        assert "Kept" in group_names(server)  # nothing half-reset


# In process: which calls reach the control API (`other`), and which never do.


class Recorder:
    """An ASGI app standing for the control API: records what reaches it, answers 204."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def served_call(app, method: str, path: str, headers: list[tuple[bytes, bytes]]) -> list[dict]:
    scope = {"type": "http", "method": method, "path": path, "headers": headers}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@pytest.fixture
def reset_app():
    mock = compose(Config())
    app = ServedReset(Recorder())
    app.serve(mock.namespaces)
    yield app
    mock.service.close()


HOST = (b"host", b"127.0.0.1:8080")


def test_the_plain_reset_never_reaches_the_control_api(reset_app):
    for path in ("/_mock/reset", "/ns/one/_mock/reset"):
        sent = served_call(reset_app, "POST", path, [HOST, (b"content-length", b"0")])
        assert sent[0]["status"] == 200 and sent[1]["body"] == b'{"status":"reset"}\n'
    assert reset_app.other.paths == []


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/_mock/reset", [HOST]),
        ("POST", "/_mock/reset/", [HOST]),
        ("POST", "/_mock/faults", [HOST]),
        ("POST", "/_mock/reset", []),  # no Host: Werkzeug decides what it is
        ("POST", "/_mock/reset", [HOST, HOST]),
        ("POST", "/_mock/reset", [(b"host", b"local host")]),
        ("POST", "/_mock/reset", [HOST, (b"content-length", b"2")]),
        ("POST", "/_mock/reset", [HOST, (b"transfer-encoding", b"chunked")]),
        ("POST", "/_mock/reset", [HOST, (b"cookie", b"a=b")]),
        ("POST", "/_mock/reset", [HOST, (b"origin", b"http://127.0.0.1:8080")]),
        ("POST", "/_mock/reset", [HOST, (b"x-mock-enswitch-token", b"a")] * 2),
        ("POST", "/_mock/reset", [HOST, (b"x_mock_enswitch_token", b"a")]),
        ("POST", "/_mock/reset", [(b"host", b"localhost:99999")]),
        ("POST", "/_mock/reset", [(b"host", b"localhost:0")]),
        ("POST", "/_mock/reset", [(b"host", b"localhost:00080")]),
        ("POST", "/_mock/reset", [(b"host", b"[127.0.0.1]")]),
    ],
)
def test_any_other_call_is_left_to_the_control_api(reset_app, method, path, headers):
    sent = served_call(reset_app, method, path, headers)
    assert reset_app.other.paths == [path] and sent[0]["status"] == 204
