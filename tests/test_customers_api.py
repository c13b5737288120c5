"""customers/get, customers/list, customers/balance/add and transactions/list through HTTP: the
fields, reach and privileges, the refusals naming their parameter, check=1 without a login,
balance then transactions, versions (`end` exclusive from 3.14), reset, and the SDK flow
(user/login -> customers/get -> balance) through `serve`, with a `//` in the path."""

from __future__ import annotations

import json
import urllib.request

import pytest
from conftest import Api, code, key
from live import LiveServer

from mock_enswitch import Config, create_app


def data(reply: dict):
    assert code(reply) in ("200", "204"), reply
    return reply.get("data")


def test_get_returns_the_customers_fields_with_a_decimal_string_balance(api):
    got = data(api("customers/get", id=3))
    assert got == {
        "id": 3,
        "name": "Acme Corp",
        "parent": 2,
        "rate_plan": 1,
        "email": "it@acme.example",
        "balance": "42.5",
        "currency": "USD",
    }
    assert data(api("customers/get", name="Acme Corp")) == got
    assert data(api("customers/get", email="it@acme.example")) == got


def test_get_needs_one_of_id_name_or_email(api):
    reply = api("customers/get")
    assert code(reply) == "400" and key(reply) == "id"


def test_get_reaches_only_the_callers_own_customer_without_commerce(api):
    assert code(api("customers/get", user="acme-user", id=3)) == "200"  # own, plain user
    assert code(api("customers/get", user="acme-user", id=4)) == "404"  # a sibling
    assert code(api("customers/get", user="reseller", id=4)) == "200"  # below it
    assert code(api("customers/get", user="reseller", id=5)) == "404"  # not below it
    assert code(api("customers/get", user="beta-admin", id=3)) == "404"  # a sibling
    assert code(api("customers/get", user="owner", id=5)) == "200"
    assert code(api("customers/get", id=99)) == "404"


def test_check_needs_no_login_and_says_only_whether_it_exists(api):
    assert api("customers/get", user=None, check=1, id=4)["data"] == {"id": 4}
    assert code(api("customers/get", user=None, check=1, id=99)) == "404"
    assert code(api("customers/get", user=None, id=4)) == "401"  # without check: a login


def test_list_shows_the_reach_and_never_a_sibling(api):
    names = lambda user, **p: [c["name"] for c in data(api("customers/list", user=user, **p))]  # noqa: E731
    assert names("reseller") == ["Acme Corp", "Beta Inc", "Reseller Telecom"]  # by name
    assert names("beta-admin") == ["Beta Inc"]
    assert len(names("owner")) == 5
    assert names("owner", parent=1) == ["Budget Calls", "Reseller Telecom"]
    assert names("owner", parent=1, recursive=1, sort="id") == [
        "Reseller Telecom", "Acme Corp", "Beta Inc", "Budget Calls",
    ]  # fmt: skip
    assert names("owner", name="inc") == ["Beta Inc"]
    assert names("owner", deleted=1) == []
    assert data(api("customers/list", user="owner", count=1)) == {"count": 5}
    assert code(api("customers/list", user="acme-user")) == "402"
    reply = api("customers/list", user="owner", deleted=2)
    assert code(reply) == "400" and key(reply) == "deleted"


def test_balance_add_changes_the_balance_and_records_a_transaction(api):
    assert code(api("customers/balance/add", id=3, amount="10.25", transaction="credit",
                    description="Top-up by card")) == "204"  # fmt: skip
    assert data(api("customers/get", id=3))["balance"] == "52.75"
    assert code(api("customers/balance/add", id=3, amount="-2.75")) == "204"  # no transaction
    assert data(api("customers/get", id=3))["balance"] == "50"
    (row,) = data(api("transactions/list"))
    assert row["amount"] == "10.25" and isinstance(row["amount"], str)
    assert (row["type"], row["description"], row["customer"], row["person"]) == (
        "credit", "Top-up by card", 3, 3,
    )  # fmt: skip
    assert row["currency"] == "USD" and row["invoice"] == 0


