"""Faults against a real `mock-enswitch serve`: network effects as a client sees them on the wire,
and rules given at start by --faults (JSON, YAML) and --fail."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from conftest import code
from live import LiveServer, run_cli

ADMIN = {"auth_username": "acme-admin", "auth_password": "acme-admin-pass"}


def control(server: LiveServer, method: str, path: str, body=None, token: str | None = None):
    request = urllib.request.Request(
        f"{server.url}/_mock/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Content-Type": "application/json",
            **({"X-Mock-Enswitch-Token": token} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture(autouse=True)
def clean(server):
    control(server, "POST", "reset")


def raw_get(server: LiveServer, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def test_close_drops_the_connection_without_a_reply_and_creates_nothing(server):
    control(
        server,
        "POST",
        "faults",
        {
            "match": {"function": "recording/groups/create"},
            "effect": {"network": "close"},
            "trigger": {"times": 1},
        },
    )
    with pytest.raises(http.client.RemoteDisconnected):
        raw_get(
            server,
            "/api/json/recording/groups/create/?auth_username=acme-admin;"
            "auth_password=acme-admin-pass;name=Dropped",
        )
    status, groups = control(server, "GET", "groups")
    assert [g["name"] for g in groups["groups"]] == ["Acme sales", "Beta support"]
    assert code(server.call("recording/groups/create", **ADMIN, name="After")) == "200"


def test_truncate_sends_broken_json(server):
    control(server, "POST", "faults", {"effect": {"network": "truncate"}})
    status, content_type, body = raw_get(server, "/api/json/recording/groups/list/")
    assert (status, content_type) == (200, "application/json")
    with pytest.raises(ValueError):
        json.loads(body)


@pytest.mark.parametrize("status", [502, 503])
def test_proxy_errors_come_as_html(server, status):
    control(server, "POST", "faults", {"effect": {"network": str(status)}})
    got, content_type, body = raw_get(server, "/api/json/recording/groups/list/")
    assert got == status
    assert content_type.startswith("text/html")
    assert b"nginx" in body


def test_a_header_fault_over_the_wire(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/api/json/user/login/", headers={"X-Mock-Enswitch-Fault": "close"})
    with pytest.raises(http.client.RemoteDisconnected):
        connection.getresponse()
    connection.close()


def test_fail_options_apply_from_the_start_and_after_a_reset():
    with LiveServer(
        "--memory", "--fail", "recording/groups/create=402", "--fail", "user/=503"
    ) as server:
        assert code(server.call("recording/groups/create", **ADMIN, name="X")) == "402"
        assert code(server.call("recording/groups/list", **ADMIN)) == "200"
        with pytest.raises(urllib.error.HTTPError) as raised:
            server.call("user/login", **ADMIN)
        raised.value.close()
        assert raised.value.code == 503
        control(server, "POST", "reset")
        assert code(server.call("recording/groups/create", **ADMIN, name="X")) == "402"


def test_fail_from_the_environment():
    with LiveServer("--memory", env={"MOCK_ENSWITCH_FAIL": "recording/=403"}) as server:
        assert code(server.call("recording/groups/list", **ADMIN)) == "403"


FILE_RULES = [
    {
        "match": {"function": "recording/groups/get", "user": "acme-admin"},
        "effect": {"code": "404"},
    },
    {
        "match": {"function": "recording/groups/list"},
        "effect": {"code": "401"},
        "trigger": {"times": 1},
    },
]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_faults_file_is_loaded_at_start(tmp_path, suffix):
    import yaml

    path = tmp_path / f"faults{suffix}"
    path.write_text(
        json.dumps({"faults": FILE_RULES}) if suffix == ".json" else yaml.safe_dump(FILE_RULES)
    )
    with LiveServer("--memory", "--faults", str(path)) as server:
        assert code(server.call("recording/groups/get", **ADMIN, id=1)) == "404"
        assert code(server.call("recording/groups/list", **ADMIN)) == "401"
        assert code(server.call("recording/groups/list", **ADMIN)) == "200"
        status, listing = control(server, "GET", "faults")
        assert [rule["id"] for rule in listing["faults"]] == [1]


def test_a_bad_faults_file_stops_start_up_naming_the_rule_and_field(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([FILE_RULES[0], {"effect": {"code": "40"}}]))
    result = run_cli("serve", "--memory", "--port", "0", "--faults", str(path))
    assert result.returncode != 0
    assert "[1].effect.code" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_fail_option_stops_start_up():
    result = run_cli("serve", "--memory", "--port", "0", "--fail", "recording/groups/create")
    assert result.returncode != 0
    assert "FUNCTION=CODE" in result.stderr


def test_control_token_over_http():
    with LiveServer("--memory", "--control-token", "t0ken") as server:
        assert control(server, "GET", "faults")[0] == 401
        assert control(server, "GET", "faults", token="t0ken") == (200, {"faults": []})
        assert control(server, "GET", "health")[0] == 200


def test_a_delayed_call_holds_up_no_other_call(server):
    control(
        server,
        "POST",
        "faults",
        {"match": {"function": "recording/groups/create"}, "effect": {"delay": 2}},
    )
    answers = {}

    def slow_create() -> None:
        answers["create"] = server.call("recording/groups/create", **ADMIN, name="Slow")

    started = time.monotonic()
    thread = threading.Thread(target=slow_create)
    thread.start()
    time.sleep(0.2)  # the create is waiting now
    for _ in range(5):
        assert code(server.call("recording/groups/list", **ADMIN)) == "200"
    listed = time.monotonic() - started
    thread.join()
    assert listed < 1.5 and time.monotonic() - started >= 2
    assert code(answers["create"]) == "200"


def test_a_dropped_connection_leaves_no_error_in_the_log():
    with LiveServer("--memory", "--fail", "recording/groups/create=close") as live:
        with pytest.raises(http.client.RemoteDisconnected):
            raw_get(live, "/api/json/recording/groups/create/")
        assert code(live.call("recording/groups/list", **ADMIN)) == "200"
        output = live.stop()
    assert "Error" not in output and "Traceback" not in output and "500" not in output
    assert "function=recording/groups/create user= code=close fault=1" in output
