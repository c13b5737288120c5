"""Fault rules through the control API and the Enswitch API (Flask test client): each effect,
trigger and matcher, the header override, and that a faulted call changes nothing."""

from __future__ import annotations

import time

import pytest
from conftest import code, credentials

STANDARD = {
    "401": "The authentication details provided are invalid.",
    "402": "Your role does not allow this.",
    "403": "Your rate plan does not allow this.",
}


@pytest.fixture
def client(app):
    return app.test_client()


def add(client, rule: dict) -> int:
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def create(api, user="acme-admin", **params) -> dict:
    return api("recording/groups/create", user=user, **{"name": "Faulted?", **params})


def group_ids(client) -> list[int]:
    return [group["id"] for group in client.get("/_mock/groups").get_json()["groups"]]


@pytest.mark.parametrize("fault_code", ["401", "402", "403"])
def test_a_code_effect_answers_the_documented_envelope_and_creates_nothing(api, client, fault_code):
    add(client, {"match": {"function": "recording/groups/create"}, "effect": {"code": fault_code}})
    body = create(api)
    assert body == {"responses": [{"code": fault_code, "key": "", "message": STANDARD[fault_code]}]}
    assert group_ids(client) == [1, 2]


def test_a_400_effect_carries_its_key_and_message(api, client):
    add(client, {"effect": {"code": "400", "key": "name", "message": "Name taken."}})
    assert create(api)["responses"] == [{"code": "400", "key": "name", "message": "Name taken."}]


@pytest.mark.parametrize("fault_code", ["404", "500"])
def test_other_codes_use_their_standard_message(api, client, fault_code):
    add(client, {"effect": {"code": fault_code}})
    body = api("recording/groups/get", id=1)
    assert code(body) == fault_code
    assert body["responses"][0]["message"]


def test_a_faulted_update_and_delete_change_nothing(api, client):
    before = client.get("/_mock/groups").get_json()
    add(client, {"match": {"function": "recording/groups/"}, "effect": {"code": "500"}})
    assert code(api("recording/groups/update", id=1, name="Changed")) == "500"
    assert code(api("recording/groups/delete", id=1)) == "500"
    assert client.get("/_mock/groups").get_json() == before


def test_a_delay_alone_slows_the_call_which_then_succeeds(api, client):
    add(client, {"effect": {"delay": 0.2}})
    started = time.monotonic()
    body = create(api)
    assert time.monotonic() - started >= 0.2  # a lower bound only: never flaky on a slow machine
    assert code(body) == "200"


def test_a_delay_with_bounds_and_a_code(api, client):
    add(client, {"effect": {"delay": [0.05, 0.1], "code": "403"}})
    started = time.monotonic()
    assert code(create(api)) == "403"
    assert time.monotonic() - started >= 0.05


