"""What real deployments differ in: `code` as a JSON number (--numeric-codes, the
X-Mock-Enswitch-Codes header, the pytest option) and another API root (--api-root, e.g. one
operator's /pbx_api/), through the app, `serve` and the pytest plugin."""

from __future__ import annotations

import json
import urllib.request

import pytest
from live import LiveServer, serve

from mock_enswitch import Config, create_app
from mock_enswitch.testing import Enswitch

pytest_plugins = ["pytester"]
AUTH = "auth_username=acme-admin;auth_password=acme-admin-pass"


@pytest.fixture
def numeric():
    app = create_app(Config(numeric_codes=True))
    yield app.test_client()
    app.extensions["mock_enswitch"].close()


def test_numeric_codes_make_every_envelope_code_a_number(numeric):
    body = numeric.get(f"/api/json/user/login/?{AUTH}").get_json()
    assert body["responses"][0]["code"] == 200 and body["data"]["username"] == "acme-admin"
    assert numeric.get("/api/json/user/login/").get_json()["responses"][0]["code"] == 401
    unknown = numeric.get(f"/api/json/no/such/?{AUTH}").get_json()
    assert unknown["responses"][0]["code"] == 404
    created = numeric.get(f"/api/json/recording/groups/update/?{AUTH};id=1;fraction=5")
    assert created.get_json()["responses"][0] == {"code": 204, "key": "", "message": "OK"}


def test_a_header_chooses_for_one_call_either_way(app, numeric):
    string = {"X-Mock-Enswitch-Codes": "string"}
    assert numeric.get(f"/api/json/user/login/?{AUTH}", headers=string).get_json()[
        "responses"
    ][0]["code"] == "200"  # fmt: skip
    number = {"X-Mock-Enswitch-Codes": "numeric"}
    body = app.test_client().get(f"/api/json/user/login/?{AUTH}", headers=number).get_json()
    assert body["responses"][0]["code"] == 200
    plain = app.test_client().get(f"/api/json/user/login/?{AUTH}").get_json()
    assert plain["responses"][0]["code"] == "200"  # the default stays a string


def test_the_journal_and_faults_are_unchanged_by_numeric_codes(numeric):
    numeric.post(
        "/_mock/faults", json={"match": {"function": "user/login"}, "effect": {"code": "402"}}
    )
    body = numeric.get(f"/api/json/user/login/?{AUTH}").get_json()
    assert body["responses"][0]["code"] == 402
    assert numeric.get("/_mock/requests").get_json()["requests"][-1]["code"] == "402"


def test_another_api_root_serves_the_api_beside_api_json():
    app = create_app(Config(api_root="/pbx_api", path_prefix="/local"))
    client = app.test_client()
    for root in ("/local/pbx_api", "/local/api/json"):
        body = client.get(f"{root}/user/login/?{AUTH}").get_json()
        assert body["responses"][0]["code"] == "200", root
    servers = client.get("/_mock/openapi.json").get_json()["servers"]
    assert [s["url"] for s in servers] == ["/local/pbx_api", "/local/api/json"]
    client.post(
        "/_mock/faults", json={"match": {"function": "phones/list"}, "effect": {"code": "503"}}
    )
    assert (
        client.get(f"/local/pbx_api/phones/list/?{AUTH}").get_json()["responses"][0]["code"]
        == "503"
    )
    assert client.get("/_mock/requests").get_json()["requests"][-1]["function"] == "phones/list"
    app.extensions["mock_enswitch"].close()


def test_through_serve_with_both_options():
    with LiveServer("--memory", "--api-root", "/pbx_api", "--numeric-codes") as server:
        with urllib.request.urlopen(f"{server.url}/pbx_api/customers/get/?{AUTH};id=3") as reply:
            body = json.loads(reply.read())
        assert body["responses"][0]["code"] == 200 and body["data"]["balance"] == "42.5"
        assert "serving http://127.0.0.1:" in server.output() and "/pbx_api/" in server.output()


@pytest.mark.parametrize("root", ["/api/json", "/_mock", "pbx", "/", "/a b"])
def test_a_root_that_cannot_be_is_refused_in_one_line(root):
    result = serve("--memory", "--port", "0", "--api-root", root)
    assert result.returncode != 0
    assert "--api-root" in result.stderr and "Traceback" not in result.stderr


def test_the_client_asks_for_numeric_codes_and_its_helpers_still_work():
    with LiveServer("--memory") as server:
        client = Enswitch(server.url, {"acme-admin": "acme-admin-pass"}, "acme-admin", True)
        assert client.call("user/login")["responses"][0]["code"] == 200
        assert client.call("user/login", codes="string")["responses"][0]["code"] == "200"
        assert client.make_call("0298765432", "0412345678")  # compares whatever the type


def test_the_pytest_option_gives_numeric_codes(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        def test_numbers(enswitch):
            assert enswitch.call("user/login")["responses"][0]["code"] == 200
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--enswitch-numeric-codes")
    result.assert_outcomes(passed=1)


def test_an_api_root_above_api_json_leaves_api_json_to_the_standard_root():
    """--api-root /api: a call under /api/json is still the standard root's (the longest root
    that matches wins, as the mounts did), through `serve` and the app alike."""
    args = ("--memory", "--api-root", "/api", "--path-prefix", "/local")
    with LiveServer(*args) as server:
        for path in ("/local/api/json/user/login/", "/local//api/json/user/login/"):
            with urllib.request.urlopen(f"{server.url}{path}?{AUTH}") as reply:
                body = json.loads(reply.read())
            assert body["responses"][0]["code"] == "200", (path, body)
            assert body["data"]["username"] == "acme-admin"
        with urllib.request.urlopen(f"{server.url}/local/api/user/login/?{AUTH}") as reply:
            assert json.loads(reply.read())["data"]["username"] == "acme-admin"
    app = create_app(Config(api_root="/api", path_prefix="/local"))
    body = app.test_client().get(f"/local/api/json/user/login/?{AUTH}").get_json()
    assert body["data"]["username"] == "acme-admin"
    app.extensions["mock_enswitch"].close()
