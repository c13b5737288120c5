"""Three kinds of name under /api/json/: a function the mock serves, a real Enswitch function it
does not serve yet (501, after the credentials), and no function at all ("Unknown function",
with close names); and fault rules that may name a real function the mock lacks."""

from __future__ import annotations

import pytest
from conftest import Api, code
from live import LiveServer

from mock_enswitch import Config, create_app
from mock_enswitch.api.functions import FUNCTIONS
from mock_enswitch.catalogue import real_at, real_functions
from mock_enswitch.testing import Enswitch


def message(body: dict) -> str:
    return body["responses"][0]["message"]


def test_the_shipped_list_names_every_served_function_and_the_clients_first_calls():
    real = real_functions()
    assert len(real) > 300
    assert {f.path for f in FUNCTIONS} <= set(real)
    for path in ("calls/make", "customers/get", "customers/balance/add"):
        assert real[path].exists_at((4, 4)), path
    assert "files/list" not in real_at((3, 13)) and "files/list" in real_at((4, 0))


@pytest.mark.parametrize("path", ["calls/update", "customers/update", "customers/delete"])
def test_a_real_function_the_mock_lacks_says_so_after_the_credentials(api, path):
    reply = api(path)
    assert code(reply) == "501"
    assert f"{path} is a function of Enswitch 4.4 that mock-enswitch does not serve yet" in (
        message(reply)
    )
    assert code(api(path, user=None)) == "401"
    wrong = api(path, user=None, auth_username="acme-admin", auth_password="nope")
    assert code(wrong) == "401"


def test_a_name_that_is_no_function_is_unknown_with_close_names(api):
    reply = api("recording/group/list", user=None)  # no credentials needed to be told
    assert code(reply) == "404"
    assert message(reply).startswith("Unknown function: recording/group/list; did you mean ")
    assert "recording/groups/list" in message(reply)
    assert message(api("nothing/like/it")) == "Unknown function: nothing/like/it."


def test_a_function_of_a_later_version_names_the_version_that_added_it():
    app = create_app(Config(enswitch_version="3.13"))
    reply = Api(app.test_client())("files/list")
    assert code(reply) == "404"
    assert "Unknown function: files/list. Enswitch 4.0 added it; this mock emulates 3.13" in (
        message(reply)
    )


@pytest.mark.parametrize("path", ["/api/json/", "/api/json", "/api/json//"])
def test_the_api_root_alone_says_how_to_call_a_function(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    body = response.get_json()
    assert code(body) == "404"
    assert "call /api/json/<category>/<action>/" in message(body)


def test_functions_lists_what_is_served_and_what_is_not(app):
    listed = app.test_client().get("/_mock/functions").get_json()
    served = {row["function"] for row in listed["served"]}
    missing = {row["function"] for row in listed["not_served"]}
    assert "recording/groups/create" in served and "calls/update" in missing
    assert not served & missing
    assert served | missing == set(real_at((4, 4)))


def test_a_fault_on_a_function_the_mock_lacks_is_taken_and_fires(app, api):
    client = app.test_client()
    added = client.post(
        "/_mock/faults", json={"match": {"function": "calls/update"}, "effect": {"code": "503"}}
    )
    assert added.status_code == 201, added.get_json()
    assert code(api("calls/update")) == "503"
    assert code(api("customers/update")) == "501"  # only the named one


def test_a_fault_on_no_function_at_all_is_refused_with_close_names(app):
    refused = app.test_client().post(
        "/_mock/faults", json={"match": {"function": "calls/mak"}, "effect": {"code": "503"}}
    )
    assert refused.status_code == 400
    assert refused.get_json()["error"].startswith(
        "match.function: Enswitch 4.4 has no function calls/mak; did you mean calls/make"
    )


def test_through_serve_a_fail_option_on_an_unserved_function_fires():
    with LiveServer("--memory", "--fail", "customers/update=403") as server:
        client = Enswitch(server.url, {"acme-admin": "acme-admin-pass"}, "acme-admin")
        assert code(client.call("customers/update")) == "403"
        reply = client.call("calls/update")
        assert code(reply) == "501" and "does not serve yet" in message(reply)
        unknown = client.call("calls/mkae", user=None)
        assert code(unknown) == "404" and "did you mean calls/make" in message(unknown)
        listed = server.get("/_mock/functions")
        assert "calls/update" in {row["function"] for row in listed["not_served"]}


def test_the_api_root_message_names_the_prefix_the_api_is_under():
    app = create_app(Config(path_prefix="/local"))
    body = app.test_client().get("/local/api/json/").get_json()
    assert "call /local/api/json/<category>/<action>/" in message(body)
