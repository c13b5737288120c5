"""Telephone lines: phones/get and phones/list through HTTP, lines added at run time through the
control API and the pytest helpers, and calls placed on them."""

from __future__ import annotations

import pytest
from conftest import Api, code, key

from mock_enswitch import Config, create_app


def names(body: dict) -> list[str]:
    assert code(body) == "200", body
    return [row["name"] for row in body["data"]]


def test_get_returns_the_lines_fields_and_display(api):
    body = api("phones/get", name="1001")
    assert code(body) == "200"
    line = body["data"]
    assert line["name"] == "1001" and line["customer"] == 3 and line["recordgroup"] == 1
    assert line["owner"] == 3 and line["display"] == "1001 (Reception)"
    assert line["callername_internal"] == "Alice Reception" and "password" not in line
    assert api("phones/get", name="2002", user="beta-admin")["data"]["display"] == "2002"


@pytest.mark.parametrize("user, name", [("acme-admin", "2001"), ("acme-admin", "nope")])
def test_get_of_a_missing_or_foreign_line_is_a_404(api, user, name):
    body = api("phones/get", user=user, name=name)
    assert code(body) == "404" and "data" not in body
    assert body["responses"][0]["message"] == (
        "The telephone line does not exist, or you do not have permission to view it."
    )


def test_get_names_a_missing_name(api):
    assert (code(api("phones/get")), key(api("phones/get"))) == ("400", "name")


@pytest.mark.parametrize(
    "user, name, shown",
    [
        ("acme-admin", "1002", True),  # an administrator: every line
        ("acme-user", "1002", True),  # the line's owner
        ("acme-user", "1001", False),  # another's line
    ],
)
def test_the_password_only_for_administrators_and_owners(api, user, name, shown):
    line = api("phones/get", user=user, name=name, password=1)["data"]
    assert ("password" in line) is shown


def test_list_shows_an_administrator_every_line_and_a_user_their_own(api):
    assert names(api("phones/list")) == ["1001", "1002", "1003"]
    assert names(api("phones/list", user="acme-user")) == ["1002"]
    assert names(api("phones/list", user="acme-user", owner=-1)) == ["1001", "1002", "1003"]
    assert names(api("phones/list", owner=5)) == ["1002"]
    assert names(api("phones/list", user="owner", customer=4)) == ["2001", "2002"]


def test_list_sorts_pages_and_counts(api):
    assert names(api("phones/list", sort="description")) == ["1001", "1002", "1003"]
    assert names(api("phones/list", sort="description", descending=1)) == ["1003", "1002", "1001"]
    assert names(api("phones/list", limit=1, offset=1)) == ["1002"]
    assert api("phones/list", count=1)["data"] == {"count": 3}


def test_list_refuses_a_customer_out_of_reach_and_bad_values(api):
    assert key(api("phones/list", customer=4)) == "customer"
    assert key(api("phones/list", sort="owner")) == "sort"
    assert key(api("phones/list", owner=-2)) == "owner"


def test_lines_added_at_run_time_take_calls(app, api):
    client = app.test_client()
    added = client.post(
        "/_mock/phones", json={"name": "1004", "customer": 3, "recordgroup": 1, "owner": 4}
    )
    assert added.status_code == 201
    assert "1004" in names(api("phones/list"))
    placed = client.post("/_mock/calls", json={"phone": "1004", "direction": "outbound"})
    assert placed.get_json()["recorded"] is True
    refused = client.post("/_mock/phones", json={"name": "1004", "customer": 3})
    assert refused.status_code == 400 and refused.get_json()["field"] == "name"
    foreign = client.post("/_mock/phones", json={"name": "1005", "customer": 3, "recordgroup": 2})
    assert foreign.status_code == 400 and foreign.get_json()["field"] == "recordgroup"
    assert client.delete(f"/_mock/phones/{added.get_json()['id']}").status_code == 204
    assert "1004" not in names(api("phones/list"))


def test_deleting_a_group_leaves_its_lines_without_one(api):
    assert code(api("recording/groups/delete", id=1)) == "204"
    assert api("phones/get", name="1001")["data"]["recordgroup"] == 0


def test_the_pytest_helpers_for_lines(enswitch):
    enswitch.add_line(name="3001", customer=3, recordgroup=1, description="Lab")
    assert "3001" in [line["name"] for line in enswitch.lines()]
    placed = enswitch.place_call(phone="3001", direction="outbound", called="0299990000")
    body = enswitch.call("cdrs/get", user="acme-admin", uniqueid=placed["uniqueid"])
    assert body["data"]["snumber"] == "3001" and body["data"]["recording"]


@pytest.mark.parametrize("version, shown", [("3.13", False), ("3.14", True)])
def test_password_arrives_in_3_14(version, shown):
    app = create_app(Config(enswitch_version=version))
    try:
        line = Api(app.test_client())("phones/get", name="1001", password=1)["data"]
        assert ("password" in line) is shown
    finally:
        app.extensions["mock_enswitch"].close()
