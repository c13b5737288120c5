"""The server in this process (server.Server on a thread, the mock attached), for what a child
process cannot show: a served call leaves nothing for the garbage collector. Each call whose
objects form a reference cycle waits, whole, for a collection; those collections cost ~9 us of
every served create (make bench, P1)."""

from __future__ import annotations

import gc
import http.client
import time

CREATE = "/api/json/recording/groups/create/?auth_username=acme-admin;auth_password=acme-admin-pass"


def live_cycles() -> int:
    """uvicorn's per-call objects still in memory, garbage or not."""
    return sum(type(o).__name__ == "RequestResponseCycle" for o in gc.get_objects())


def test_served_calls_leave_no_reference_cycle(served):
    connection = http.client.HTTPConnection("127.0.0.1", served.effective_port, timeout=10)
    gc.collect()
    gc.disable()  # garbage stays where a test can count it
    try:
        before = live_cycles()
        for number in range(200):
            connection.request("GET", f"{CREATE};name=g{number}")
            response = connection.getresponse()
            assert response.status == 200 and b'"code": "200"' in response.read()
        connection.request("GET", "/api/json/no/such/function/")  # an error reply, too
        assert connection.getresponse().read().startswith(b'{"responses"')
        for _ in range(50):  # and calls the ASGI app answers (with the scope's extensions)
            connection.request("GET", "/_mock/health")
            assert connection.getresponse().read() == b""
        assert live_cycles() - before <= 2  # the connection's current call, at most
    finally:
        gc.enable()
        connection.close()


def test_a_connection_closed_after_its_calls_leaves_no_reference_cycle(served):
    """A client that opens a connection per call (urllib; the plugin's client for the API):
    the last call of each closed connection is freed with it, not left to a collection."""
    gc.collect()
    gc.disable()
    try:
        before = live_cycles()
        for number in range(50):
            connection = http.client.HTTPConnection("127.0.0.1", served.effective_port, timeout=10)
            connection.request("GET", f"{CREATE};name=c{number}")
            assert connection.getresponse().read().startswith(b'{"responses"')
            connection.close()
        deadline = time.monotonic() + 5
        while live_cycles() - before > 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the server sees each close on its own thread
        assert live_cycles() - before <= 2
    finally:
        gc.enable()
