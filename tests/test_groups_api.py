"""recording/groups/* and user/login through HTTP: success paths, defaults, wire format, 400s."""

from __future__ import annotations

import pytest
from conftest import code, key

CREATE_DEFAULTS = {
    "description": "",
    "email": "",
    "expires": 365,
    "fraction": 100,
    "beep": 0,
    "message": "",
    "owner": 0,
    "record_in": 1,
    "record_out": 1,
    "transcribe": 0,
}


def create(api, **params) -> int:
    body = api("recording/groups/create", **{"name": "Test group", **params})
    assert code(body) == "200", body
    return body["data"]["id"]


def get(api, group_id: int, user: str = "acme-admin") -> dict:
    body = api("recording/groups/get", user=user, id=group_id)
    assert code(body) == "200", body
    return body["data"]


def test_create_applies_every_documented_default(api):
    group = get(api, create(api, name="Defaults"))
    assert group == {"id": group["id"], "customer": 3, "name": "Defaults", **CREATE_DEFAULTS}


def test_create_stores_every_given_field(api):
    given = {
        "description": "Calls to sales",
        "email": "a@example.com, b@example.com",
        "expires": 30,
        "fraction": 0,
        "beep": 15,
        "message": "inbound_outbound",
        "owner": 4,
        "record_in": 0,
        "record_out": 0,
        "transcribe": 1,
    }
    group = get(api, create(api, name="All fields", **given))
    assert group == {"id": group["id"], "customer": 3, "name": "All fields", **given}


def test_create_answers_the_new_id_and_ids_increase(api):
    first, second = create(api), create(api)
    assert first == 3  # the fixtures hold groups 1 and 2
    assert second == first + 1


def test_ids_are_never_reused_after_delete(api):
    newest = create(api)
    assert code(api("recording/groups/delete", id=newest)) == "204"
    assert create(api) == newest + 1


def test_update_keeps_the_current_value_of_what_is_not_given(api):
    group_id = create(api, description="before", expires=10, fraction=50, owner=3, record_in=0)
    body = api("recording/groups/update", id=group_id, description="after")
    assert body == {"responses": [{"code": "204", "key": "", "message": "OK"}]}  # no data on 204
    group = get(api, group_id)
    assert group["description"] == "after"
    assert (group["expires"], group["fraction"], group["owner"], group["record_in"]) == (
        10,
        50,
        3,
        0,
    )
    assert group["name"] == "Test group"


def test_update_quirk_beep_and_transcribe_fall_back_to_zero_when_not_given(api):
    """The guides: update's beep default is 0 (and transcribe's, from 4.2), not the current value."""
    group_id = create(api, beep=20, transcribe=1)
    assert code(api("recording/groups/update", id=group_id, name="Renamed")) == "204"
    group = get(api, group_id)
    assert (group["name"], group["beep"], group["transcribe"]) == ("Renamed", 0, 0)


def test_update_may_be_done_with_the_record_privilege(api):
    assert code(api("recording/groups/update", user="acme-recorder", id=1, fraction=10)) == "204"
    assert get(api, 1)["fraction"] == 10


def test_get_returns_a_seeded_group(api):
    group = get(api, 1)
    assert group["name"] == "Acme sales"
    assert group["customer"] == 3


def test_list_returns_the_callers_customers_groups_by_id(api):
    create(api, name="Second Acme group")
    body = api("recording/groups/list", user="acme-recorder")
    assert code(body) == "200"
    assert [(g["id"], g["name"]) for g in body["data"]] == [
        (1, "Acme sales"),
        (3, "Second Acme group"),
    ]


def test_list_of_another_customer_in_reach(api):
    body = api("recording/groups/list", user="reseller", customer=4)
    assert [g["name"] for g in body["data"]] == ["Beta support"]


def test_delete_removes_the_group(api):
    group_id = create(api)
    assert code(api("recording/groups/delete", id=group_id)) == "204"
    assert code(api("recording/groups/get", id=group_id)) == "404"
    assert code(api("recording/groups/delete", id=group_id)) == "404"


def test_login_returns_the_callers_fields_without_the_password(api):
    body = api("user/login", user="acme-user")
    assert code(body) == "200"
    assert body["data"]["username"] == "acme-user"
    assert "password" not in body["data"]
    assert "auth_token" not in body["data"]


def test_login_token_authenticates_later_calls(api):
    token = api("user/login", token=1)["data"]["auth_token"]
    body = api("recording/groups/create", user=None, auth_token=token, name="By token")
    assert code(body) == "200"
    assert get(api, body["data"]["id"])["customer"] == 3


def test_a_forged_token_is_refused(api):
    token = api("user/login", token=1)["data"]["auth_token"]
    body = api("recording/groups/list", user=None, auth_token=token[:-2] + "xx")
    assert code(body) == "401"


# Wire format.


@pytest.mark.parametrize("how", ["get", "form", "json"])
@pytest.mark.parametrize("sep", [";", "&"])
def test_every_method_and_separator_creates(api, how, sep):
    group = get(api, create(api, name="Wire", fraction=7, how=how, sep=sep))
    assert (group["name"], group["fraction"]) == ("Wire", 7)


def test_separators_may_be_mixed_and_trailing_slash_is_optional(api):
    url = (
        "/api/json/recording/groups/create?auth_username=acme-admin&auth_password=acme-admin-pass"
        ";name=Mixed;fraction=3"
    )
    body = api.client.get(url).get_json()
    assert code(body) == "200"
    assert get(api, body["data"]["id"])["fraction"] == 3


