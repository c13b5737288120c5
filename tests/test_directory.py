"""Customers, users, roles and rate plans added and removed at run time: the same checks as the
fixture files, at once in force for the API, undone by a reset."""

from __future__ import annotations

import pytest
from conftest import code


@pytest.fixture
def client(app):
    return app.test_client()


def test_a_user_added_at_run_time_can_call_at_once(client, api):
    customer = client.post("/_mock/customers", json={"name": "Gamma", "parent": 2, "rate_plan": 1})
    assert customer.status_code == 201
    gamma = customer.get_json()["id"]
    assert gamma == 6
    user = {"username": "gamma-admin", "password": "gamma-pass", "customer": gamma, "role": 3}
    assert client.post("/_mock/users", json=user).status_code == 201
    body = api.client.get(
        "/api/json/recording/groups/create/?auth_username=gamma-admin;auth_password=gamma-pass;"
        "name=Gamma sales"
    ).get_json()
    assert code(body) == "200"
    reseller = api("recording/groups/list", user="reseller", customer=gamma)  # reach follows
    assert [g["name"] for g in reseller["data"]] == ["Gamma sales"]
    assert client.post("/_mock/reset").status_code == 200
    assert "gamma-admin" not in [
        u["username"] for u in client.get("/_mock/users").get_json()["users"]
    ]


@pytest.mark.parametrize(
    ("path", "record", "words"),
    [
        (
            "users",
            {"username": "x", "password": "p", "customer": 77, "role": 3},
            "names customers 77",
        ),
        (
            "users",
            {"username": "owner", "password": "p", "customer": 1, "role": 1},
            "repeats 'owner'",
        ),
        (
            "users",
            {"username": "x", "password": "p", "custmer": 1, "role": 1},
            "did you mean customer?",
        ),
        ("roles", {"name": "R", "privileges": "all"}, "must be a list of strings"),
        ("customers", {"id": 3, "name": "Dup", "parent": 1, "rate_plan": 1}, "repeats 3"),
        ("rate_plans", ["not", "an", "object"], "JSON object"),
    ],
)
def test_a_bad_record_is_refused_as_a_fixture_file_would_be(client, path, record, words):
    before = client.get(f"/_mock/{path}").get_json()
    reply = client.post(f"/_mock/{path}", json=record)
    assert reply.status_code == 400 and words in reply.get_json()["error"]
    assert client.get(f"/_mock/{path}").get_json() == before


def test_removing_what_is_still_referred_to_is_refused(client):
    reply = client.delete("/_mock/customers/3")  # Acme Corp: users and a record group
    assert reply.status_code == 400 and "customer" in reply.get_json()["error"]
    assert client.delete("/_mock/roles/99").status_code == 404


def test_removing_a_user_locks_them_out(client, api):
    assert client.delete("/_mock/users/4").status_code == 204  # acme-recorder
    assert code(api("user/login", user="acme-recorder")) == "401"


def test_a_user_who_owns_a_line_stays_and_the_line_is_named(client, api):
    reply = client.delete("/_mock/users/5")  # acme-user owns line 1002
    assert reply.status_code == 400
    assert "telephone line 2 (1002)" in reply.get_json()["error"]
    assert code(api("user/login", user="acme-user")) == "200"


def test_the_pytest_helpers(enswitch):
    gamma = enswitch.add_customer(name="Gamma", parent=2, rate_plan=1)
    enswitch.add_user(username="gamma-admin", password="gp", customer=gamma, role=3)
    body = enswitch.call("recording/groups/create", user="gamma-admin", name="G")
    assert body["responses"][0]["code"] == "200"
    role = enswitch.add_role(name="Listener", privileges=["record", "user"])
    plan = enswitch.add_rate_plan(name="Gold", privileges=["recording"])
    assert (role, plan) == (6, 3)
    enswitch.remove("roles", role)
    with pytest.raises(ValueError, match="400"):
        enswitch.remove("customers", gamma)  # gamma-admin still belongs to it


def test_a_password_or_role_changed_at_run_time_is_in_force_at_the_next_call(client, api):
    """What a call's credentials are checked against is kept between calls (directory.login):
    an edit of the user clears it, so the old password stops working at once."""
    login = "/api/json/user/login/?auth_username=acme-recorder;auth_password="
    assert code(api.client.get(login + "acme-recorder-pass").get_json()) == "200"
    changed = client.patch("/_mock/users/4", json={"password": "new-pass"})
    assert changed.status_code == 204
    assert code(api.client.get(login + "acme-recorder-pass").get_json()) == "401"
    assert code(api.client.get(login + "new-pass").get_json()) == "200"
    assert client.delete("/_mock/users/4").status_code == 204
    assert code(api.client.get(login + "new-pass").get_json()) == "401"
