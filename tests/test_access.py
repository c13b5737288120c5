"""The permission model, in its order: 401 credentials, 402 role, 400/404 reach, 403 rate plan."""

from __future__ import annotations

import json

import pytest
from conftest import Api, code, key

from mock_enswitch import Config, create_app

GROUP_FUNCTIONS = {
    "recording/groups/create": {"name": "New"},
    "recording/groups/update": {"id": 1, "name": "Changed"},
    "recording/groups/get": {"id": 1},
    "recording/groups/list": {},
    "recording/groups/delete": {"id": 1},
}
ALL_FUNCTIONS = {**GROUP_FUNCTIONS, "user/login": {}}


def stored(api) -> list[dict]:
    return api("recording/groups/list", user="owner", customer=3)["data"]


@pytest.mark.parametrize("function", ALL_FUNCTIONS)
@pytest.mark.parametrize(
    "auth",
    [
        {},
        {"auth_username": "acme-admin"},
        {"auth_username": "acme-admin", "auth_password": "wrong"},
        {"auth_username": "acme-admin", "auth_password": ""},
        {"auth_username": "nobody", "auth_password": "acme-admin-pass"},
        {"auth_password": "acme-admin-pass"},
        {"auth_token": "not-a-token"},
    ],
)
def test_bad_credentials_are_401_and_change_nothing(api, function, auth):
    before = stored(api)
    body = api(function, user=None, **auth, **ALL_FUNCTIONS[function])
    assert body["responses"] == [
        {"code": "401", "key": "", "message": "The authentication details provided are invalid."}
    ]
    assert stored(api) == before


def test_401_comes_before_bad_parameters(api):
    assert code(api("recording/groups/create", user=None, fraction="junk")) == "401"


@pytest.mark.parametrize(
    ("function", "user"),
    [
        ("recording/groups/create", "acme-recorder"),  # record, not administrator
        ("recording/groups/create", "acme-user"),
        ("recording/groups/update", "acme-user"),  # neither record nor administrator
        ("recording/groups/get", "acme-user"),
        ("recording/groups/list", "acme-user"),
        ("recording/groups/delete", "acme-recorder"),
        ("recording/groups/delete", "acme-user"),
    ],
)
def test_a_role_without_the_privilege_is_402(api, function, user):
    before = stored(api)
    body = api(function, user=user, **GROUP_FUNCTIONS[function])
    assert body["responses"] == [
        {"code": "402", "key": "", "message": "Your role does not allow this."}
    ]
    assert stored(api) == before


def test_402_comes_before_bad_parameters(api):
    assert code(api("recording/groups/create", user="acme-user", fraction="junk")) == "402"


def test_login_needs_only_the_user_privilege(api):
    assert code(api("user/login", user="acme-user")) == "200"


@pytest.mark.parametrize("function", ["recording/groups/create", "recording/groups/list"])
def test_a_customer_whose_rate_plan_lacks_recording_is_403(api, function):
    """budget-admin's own customer (5) is on the Basic plan, which has no recording."""
    body = api(function, user="budget-admin", **GROUP_FUNCTIONS[function])
    assert body["responses"] == [
        {"code": "403", "key": "", "message": "Your rate plan does not allow this."}
    ]
    assert all(group["customer"] != 5 for group in stored(api))


@pytest.fixture
def budget_group(tmp_path, fixtures_copy):
    """An app seeded with a group of customer 5 (Basic plan, no recording)."""
    groups = json.loads((fixtures_copy / "record_groups.json").read_text())
    groups.append({"id": 9, "customer": 5, "name": "Budget group"})
    (fixtures_copy / "record_groups.json").write_text(json.dumps(groups))
    app = create_app(Config(fixtures_dir=fixtures_copy))
    yield Api(app.test_client())
    app.extensions["mock_enswitch"].close()


@pytest.mark.parametrize(
    "function", ["recording/groups/update", "recording/groups/get", "recording/groups/delete"]
)
@pytest.mark.parametrize("user", ["budget-admin", "owner"])
def test_a_group_of_a_customer_without_recording_is_403(budget_group, function, user):
    body = budget_group(function, user=user, id=9)
    assert code(body) == "403"
    assert code(budget_group("recording/groups/get", user="owner", id=1)) == "200"


def test_the_system_owner_is_403_when_naming_a_customer_without_recording(api):
    body = api("recording/groups/create", user="owner", customer=5, name="X")
    assert code(body) == "403"
    body = api("recording/groups/list", user="owner", customer=5)
    assert code(body) == "403"


# Customer reach: system owner > reseller > customer.

REACH = {
    "owner": {1, 2, 3, 4},  # 5 is reached too, but its plan answers 403
    "reseller": {2, 3, 4},
    "acme-admin": {3},
    "beta-admin": {4},
}


@pytest.mark.parametrize("user", REACH)
@pytest.mark.parametrize("customer", [1, 2, 3, 4])
def test_create_in_a_customer_follows_the_reach(api, user, customer):
    body = api("recording/groups/create", user=user, customer=customer, name="Reach")
    if customer in REACH[user]:
        assert code(body) == "200", body
        group = api("recording/groups/get", user="owner", id=body["data"]["id"])["data"]
        assert group["customer"] == customer
    else:
        assert (code(body), key(body)) == ("400", "customer")
        assert "Invalid customer" in body["responses"][0]["message"]


@pytest.mark.parametrize("user", REACH)
@pytest.mark.parametrize("customer", [1, 2, 3, 4])
def test_list_of_a_customer_follows_the_reach(api, user, customer):
    body = api("recording/groups/list", user=user, customer=customer)
    expected = "200" if customer in REACH[user] else "400"
    assert code(body) == expected


def test_a_customer_that_does_not_exist_is_400_on_customer(api):
    body = api("recording/groups/create", user="owner", customer=99, name="X")
    assert (code(body), key(body)) == ("400", "customer")


@pytest.mark.parametrize(
    "function", ["recording/groups/update", "recording/groups/get", "recording/groups/delete"]
)
@pytest.mark.parametrize(
    ("user", "group", "reachable"),
    [
        ("owner", 2, True),
        ("reseller", 1, True),
        ("reseller", 2, True),
        ("acme-admin", 1, True),
        ("acme-admin", 2, False),  # Beta's group: answered as if it did not exist
        ("beta-admin", 1, False),
        ("beta-admin", 2, True),
    ],
)
def test_a_group_out_of_reach_is_exactly_like_a_missing_one(api, function, user, group, reachable):
    body = api(function, user=user, id=group)
    missing = api(function, user=user, id=12345)
    if reachable:
        assert code(body) in {"200", "204"}
    else:
        assert body["responses"] == missing["responses"]
        assert code(body) == "404"
        assert api("recording/groups/get", user="owner", id=group)["data"]["id"] == group


def test_update_cannot_move_a_group_to_an_owner_of_another_customer(api):
    body = api("recording/groups/update", user="owner", id=1, owner=6)
    assert (code(body), key(body)) == ("400", "owner")