def test_post_body_wins_over_the_query_string(api):
    response = api.client.post(
        "/api/json/recording/groups/create/?name=FromQuery;fraction=1",
        data={
            "auth_username": "acme-admin",
            "auth_password": "acme-admin-pass",
            "name": "FromBody",
        },
    )
    group = get(api, response.get_json()["data"]["id"])
    assert (group["name"], group["fraction"]) == ("FromBody", 1)


def test_a_repeated_parameter_keeps_its_last_value(api):
    body = api.client.get(
        "/api/json/recording/groups/create/?auth_username=acme-admin;auth_password=acme-admin-pass"
        ";name=First;name=Last"
    ).get_json()
    assert get(api, body["data"]["id"])["name"] == "Last"


def test_codes_are_strings_and_responses_come_first(api):
    response = api.client.get("/api/json/recording/groups/get/?id=1")
    assert response.get_data(as_text=True).startswith('{"responses": [{"code": "401"')


def test_unknown_function_answers_an_envelope_404(api):
    body = api("recording/groups/explode")
    assert code(body) == "404"
    assert "recording/groups/explode" in body["responses"][0]["message"]


def test_an_unknown_url_outside_the_api_is_still_an_envelope(api):
    response = api.client.get("/no/such/page")
    assert response.status_code == 404
    assert response.get_json()["responses"][0]["code"] == "404"


def test_an_unsupported_method_is_an_envelope(api):
    response = api.client.put("/api/json/recording/groups/create/")
    assert response.get_json()["responses"][0]["code"] == "405"


def test_a_json_body_that_is_not_an_object_is_a_400(api):
    response = api.client.post("/api/json/recording/groups/create/", json=[1, 2])
    assert code(response.get_json()) == "400"


def test_invalid_utf8_is_a_400(api):
    response = api.client.get("/api/json/recording/groups/create/?name=%ff")
    assert code(response.get_json()) == "400"


# validation=1


@pytest.mark.parametrize(
    ("function", "params"),
    [
        ("recording/groups/create", {"name": "Only validated"}),
        ("recording/groups/update", {"id": 1, "name": "Only validated", "fraction": 1}),
    ],
)
def test_validation_answers_201_and_changes_nothing(api, function, params):
    """delete takes no `validation` (section 2.4 of the reference: `id` only), like timegroups/delete."""
    before = api("recording/groups/list", user="owner", customer=3)["data"]
    body = api(function, validation=1, **params)
    assert body == {"responses": [{"code": "201", "key": "", "message": "OK"}]}
    assert api("recording/groups/list", user="owner", customer=3)["data"] == before
    assert create(api) == 3  # no ID was used up either


def test_validation_still_reports_bad_input(api):
    body = api("recording/groups/create", validation=1, name="X", fraction=101)
    assert (code(body), key(body)) == ("400", "fraction")


# 400: each kind of bad value names its parameter.

BAD_CREATES = [
    ({}, "name", "Missing required parameter name"),
    ({"name": ""}, "name", "must not be empty"),
    ({"name": "x" * 256}, "name", "at most 255 characters"),
    ({"fraction": "abc"}, "fraction", "must be an integer"),
    ({"fraction": "1.5"}, "fraction", "must be an integer"),
    ({"fraction": 101}, "fraction", "at most 100"),
    ({"fraction": -1}, "fraction", "at least 0"),
    ({"expires": "9" * 40}, "expires", "out of range"),
    ({"expires": 2**31}, "expires", "at most"),
    ({"beep": -5}, "beep", "at least 0"),
    ({"record_in": 2}, "record_in", "must be one of 0, 1"),
    ({"record_out": "yes"}, "record_out", "must be an integer"),
    ({"transcribe": 3}, "transcribe", "must be one of"),
    ({"message": "sometimes"}, "message", "must be one of"),
    ({"owner": 999}, "owner", "Invalid owner"),
    ({"owner": 6}, "owner", "Invalid owner"),  # beta-admin: a user of another customer
    ({"email": "not-an-address"}, "email", "Invalid email"),
    ({"customer": 0}, "customer", "at least 1"),
    ({"validation": 2}, "validation", "must be one of"),
]


@pytest.mark.parametrize(("params", "bad_key", "message"), BAD_CREATES)
def test_create_rejects_bad_values_naming_the_parameter(api, params, bad_key, message):
    body = api("recording/groups/create", **({"name": "Bad", **params} if params else {}))
    assert (code(body), key(body)) == ("400", bad_key), body
    assert message in body["responses"][0]["message"]
    assert [g["id"] for g in api("recording/groups/list")["data"]] == [1]  # nothing stored


@pytest.mark.parametrize(
    ("params", "bad_key"),
    [
        ({}, "id"),
        ({"id": "one"}, "id"),
        ({"id": 0}, "id"),
        ({"id": 1, "fraction": 200}, "fraction"),
    ],
)
def test_update_rejects_bad_values_and_changes_nothing(api, params, bad_key):
    before = get(api, 1)
    body = api("recording/groups/update", **params)
    assert (code(body), key(body)) == ("400", bad_key)
    assert get(api, 1) == before


def test_a_rejected_update_changes_no_field(api):
    before = get(api, 1)
    body = api("recording/groups/update", id=1, name="Changed", owner=999)
    assert (code(body), key(body)) == ("400", "owner")
    assert get(api, 1) == before


def test_unknown_parameters_are_ignored(api):
    assert get(api, create(api, colour="blue"))["name"] == "Test group"


def test_a_lone_surrogate_in_a_json_body_is_a_400_and_stores_nothing(api):
    body = b'{"auth_username": "acme-admin", "auth_password": "acme-admin-pass", "name": "\\ud800"}'
    response = api.client.post(
        "/api/json/recording/groups/create/", data=body, content_type="application/json"
    )
    assert code(response.get_json()) == "400"
    assert [g["id"] for g in api("recording/groups/list")["data"]] == [1]
