"""Namespaces through HTTP: each part isolated (data and IDs, journal, faults, clock, calls and
events, reset), made on first use, listed and dropped, the least recently used evicted past the
limit, bad names refused in each surface's format, the rules of the control API unchanged; and
the pytest plugin against a running `serve` with --enswitch-url under -n 2."""

from __future__ import annotations

import json
import urllib.request

import pytest
from live import LiveServer

from mock_enswitch import Config, create_app
from mock_enswitch.composition import compose
from mock_enswitch.faults import parse_rule

pytest_plugins = ["pytester"]
AUTH = "auth_username=acme-admin;auth_password=acme-admin-pass"


@pytest.fixture
def client():
    app = create_app(Config(max_namespaces=3))
    yield app.test_client()
    app.extensions["mock_enswitch"].close()


def api(client, root: str, function: str, query: str = "") -> dict:
    return client.get(f"{root}/api/json/{function}/?{AUTH};{query}").get_json()


def test_data_and_ids_are_each_namespaces_own(client):
    made_a = api(client, "/ns/a", "recording/groups/create", "name=A")["data"]["id"]
    made_b = api(client, "/ns/b", "recording/groups/create", "name=B")["data"]["id"]
    assert made_a == made_b == 3  # each counts from the fixtures
    names = lambda root: [g["name"] for g in api(client, root, "recording/groups/list")["data"]]  # noqa: E731
    assert "A" in names("/ns/a") and "A" not in names("/ns/b") and "A" not in names("")
    reply = api(client, "/ns/b", "recording/groups/get", f"id={made_a}")
    assert reply["data"]["name"] == "B"  # the same ID, another namespace's record


def test_journal_faults_clock_calls_and_reset_are_each_namespaces_own(client):
    client.post(
        "/ns/a/_mock/faults", json={"match": {"function": "user/login"}, "effect": {"code": "503"}}
    )
    assert api(client, "/ns/a", "user/login")["responses"][0]["code"] == "503"
    assert api(client, "/ns/b", "user/login")["responses"][0]["code"] == "200"
    assert api(client, "", "user/login")["responses"][0]["code"] == "200"
    assert len(client.get("/ns/a/_mock/requests").get_json()["requests"]) == 1
    assert client.get("/_mock/faults").get_json()["faults"] == []
    before = client.get("/ns/b/_mock/clock").get_json()["now"]
    client.post("/ns/a/_mock/clock", json={"advance": 86400})
    assert client.get("/ns/a/_mock/clock").get_json()["now"] - before > 86000
    assert client.get("/ns/b/_mock/clock").get_json()["now"] - before < 100
    client.post("/ns/a/_mock/calls", json={"phone": "1001", "active": True})
    assert len(client.get("/ns/a/_mock/calls").get_json()["calls"]) == 1
    assert client.get("/ns/b/_mock/calls").get_json()["calls"] == []
    assert client.get("/_mock/events").get_json()["events"] == []
    assert client.get("/ns/a/_mock/events").get_json()["events"]
    client.post("/ns/a/_mock/reset")
    assert client.get("/ns/a/_mock/calls").get_json()["calls"] == []
    assert client.get("/ns/a/_mock/faults").get_json()["faults"] == []


def test_listed_dropped_and_the_least_recently_used_evicted(client, caplog):
    for name in ("one", "two", "three"):
        api(client, f"/ns/{name}", "user/login")
    api(client, "/ns/one", "user/login")  # used again: "two" is now the least recent
    api(client, "/ns/four", "user/login")
    listed = client.get("/_mock/namespaces").get_json()
    assert [n["name"] for n in listed["namespaces"]] == ["three", "one", "four"]
    assert listed["max"] == 3 and all(n["size"] > 0 and n["created"] for n in listed["namespaces"])
    assert "namespace two dropped" in caplog.text
    assert client.delete("/_mock/namespaces/three").status_code == 204
    assert client.delete("/_mock/namespaces/three").status_code == 404
    assert client.get("/ns/one/_mock/namespaces").status_code == 404  # only on the root