def test_truncate_sends_a_body_that_is_not_json(api, client):
    add(client, {"effect": {"network": "truncate"}})
    response = api.client.get("/api/json/recording/groups/list/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith('{"responses"')
    with pytest.raises(ValueError):
        response.get_json(force=True, silent=False)


@pytest.mark.parametrize("status", ["502", "503"])
def test_proxy_errors_are_html_pages(api, client, status):
    add(client, {"effect": {"network": status}})
    response = api.client.get("/api/json/recording/groups/list/")
    assert response.status_code == int(status)
    assert response.mimetype == "text/html"
    assert f"<h1>{status} " in response.get_data(as_text=True)
    assert group_ids(client) == [1, 2]


# Triggers.


def codes_of(api, calls: int, **params) -> list[str]:
    return [code(api("recording/groups/list", **params)) for _ in range(calls)]


def test_times_fires_n_times_then_the_rule_vanishes(api, client):
    add(client, {"effect": {"code": "402"}, "trigger": {"times": 2}})
    assert client.get("/_mock/faults").get_json()["faults"][0]["remaining"] == 2
    assert codes_of(api, 4) == ["402", "402", "200", "200"]
    assert client.get("/_mock/faults").get_json() == {"faults": []}


def test_every_nth_call(api, client):
    add(client, {"effect": {"code": "500"}, "trigger": {"every": 3}})
    assert codes_of(api, 7) == ["200", "200", "500", "200", "200", "500", "200"]


def test_after_n_calls(api, client):
    add(client, {"effect": {"code": "401"}, "trigger": {"after": 2}})
    assert codes_of(api, 4) == ["200", "200", "401", "401"]


def test_after_and_times_combine(api, client):
    add(client, {"effect": {"code": "401"}, "trigger": {"after": 1, "times": 2}})
    assert codes_of(api, 5) == ["200", "401", "401", "200", "200"]


def test_until_a_time_then_the_rule_is_gone(api, client):
    add(client, {"effect": {"code": "403"}, "trigger": {"until": time.time() + 0.3}})
    assert code(api("recording/groups/list")) == "403"
    time.sleep(0.35)
    assert code(api("recording/groups/list")) == "200"
    assert client.get("/_mock/faults").get_json() == {"faults": []}


def test_until_accepts_iso_times(client):
    add(client, {"effect": {"code": "403"}, "trigger": {"until": "2099-01-01T00:00:00Z"}})
    assert client.get("/_mock/faults").get_json()["faults"][0]["trigger"]["until"] > time.time()


def test_a_seeded_probability_gives_the_same_sequence_twice(api, client):
    rule = {"effect": {"code": "500"}, "trigger": {"probability": 0.5, "seed": 42}}
    add(client, rule)
    first = codes_of(api, 40)
    client.delete("/_mock/faults")
    add(client, rule)
    second = codes_of(api, 40)
    assert first == second
    assert 5 < first.count("500") < 35  # really random-looking, neither never nor always


def test_other_seeds_give_other_sequences(api, client):
    sequences = set()
    for seed in range(3):
        client.delete("/_mock/faults")
        add(client, {"effect": {"code": "500"}, "trigger": {"probability": 0.5, "seed": seed}})
        sequences.add(tuple(codes_of(api, 30)))
    assert len(sequences) == 3


# Matchers.


def test_match_by_exact_function(api, client):
    add(client, {"match": {"function": "recording/groups/get"}, "effect": {"code": "404"}})
    assert code(api("recording/groups/get", id=1)) == "404"
    assert code(api("recording/groups/list")) == "200"


def test_match_by_prefix(api, client):
    add(client, {"match": {"function": "recording/"}, "effect": {"code": "403"}})
    assert code(api("recording/groups/list")) == "403"
    assert code(api("recording/groups/get", id=1)) == "403"
    assert code(api("user/login")) == "200"


def test_match_by_user(api, client):
    add(client, {"match": {"user": "acme-recorder"}, "effect": {"code": "401"}})
    assert code(api("recording/groups/list", user="acme-recorder")) == "401"
    assert code(api("recording/groups/list", user="acme-admin")) == "200"


def test_match_by_method(api, client):
    add(client, {"match": {"method": "POST"}, "effect": {"code": "500"}})
    assert code(api("recording/groups/list", how="form")) == "500"
    assert code(api("recording/groups/list", how="get")) == "200"


def test_match_by_customer_param_or_the_callers_customer(api, client):
    add(client, {"match": {"customer": 4}, "effect": {"code": "403"}})
    assert code(api("recording/groups/list", user="beta-admin")) == "403"  # beta's own customer
    assert code(api("recording/groups/list", user="reseller", customer=4)) == "403"
    assert code(api("recording/groups/list", user="reseller", customer=3)) == "200"
    assert code(api("recording/groups/list", user="acme-admin")) == "200"


def test_match_by_parameter_value(api, client):
    add(client, {"match": {"params": {"name": "Boom"}}, "effect": {"code": "400", "key": "name"}})
    assert code(create(api, name="Boom")) == "400"
    assert code(create(api, name="Fine")) == "200"


def test_the_first_firing_rule_wins(api, client):
    add(
        client,
        {
            "match": {"function": "recording/groups/list"},
            "effect": {"code": "401"},
            "trigger": {"times": 1},
        },
    )
    add(client, {"effect": {"code": "402"}})
    assert codes_of(api, 2) == ["401", "402"]


# The per-request header.


@pytest.mark.parametrize("value", ["401", "402", "403"])
def test_the_header_overrides_one_call(api, client, value):
    response = api.client.get(
        "/api/json/recording/groups/create/",
        query_string={**credentials("acme-admin"), "name": "Header"},
        headers={"X-Mock-Enswitch-Fault": value},
    )
    assert code(response.get_json()) == value
    assert code(create(api)) == "200"  # the next call is normal
    assert group_ids(client) == [1, 2, 3]


def test_the_header_can_ask_for_a_proxy_error(api):
    response = api.client.get("/api/json/user/login/", headers={"X-Mock-Enswitch-Fault": "503"})
    assert response.status_code == 503


def test_a_bad_header_value_is_a_400_naming_the_header(api):
    response = api.client.get("/api/json/user/login/", headers={"X-Mock-Enswitch-Fault": "nope"})
    body = response.get_json()
    assert (code(body), body["responses"][0]["key"]) == ("400", "X-Mock-Enswitch-Fault")
