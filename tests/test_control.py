"""The /_mock/ control API: journal, reset, health, groups, the token guard, bad rules."""

from __future__ import annotations

import pytest
from conftest import Api, code

from mock_enswitch import Config, create_app


@pytest.fixture
def client(app):
    return app.test_client()


def journal(client, **filters) -> list[dict]:
    response = client.get("/_mock/requests", query_string=filters)
    assert response.status_code == 200
    return response.get_json()["requests"]


def test_the_journal_records_every_call_with_passwords_masked(api, client):
    api("recording/groups/create", name="Logged", fraction=5)
    api("recording/groups/list", user="acme-user")
    api("no/such/function")
    token = api("user/login", token=1)["data"]["auth_token"]
    api("recording/groups/list", user=None, auth_token=token)
    entries = journal(client)
    assert [(e["function"], e["user"], e["code"]) for e in entries] == [
        ("recording/groups/create", "acme-admin", "200"),
        ("recording/groups/list", "acme-user", "402"),
        ("no/such/function", "acme-admin", "404"),
        ("user/login", "acme-admin", "200"),
        ("recording/groups/list", "", "200"),
    ]
    first = entries[0]
    assert first["method"] == "GET"
    assert first["params"] == {
        "auth_username": "acme-admin",
        "auth_password": "***",
        "name": "Logged",
        "fraction": "5",
    }
    assert first["fault"] is None
    assert entries[-1]["params"]["auth_token"] == "***"
    text = client.get("/_mock/requests").get_data(as_text=True)
    assert "acme-admin-pass" not in text and "acme-user-pass" not in text and token not in text


def test_the_journal_notes_the_fault_applied(api, client):
    rule_id = client.post("/_mock/faults", json={"effect": {"code": "402"}}).get_json()["id"]
    api("recording/groups/list")
    api.client.get("/api/json/recording/groups/list/", headers={"X-Mock-Enswitch-Fault": "503"})
    assert [(e["fault"], e["code"]) for e in journal(client)] == [
        (rule_id, "402"),
        ("header", "503"),
    ]


def test_the_journal_filters_by_function_and_user(api, client):
    api("recording/groups/list", user="acme-admin")
    api("recording/groups/list", user="beta-admin")
    api("recording/groups/get", user="beta-admin", id=2)
    assert len(journal(client, function="recording/groups/list")) == 2
    assert len(journal(client, user="beta-admin")) == 2
    both = journal(client, function="recording/groups/get", user="beta-admin")
    assert [e["params"]["id"] for e in both] == ["2"]


def test_the_journal_can_be_cleared(api, client):
    api("recording/groups/list")
    assert client.delete("/_mock/requests").status_code == 204
    assert journal(client) == []


def test_the_journal_is_bounded_oldest_dropped_first():
    app = create_app(Config(journal_size=3))
    api = Api(app.test_client())
    for group_id in (1, 2, 1, 2, 1):
        api("recording/groups/get", user="owner", id=group_id)
    entries = app.test_client().get("/_mock/requests").get_json()["requests"]
    assert [e["params"]["id"] for e in entries] == ["1", "2", "1"]
    app.extensions["mock_enswitch"].close()


def test_reset_restores_the_fixtures_rules_journal_and_ids(api, client):
    api("recording/groups/create", name="Gone after reset")
    api("recording/groups/update", id=1, name="Renamed")
    api("recording/groups/delete", id=2)
    client.post(
        "/_mock/faults", json={"match": {"function": "user/login"}, "effect": {"code": "401"}}
    )
    assert client.post("/_mock/reset").get_json() == {"status": "reset"}
    groups = client.get("/_mock/groups").get_json()["groups"]
    assert [(g["id"], g["name"]) for g in groups] == [(1, "Acme sales"), (2, "Beta support")]
    assert client.get("/_mock/faults").get_json() == {"faults": []}
    assert journal(client) == []
    assert code(api("user/login")) == "200"
    assert api("recording/groups/create", name="First again")["data"]["id"] == 3
    assert client.post("/_mock/faults", json={"effect": {"code": "500"}}).get_json() == {"id": 1}


def test_reset_keeps_the_start_up_rules_with_fresh_counts():
    app = create_app(Config(fail=("recording/groups/get=404",)))
    client, api = app.test_client(), Api(app.test_client())
    client.post("/_mock/faults", json={"effect": {"code": "500"}})
    client.post("/_mock/reset")
    assert [rule["id"] for rule in client.get("/_mock/faults").get_json()["faults"]] == [1]
    assert code(api("recording/groups/get", id=1)) == "404"
    assert code(api("recording/groups/list")) == "200"
    app.extensions["mock_enswitch"].close()


def test_health_answers_ok_with_the_version(client):
    assert client.get("/_mock/health").get_json() == {"status": "ok", "enswitch_version": "4.4"}