@pytest.mark.parametrize("name", ["bad name", "x" * 65, "a:b", "é", ".", ".."])
def test_a_bad_name_is_a_400_in_each_surfaces_format(client, name):
    reply = client.get(f"/ns/{name}/api/json/user/login/?{AUTH}")
    assert reply.status_code == 400
    assert reply.get_json()["responses"][0]["code"] == "400"
    reply = client.get(f"/ns/{name}/_mock/requests")
    assert reply.status_code == 400 and "namespace name" in reply.get_json()["error"]


def test_the_control_rules_hold_in_a_namespace():
    app = create_app(Config(control_token="s3cret"))
    client = app.test_client()
    assert client.get("/ns/a/_mock/requests").status_code == 401
    ok = client.get("/ns/a/_mock/requests", headers={"X-Mock-Enswitch-Token": "s3cret"})
    assert ok.status_code == 200
    app.extensions["mock_enswitch"].close()


def test_the_openapi_document_of_a_namespace_names_its_root(client):
    servers = client.get("/ns/a/_mock/openapi.json").get_json()["servers"]
    assert servers == [{"url": "/ns/a/api/json"}]


PLUGIN_SUITE = """
import pytest

@pytest.mark.parametrize("n", range(6))
def test_each_test_has_its_own_namespace(enswitch, n):
    assert "/ns/pytest-" in enswitch.url
    made = enswitch.call("recording/groups/create", name=f"Group {n}")
    assert made["data"]["id"] == 3  # a fresh namespace: IDs from the fixtures
    names = [g["name"] for g in enswitch.call("recording/groups/list")["data"]]
    assert [name for name in names if name.startswith("Group")] == [f"Group {n}"]
    enswitch.fail("user/login", 402, times=1)
    assert enswitch.call("user/login")["responses"][0]["code"] == "402"
    enswitch.assert_called("recording/groups/create", times=1)
"""


def test_the_plugin_against_a_running_server_under_xdist(pytester: pytest.Pytester):
    with LiveServer("--memory") as server:
        pytester.makepyfile(test_shared=PLUGIN_SUITE)
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "-n", "2", "--enswitch-url", server.url
        )
        result.assert_outcomes(passed=6)
        with urllib.request.urlopen(f"{server.url}/_mock/namespaces", timeout=10) as reply:
            assert json.loads(reply.read())["namespaces"] == []  # each dropped after its test
        with urllib.request.urlopen(f"{server.url}/_mock/requests", timeout=10) as reply:
            assert json.loads(reply.read())["requests"] == []  # nothing reached the default


def test_whether_a_call_may_sleep_follows_every_namespaces_rules():
    """The server asks on every call whether any delay rule is in force, here or in any
    namespace (those calls go to threads): a set the engines keep, not a look at each engine
    (~300 us a call with 1,000 namespaces). It follows each way a rule comes and goes."""
    mock = compose(Config(fail=["recording/groups/list=503"]))
    namespaces = mock.namespaces
    delay = {"match": {"function": "recording/groups/create"}, "effect": {"delay": 0.01}}
    try:
        team = namespaces.get("team")
        assert not namespaces.may_delay()  # the start-up rule in each is no delay
        rule = team.faults.add(parse_rule(delay))
        assert namespaces.may_delay() and team.faults.may_delay
        team.faults.remove(rule)
        assert not namespaces.may_delay()
        team.faults.add(parse_rule({**delay, "trigger": {"times": 1}}))
        team.faults.decide(
            {
                "function": "recording/groups/create",
                "method": "GET",
                "user": "",
                "params": {},
                "customer": lambda: None,
            }
        )
        assert not namespaces.may_delay()  # used up
        mock.service.faults.add(parse_rule(delay))
        assert namespaces.may_delay()  # the root's own
        mock.service.faults.reset()
        assert not namespaces.may_delay()
        team.faults.add(parse_rule(delay))
        assert namespaces.drop("team") and not namespaces.may_delay()
    finally:
        mock.service.close()
