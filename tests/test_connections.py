"""The test client's kept-alive control connections (testing/connections.py): reused while the
server keeps them, replaced when it has closed one, a call never lost to a stale connection, and
each thread on its own. Against a small stdlib HTTP/1.1 server that counts its connections."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from mock_enswitch.testing import Enswitch
from mock_enswitch.testing.connections import ClosedBeforeReply, Connections


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1
        self.served_here = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.served_here += 1
        self.server.requests.append(self.path)
        if self.path.endswith("/drop-second") and self.served_here == 2:
            self.close_connection = True  # closed, the request unread, as an idle timeout does
            return
        if self.path.endswith("/unsized"):  # no length: the body ends with the connection
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"until the end")
            self.close_connection = True
            return
        if self.path.endswith("/empty"):
            self.send_response(204)
            self.end_headers()
            return
        body = json.dumps({"path": self.path, "connection": self.server.connections}).encode()
        self.send_response(200)
        if self.path.endswith("/chunked"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
            return
        self.send_header("Content-Length", str(len(body)))
        if self.path.endswith("/close"):
            self.send_header("Connection", "close")
        self.close_connection = self.path.endswith("close")  # idle-close: without saying so
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST
    do_DELETE = do_POST

    def do_HEAD(self) -> None:
        self.server.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "1234")  # what a GET would send; no body follows
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.connections, httpd.requests = 0, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def pool():
    connections = Connections()
    yield connections
    connections.close()


def url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_calls_share_one_kept_connection(server, pool):
    for _ in range(5):
        status, body = pool.request(url(server, "/_mock/a?x=1"), "POST", b"{}", {})
        assert status == 200 and json.loads(body)["path"] == "/_mock/a?x=1"
    assert server.connections == 1


def test_a_connection_the_server_closed_is_replaced(server, pool):
    pool.request(url(server, "/close"), "POST", None, {})  # Connection: close: not kept
    pool.request(url(server, "/one/idle-close"), "POST", None, {})  # kept, then closed
    time.sleep(0.2)  # the server's end has arrived: the check before reuse sees it
    status, body = pool.request(url(server, "/two"), "POST", None, {})
    assert status == 200 and json.loads(body)["connection"] == 3
    assert server.requests == ["/close", "/one/idle-close", "/two"]  # none sent twice


@pytest.mark.parametrize(
    ("method", "idempotent"), [("GET", None), ("DELETE", None), ("POST", True)]
)
def test_an_idempotent_call_on_a_connection_closed_meanwhile_is_sent_again_once(
    server, pool, method, idempotent
):
    pool.request(url(server, "/x/drop-second"), method, None, {})
    status, body = pool.request(url(server, "/x/drop-second"), method, None, {}, idempotent)
    assert status == 200 and json.loads(body)["connection"] == 2
    assert server.requests == ["/x/drop-second"] * 3  # the server had read it: sent twice


def test_any_other_call_on_a_connection_closed_meanwhile_is_an_error(server, pool):
    """The server may have acted on it before it closed: a second POST could add a rule twice."""
    pool.request(url(server, "/x/drop-second"), "POST", None, {})
    with pytest.raises(ClosedBeforeReply):
        pool.request(url(server, "/x/drop-second"), "POST", None, {})
    assert server.requests == ["/x/drop-second"] * 2


def test_a_head_reply_and_one_that_ends_with_the_connection_are_read_whole(server, pool):
    assert pool.request(url(server, "/head"), "HEAD", None, {}) == (200, b"")
    assert pool.request(url(server, "/after-head"), "GET", None, {})[0] == 200
    assert pool.request(url(server, "/unsized"), "GET", None, {}) == (200, b"until the end")
    assert pool.request(url(server, "/after"), "GET", None, {})[0] == 200


def test_a_new_connection_closed_before_a_reply_is_an_error(server, pool):
    def drop_at_once(handler) -> None:
        handler.close_connection = True

    Handler.do_PUT = drop_at_once
    try:
        with pytest.raises(ClosedBeforeReply):
            pool.request(url(server, "/put"), "PUT", None, {})
    finally:
        del Handler.do_PUT


def test_empty_and_chunked_replies_are_read_whole(server, pool):
    assert pool.request(url(server, "/empty"), "DELETE", None, {}) == (204, b"")
    status, body = pool.request(url(server, "/chunked"), "GET", None, {})
    assert status == 200 and json.loads(body)["path"] == "/chunked"
    assert pool.request(url(server, "/after"), "GET", None, {})[0] == 200
    assert server.connections == 1


def test_threads_each_get_a_connection_and_every_answer_is_their_own(server, pool):
    answers: dict[int, list[str]] = {}

    def calls(thread: int) -> None:
        answers[thread] = [
            json.loads(pool.request(url(server, f"/t{thread}/{n}"), "POST", None, {})[1])["path"]
            for n in range(20)
        ]

    threads = [threading.Thread(target=calls, args=(thread,)) for thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {t: [f"/t{t}/{n}" for n in range(20)] for t in range(4)}
    assert server.connections <= 4


def test_the_enswitch_client_resets_a_mock_on_one_connection(server):
    client = Enswitch(url(server, ""), {})
    before = server.connections
    for _ in range(3):
        Enswitch(url(server, ""), {}).reset()  # a client per test, as the fixture makes them
    client.control("GET", "health")
    assert server.connections - before <= 1
    assert server.requests[-4:] == ["/_mock/reset"] * 3 + ["/_mock/health"]
