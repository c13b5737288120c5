"""Numbers (available -> owned -> released, reach, no-login lookups) and text messages (the
sending line or number must be the customer's, the rate plan, the outbox kept as received, the
message event) through HTTP."""

from __future__ import annotations

import base64

from conftest import code, key


def data(reply: dict):
    assert code(reply) in ("200", "204"), reply
    return reply.get("data")


def test_a_number_goes_from_the_pool_to_a_customer_and_back(app, api):
    pool = data(api("numbers/available/list", user=None, ingroup=1))
    assert pool == ["2125550111", "2125550112", "2125550113", "2125550114"]
    assert data(api("numbers/available/get", user=None, number="2125550112"))["customer"] == 0
    assert code(api("numbers/purchase", number="2125550112")) == "204"
    reply = api("numbers/available/get", user=None, number="2125550112")
    assert code(reply) == "400" and key(reply) == "number"  # in use now
    assert "2125550112" not in data(api("numbers/available/list", user=None, ingroup=1))
    mine = [n["number"] for n in data(api("numbers/list"))]
    assert mine == ["2125550101", "2125550102", "2125550112"]
    assert code(api("numbers/update", number="2125550112", description="Support",
                    dtype="phone", dnumber="1003")) == "204"  # fmt: skip
    got = data(api("numbers/get", number="2125550112"))
    assert (got["description"], got["dtype"], got["dnumber"]) == ("Support", "phone", "1003")
    assert code(api("numbers/delete", number="2125550112")) == "204"
    released = data(api("numbers/available/get", user=None, number="2125550112"))
    assert (released["customer"], released["description"]) == (0, "")
    # the customer that had it is offered it first
    assert data(api("numbers/available/list", ingroup=1))[0] == "2125550112"
    assert data(api("numbers/available/list", user=None, ingroup=1))[0] == "2125550111"
    assert app.test_client().post("/_mock/reset").status_code == 200
    assert len(data(api("numbers/list"))) == 2


def test_available_lookups_and_their_refusals(api):
    reply = api("numbers/available/list", user=None, ingroup=9)
    assert code(reply) == "400" and key(reply) == "ingroup"
    reply = api("numbers/available/list", user=None)
    assert code(reply) == "400" and key(reply) == "ingroup"
    assert data(api("numbers/available/list", user=None, ingroup=1, count=2)) == [
        "2125550111", "2125550112",
    ]  # fmt: skip
    assert data(api("numbers/available/list", user=None, ingroup=1, **{"class": 2})) == [
        "2125550113"
    ]
    assert data(api("numbers/available/list", user=None, ingroup=1, preferred="2125550114"))[
        0
    ] == "2125550114"  # fmt: skip
    assert code(api("numbers/available/get", user=None, number="999999")) == "404"
    wrong = api("numbers/available/list", user=None, ingroup=1, auth_username="acme-admin",
                auth_password="nope")  # fmt: skip
    assert code(wrong) == "401"


def test_only_the_owner_updates_or_releases_a_number(api):
    assert code(api("numbers/update", user="beta-admin", number="2125550101",
                    description="x")) == "404"  # fmt: skip
    assert code(api("numbers/delete", user="beta-admin", number="2125550101")) == "404"
    assert code(api("numbers/delete", number="2125550111")) == "404"  # in the pool
    assert code(api("numbers/purchase", user="acme-user", number="2125550111")) == "402"
    reply = api("numbers/purchase", number="2125550111", customer=4)
    assert code(reply) == "400" and key(reply) == "customer"  # not in reach
    assert code(api("numbers/purchase", user="reseller", number="2125550111", customer=4)) == "204"
    reply = api("numbers/update", number="2125550101", owner=6)  # Beta's user
    assert code(reply) == "400" and key(reply) == "owner"


def test_numbers_get_without_a_login_sees_only_the_pool(api):
    assert code(api("numbers/get", user=None, number="2125550111")) == "200"
    assert code(api("numbers/get", user=None, number="2125550101")) == "404"
    assert code(api("numbers/get", user="beta-admin", number="2125550101")) == "404"
    assert code(api("numbers/get", user="reseller", number="2125550101")) == "200"


def test_a_text_message_from_a_line_or_a_number_is_kept_as_received(app, api):
    assert code(api("messages/text/send", how="form", stype="phone", snumber="1001",
                    cnumber="+61412345678", message="Hello%20there")) == "204"  # fmt: skip
    file1 = base64.b64encode(b"%PDF-1.4").decode()
    assert code(api("messages/text/send", how="form", snumber="2125550101", cnumber="0412345678",
                    message="See attached", filename1="quote.pdf", file1=file1)) == "204"  # fmt: skip
    messages = app.test_client().get("/_mock/messages").get_json()["messages"]
    assert [m["message"] for m in messages] == [
        "Hello%20there",
        "See attached",
    ]  # not decoded again
    assert messages[0]["snumber"] == "1001" and messages[0]["customer"] == 3
    assert messages[1]["attachments"] == [{"filename": "quote.pdf", "size": 8}]
    events = app.test_client().get("/_mock/events?class=message").get_json()["events"]
    assert [(e["event"], e["cnumber"]) for e in events] == [
        ("sent", "+61412345678"), ("sent", "0412345678"),
    ]  # fmt: skip
    assert app.test_client().get("/_mock/messages?to=0412345678").get_json()["messages"][0][
        "message"
    ] == "See attached"  # fmt: skip
    app.test_client().post("/_mock/reset")
    assert app.test_client().get("/_mock/messages").get_json()["messages"] == []


def test_text_message_refusals(app, api):
    send = lambda **p: api("messages/text/send", **{"cnumber": "0412345678", "message": "hi", **p})  # noqa: E731
    reply = send(snumber="2125550103")  # Beta's number
    assert code(reply) == "400" and key(reply) == "snumber"
    reply = send(stype="phone", snumber="2001")  # Beta's line
    assert code(reply) == "400" and key(reply) == "snumber"
    reply = send(stype="phone", snumber="1001", cnumber="call me")
    assert code(reply) == "400" and key(reply) == "cnumber"
    reply = send(stype="phone", snumber="1001", file1="not base64!")
    assert code(reply) == "400" and key(reply) == "file1"
    reply = api("messages/text/send", stype="phone", snumber="1001", cnumber="0412345678")
    assert code(reply) == "400" and key(reply) == "message"
    assert code(send(user="acme-user", stype="phone", snumber="1001")) == "402"
    assert code(send(user="budget-admin", stype="phone", snumber="5001")) == "403"  # Basic plan
    assert app.test_client().get("/_mock/messages").get_json()["messages"] == []