def test_groups_lists_every_stored_group(api, client):
    api("recording/groups/create", user="beta-admin", name="Beta two")
    groups = client.get("/_mock/groups").get_json()["groups"]
    assert [(g["id"], g["customer"]) for g in groups] == [(1, 3), (2, 4), (3, 4)]
    assert groups[2] == api("recording/groups/get", user="beta-admin", id=3)["data"]


# The guard.


def test_a_control_token_is_required_when_configured():
    app = create_app(Config(control_token="s3cret"))
    client = app.test_client()
    refused = client.get("/_mock/faults")
    assert refused.status_code == 401
    assert refused.get_json()["field"] == "X-Mock-Enswitch-Token"
    assert (
        client.post("/_mock/reset", headers={"X-Mock-Enswitch-Token": "wrong"}).status_code == 401
    )
    assert (
        client.get("/_mock/faults", headers={"X-Mock-Enswitch-Token": "s3cret"}).status_code == 200
    )
    assert client.get("/_mock/health").status_code == 200  # health never needs it
    app.extensions["mock_enswitch"].close()


def test_the_control_api_is_off_when_not_enabled_but_health_answers():
    app = create_app(Config(control_enabled=False))
    client = app.test_client()
    assert client.post("/_mock/reset").status_code == 404
    assert client.post("/_mock/faults", json={"effect": {"code": "401"}}).status_code == 404
    assert client.get("/_mock/health").status_code == 200
    app.extensions["mock_enswitch"].close()


# Bad rules: 400 naming the field, existing rules untouched.

BAD_RULES = [
    ([1, 2], ""),
    ({"effect": {}}, "effect"),
    ({"effect": {"code": "4x2"}}, "effect.code"),
    ({"effect": {"code": "403", "network": "close"}}, "effect"),
    ({"effect": {"network": "explode"}}, "effect.network"),
    ({"effect": {"delay": -1}}, "effect.delay"),
    ({"effect": {"delay": [2, 1]}}, "effect.delay"),
    ({"effect": {"delay": "soon"}}, "effect.delay"),
    ({"effect": {"key": "name"}}, "effect.code"),
    ({"effect": {"code": "403"}, "colour": "red"}, "colour"),
    ({"effect": {"code": "403"}, "match": "all"}, "match"),
    ({"effect": {"code": "403"}, "match": {"method": "PUT"}}, "match.method"),
    ({"effect": {"code": "403"}, "match": {"customer": "three"}}, "match.customer"),
    ({"effect": {"code": "403"}, "match": {"function": ""}}, "match.function"),
    ({"effect": {"code": "403"}, "match": {"params": {"name": [1]}}}, "match.params.name"),
    ({"effect": {"code": "403"}, "trigger": {"times": 0}}, "trigger.times"),
    ({"effect": {"code": "403"}, "trigger": {"every": "2"}}, "trigger.every"),
    ({"effect": {"code": "403"}, "trigger": {"probability": 1.5}}, "trigger.probability"),
    ({"effect": {"code": "403"}, "trigger": {"seed": 3}}, "trigger.seed"),
    ({"effect": {"code": "403"}, "trigger": {"until": "tomorrow"}}, "trigger.until"),
    ({"effect": {"code": "403"}, "trigger": {"until": "2030-01-01T00:00:00"}}, "trigger.until"),
]


@pytest.mark.parametrize(("rule", "field"), BAD_RULES)
def test_a_bad_rule_is_rejected_naming_the_field(client, rule, field):
    kept = {"match": {"function": "user/login"}, "effect": {"code": "401"}}
    client.post("/_mock/faults", json=kept)
    before = client.get("/_mock/faults").get_json()
    response = client.post("/_mock/faults", json=rule)
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert response.get_json()["error"]
    assert client.get("/_mock/faults").get_json() == before


def test_a_body_that_is_not_json_is_rejected(client):
    response = client.post("/_mock/faults", data="effect=403")
    assert response.status_code == 400


def test_delete_one_rule_or_all(client):
    first = client.post("/_mock/faults", json={"effect": {"code": "401"}}).get_json()["id"]
    second = client.post("/_mock/faults", json={"effect": {"code": "402"}}).get_json()["id"]
    assert client.delete(f"/_mock/faults/{first}").status_code == 204
    assert client.delete(f"/_mock/faults/{first}").status_code == 404
    assert [r["id"] for r in client.get("/_mock/faults").get_json()["faults"]] == [second]
    assert client.delete("/_mock/faults").status_code == 204
    assert client.get("/_mock/faults").get_json() == {"faults": []}


def test_a_used_up_rule_is_listed_as_spent_until_the_reset(api, client):
    client.post("/_mock/faults", json={"match": {"function": "user/login"},
                                       "effect": {"code": "402"}, "trigger": {"times": 1}})  # fmt: skip
    api("user/login")
    assert client.get("/_mock/faults").get_json()["faults"] == []
    (spent,) = client.get("/_mock/faults?spent=1").get_json()["faults"]
    assert spent["spent"] is True and spent["hits"] == 1 and spent["remaining"] == 0
    client.post("/_mock/reset")
    assert client.get("/_mock/faults?spent=1").get_json()["faults"] == []