@pytest.mark.parametrize(
    ("params", "wanted_key"),
    [
        ({"amount": "ten"}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": "1.1234567"}, "amount"),
        ({}, "amount"),
        ({"amount": "1", "currency": "EUR"}, "currency"),
        ({"amount": "1", "transaction": "gift"}, "transaction"),
    ],
)
def test_balance_add_refuses_bad_input_naming_the_parameter_and_changes_nothing(
    api, params, wanted_key
):
    reply = api("customers/balance/add", id=3, **params)
    assert code(reply) == "400" and key(reply) == wanted_key
    assert data(api("customers/get", id=3))["balance"] == "42.5"
    assert data(api("transactions/list")) == []


def test_balance_add_reach_and_privilege(api):
    assert code(api("customers/balance/add", user="acme-user", id=3, amount="1")) == "402"
    assert code(api("customers/balance/add", id=4, amount="1")) == "404"  # a sibling
    assert code(api("customers/balance/add", user="reseller", id=4, amount="1")) == "204"
    assert code(api("customers/balance/add", user="reseller", id=5, amount="1")) == "404"
    assert data(api("customers/get", id=3))["balance"] == "42.5"


def test_transactions_list_window_customer_sort_and_privilege(app, api):
    clock = app.test_client()
    start = clock.get("/_mock/clock").get_json()["now"]
    for amount in ("5", "20", "1.5"):
        api("customers/balance/add", id=3, amount=amount, transaction="topup")
        clock.post("/_mock/clock", json={"advance": 60})
    rows = data(api("transactions/list", sort="amount", descending=1))
    assert [r["amount"] for r in rows] == ["20", "5", "1.5"]
    second = rows[0]["time"]
    assert [r["amount"] for r in data(api("transactions/list", start=second))] == ["20", "1.5"]
    assert [r["amount"] for r in data(api("transactions/list", end=second))] == ["5"]  # exclusive
    assert int(start) <= rows[-1]["time"]
    assert code(api("transactions/list", user="acme-recorder")) == "402"
    reply = api("transactions/list", customer=4)
    assert code(reply) == "400" and key(reply) == "customer"
    assert data(api("transactions/list", user="reseller", customer=3)) == data(
        api("transactions/list")
    )


def test_transactions_end_is_inclusive_in_3_13():
    app = create_app(Config(enswitch_version="3.13"))
    api = Api(app.test_client())
    api("customers/balance/add", id=3, amount="5", transaction="credit")
    (row,) = data(api("transactions/list"))
    assert len(data(api("transactions/list", end=row["time"]))) == 1  # 3.13: up to and at end
    app.extensions["mock_enswitch"].close()
    later = create_app(Config(enswitch_version="3.14"))
    api = Api(later.test_client())
    api("customers/balance/add", id=3, amount="5", transaction="credit")
    (row,) = data(api("transactions/list"))
    assert data(api("transactions/list", end=row["time"])) == []  # 3.14: less than end
    later.extensions["mock_enswitch"].close()


def test_reset_puts_balances_back_and_clears_transactions(app, api):
    api("customers/balance/add", id=3, amount="100", transaction="credit")
    assert app.test_client().post("/_mock/reset").status_code == 200
    assert data(api("customers/get", id=3))["balance"] == "42.5"
    assert data(api("transactions/list")) == []


def test_no_secret_is_in_a_customer(api):
    text = json.dumps(data(api("customers/list", user="owner")))
    assert "pass" not in text and "events_url" not in text


def test_the_sdk_flow_through_serve_login_then_customers_get_with_a_double_slash():
    """nomado-node and nomado-php: user/login, then customers/get(id=data.customer), then
    `data.balance`; a base URL ending in / makes the path //api/json/."""
    with LiveServer("--memory") as server:
        auth = "auth_username=beta-admin&auth_password=beta-admin-pass"

        def get(path: str) -> dict:
            with urllib.request.urlopen(f"{server.url}//api/json/{path}", timeout=10) as reply:
                return json.loads(reply.read())

        login = get(f"user/login?{auth}")
        customer = login["data"]["customer"]
        got = get(f"customers/get/?{auth}&id={customer}")
        assert code(got) == "200" and got["data"]["balance"] == "1.779418"
        # enswitch-go: GET, no trailing slash, & separators, keys sorted
        added = get(f"customers/balance/add?amount=0.220582&{auth}&currency=USD&description=x"
                    "&id=4&transaction=credit")  # fmt: skip
        assert added == {"responses": [{"code": "204", "key": "", "message": "OK"}]}
        assert get(f"customers/get/?{auth}&id=4")["data"]["balance"] == "2"


def test_people_list_shows_a_customers_people_and_never_a_password(api):
    rows = data(api("people/list"))
    assert [r["username"] for r in rows] == ["acme-admin", "acme-recorder", "acme-user"]
    assert rows[0] == {
        "id": 3, "username": "acme-admin", "customer": 3, "role": 3, "forename": "Alice",
        "surname": "Admin", "fullname": "Alice Admin", "email": "alice@acme.example",
        "mobile": "+15550100003", "telephone": "+15550100103", "company": "Acme Corp",
    }  # fmt: skip
    assert "pass" not in json.dumps(data(api("people/list", user="owner", customer=4)))
    assert [r["surname"] for r in data(api("people/list", sort="surname", descending=1))] == [
        "Sales", "Recorder", "Admin",
    ]  # fmt: skip
    reply = api("people/list", customer=4)
    assert code(reply) == "400" and key(reply) == "customer"
    assert data(api("people/list", count=1)) == {"count": 3}


def test_the_panel_lists_are_their_siblings_rows_under_the_panel_privilege(app, api):
    rows = data(api("phones/list/panel"))
    assert [(r["name"], r["registered"], r["expect_registered"]) for r in rows] == [
        ("1001", 1, 1), ("1002", 1, 1), ("1003", 1, 1),
    ]  # fmt: skip
    assert code(api("phones/list/panel", user="acme-user")) == "402"
    app.test_client().post("/_mock/calls", json={"phone": "1001", "active": True})
    assert data(api("calls/active/list/panel")) == data(api("calls/active/list"))
    assert code(api("calls/active/list/panel", user="acme-recorder")) == "402"
