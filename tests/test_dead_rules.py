"""Fault rules that could never fire are refused, in every way in, with close names; each rule
shows its hits; and the journal says, per call, why each rule in force did not fire."""

from __future__ import annotations

import json

import pytest
from live import run_cli

from mock_enswitch import Config, create_app
from mock_enswitch.faults import RuleError, parse_rule


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize(
    ("match", "field", "words"),
    [
        ({"function": "recording/groups/creat"}, "match.function", "recording/groups/create"),
        ({"function": "recording/grups/"}, "match.function", "recording/groups/"),
        ({"function": "faxes/list"}, "match.function", "has no function faxes/list"),
        (
            {"function": "recording/groups/create", "params": {"nmae": "x"}},
            "match.params.nmae",
            "did you mean name?",
        ),
        ({"function": "user/", "params": {"recordgroup": "1"}}, "match.params.recordgroup", ""),
    ],
)
def test_a_rule_that_cannot_fire_is_refused_with_close_names(client, match, field, words):
    reply = client.post("/_mock/faults", json={"match": match, "effect": {"code": "402"}})
    assert reply.status_code == 400
    body = reply.get_json()
    assert body["field"] == field and words in body["error"]
    assert client.get("/_mock/faults").get_json()["faults"] == []


def test_a_function_the_version_does_not_serve_is_refused():
    app = create_app(Config(enswitch_version="4.0"))
    try:
        reply = app.test_client().post(
            "/_mock/faults",
            json={"match": {"function": "recording/recordings/start"}, "effect": {"code": "403"}},
        )
        assert (
            reply.status_code == 400 and "Enswitch 4.0 has no function" in reply.get_json()["error"]
        )
    finally:
        app.extensions["mock_enswitch"].close()


def test_the_fail_option_and_faults_file_are_checked_at_start(tmp_path):
    failed = run_cli("serve", "--memory", "--port", "0", "--fail", "recording/groups/creat=402")
    assert failed.returncode != 0
    assert "--fail recording/groups/creat=402: match.function" in failed.stderr
    assert "did you mean recording/groups/create" in failed.stderr
    assert "Traceback" not in failed.stderr
    rules = tmp_path / "faults.json"
    rules.write_text(
        json.dumps(
            [{"effect": {"code": "500"}}, {"match": {"function": "x/y"}, "effect": {"code": "500"}}]
        )
    )
    failed = run_cli("serve", "--memory", "--port", "0", "--faults", str(rules))
    assert failed.returncode != 0 and f"{rules}: [1].match.function" in failed.stderr


def test_the_python_api_refuses_it_too(app):
    service = app.extensions["mock_enswitch"]
    rule = parse_rule({"match": {"function": "recording/groups/creat"}, "effect": {"code": "402"}})
    with pytest.raises(RuleError, match="did you mean recording/groups/create"):
        service.add_fault(rule)


def test_each_rule_shows_its_hits(client, api):
    client.post(
        "/_mock/faults",
        json={
            "match": {"function": "recording/groups/get"},
            "effect": {"code": "500"},
            "trigger": {"times": 3},
        },
    )
    api("recording/groups/get", id=1)
    api("recording/groups/get", id=1)
    [rule] = client.get("/_mock/faults").get_json()["faults"]
    assert (rule["hits"], rule["remaining"]) == (2, 1)


def test_the_journal_says_why_each_rule_did_not_fire(client, api):
    rules = [
        {"match": {"function": "recording/groups/create"}, "effect": {"code": "402"}},
        {
            "match": {"function": "recording/groups/get", "user": "beta-admin"},
            "effect": {"code": "500"},
        },
        {
            "match": {"function": "recording/groups/get"},
            "effect": {"code": "500"},
            "trigger": {"after": 1},
        },
        {
            "match": {"function": "recording/groups/get", "params": {"id": "2"}},
            "effect": {"code": "500"},
        },
        {"match": {"function": "recording/"}, "effect": {"code": "503"}, "trigger": {"every": 2}},
        {"effect": {"code": "500"}},
    ]
    for rule in rules:
        assert client.post("/_mock/faults", json=rule).status_code == 201
    api("recording/groups/get", id=1)
    [entry] = client.get("/_mock/requests").get_json()["requests"]
    assert entry["fault"] == 6 and entry["code"] == "500"
    why = {item["id"]: item["why"] for item in entry["rules_not_fired"]}
    assert why[1] == "match.function: the call is recording/groups/get, not recording/groups/create"
    assert why[2] == "match.user: the call is by 'acme-admin', not 'beta-admin'"
    assert why[3].startswith("trigger.after:")
    assert why[4] == "match.params.id: the call has '1', not '2'"
    assert why[5].startswith("trigger.every:")
    assert 6 not in why


def test_explanations_never_show_a_password(client, api):
    rule = {"match": {"params": {"auth_password": "nope"}}, "effect": {"code": "401"}}
    client.post("/_mock/faults", json=rule)
    api("recording/groups/get", id=1)
    [entry] = client.get("/_mock/requests").get_json()["requests"]
    assert "acme-admin-pass" not in json.dumps(entry)
    assert (
        entry["rules_not_fired"][0]["why"]
        == "match.params.auth_password: the call has ***, not ***"
    )


def test_enswitch_fail_refuses_a_dead_rule(enswitch):
    with pytest.raises(ValueError, match="did you mean recording/groups/create"):
        enswitch.fail("recording/groups/creat", 402)
