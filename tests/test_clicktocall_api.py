"""calls/make and calls/hangup through HTTP: the click-to-call flow on the simulated switch from
start to end (two legs, one callid; active, hung up, call records, recordings), the replies with
and without `wait`, `delay`, the refusals and privileges, and through `serve`."""

from __future__ import annotations

import pytest
from conftest import code
from live import LiveServer

from mock_enswitch.testing import Enswitch

NUMBER = "0298765432"


@pytest.fixture
def clock(app):
    client = app.test_client()

    def advance(seconds: int) -> None:
        assert client.post("/_mock/clock", json={"advance": seconds}).status_code == 200

    return advance


def active(api) -> list[dict]:
    return api("calls/active/list")["data"]


def make(api, **params) -> dict:
    return api("calls/make", **{"stype": "phone", "snumber": "1001", "cnumber": NUMBER, **params})


def test_a_call_rings_the_line_then_the_number_and_both_legs_share_a_callid(api, clock):
    reply = make(api, wait=5)
    assert code(reply) == "200"
    callid = reply["data"]["callid"]
    assert reply["data"] == {"callid": callid, "server": "mock-enswitch"}
    (first,) = active(api)
    assert (first["uniqueid"], first["callid"], first["status"]) == (callid, callid, "ringing")
    assert (first["dtype"], first["dnumber"]) == ("phone", "1001")  # the line is called
    clock(6)  # the line answers after 5 s; then the number rings
    legs = active(api)
    assert [leg["callid"] for leg in legs] == [callid, callid]
    assert legs[0]["status"] == "answer" and legs[1]["status"] == "ringing"
    assert legs[1]["uniqueid"] != callid
    assert (legs[1]["stype"], legs[1]["snumber"], legs[1]["dnumber"]) == ("phone", "1001", NUMBER)
    clock(30)
    assert code(api("calls/hangup", callid=callid)) == "204"
    assert active(api) == []
    records = api("cdrs/list", callid=callid)["data"]
    assert sorted(r["uniqueid"] for r in records) == sorted(leg["uniqueid"] for leg in legs)
    assert {r["status"] for r in records} == {"answer"}
    assert sorted(int(r["talktime"]) for r in records) == [26, 31]
    assert len(api("cdrs/list", callid=callid, detail="call")["data"]) == 1  # one call


def test_the_line_s_record_group_records_each_leg_with_the_callid(api, clock):
    callid = make(api, wait=1)["data"]["callid"]
    clock(20)
    api("calls/hangup", callid=callid)
    rows = [r for r in api("recording/recordings/list", recordgroup=1)["data"]]
    assert sum(r["callid"] == callid for r in rows) == 2  # line 1001's group 1 records in and out


def test_without_wait_the_answer_is_204_with_no_data(api):
    reply = make(api)
    assert code(reply) == "204" and "data" not in reply
    assert len(active(api)) == 1


def test_answer_flags_skip_the_ringing_and_delay_waits_on_the_mock_clock(api, clock):
    make(api, answer1=1, answer2=1)
    legs = active(api)
    assert [leg["status"] for leg in legs] == ["answer", "answer"]
    api("calls/hangup", callid=legs[0]["callid"])
    make(api, delay=60)
    assert active(api) == []
    clock(61)
    assert len(active(api)) == 1


def test_an_outside_number_can_be_called_first(api, clock):
    callid = make(api, stype="", snumber="0412345678", wait=1)["data"]["callid"]
    clock(6)
    legs = active(api)
    assert [leg["callid"] for leg in legs] == [callid, callid]
    assert legs[1]["dnumber"] == NUMBER


def test_hanging_up_the_first_leg_while_it_rings_means_the_second_never_starts(api, clock):
    callid = make(api, wait=1)["data"]["callid"]
    assert code(api("calls/hangup", uniqueid=callid)) == "204"
    clock(10)
    assert active(api) == []
    (record,) = api("cdrs/list", callid=callid)["data"]
    assert record["status"] == "cancel"  # never answered


def test_hanging_up_one_leg_by_uniqueid_leaves_the_other(api, clock):
    make(api, answer1=1)
    second = active(api)[1]["uniqueid"]
    assert code(api("calls/hangup", uniqueid=second)) == "204"
    assert len(active(api)) == 1


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"snumber": ""}, "snumber"),
        ({"cnumber": ""}, "cnumber"),
        ({"stype": "", "snumber": "not-a-number"}, "snumber"),
        ({"callerid1": "caller"}, "callerid1"),
        ({"recordgroup": 2}, "recordgroup"),  # another customer's group
        ({"stype": "line"}, "stype"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(api, params, key):
    reply = make(api, **params)
    assert (code(reply), reply["responses"][0]["key"]) == ("400", key)
    assert active(api) == []  # nothing placed


@pytest.mark.parametrize("line", ["2001", "9999"])  # another customer's, none
def test_a_line_that_is_not_the_customer_s_is_a_404(api, line):
    reply = make(api, snumber=line)
    assert code(reply) == "404"
    assert reply["responses"][0]["message"].startswith("The telephone line does not exist")


def test_privileges_and_credentials(api):
    assert code(make(api, user="acme-user")) == "402"
    assert code(make(api, user="acme-recorder")) == "402"
    assert code(api("calls/make", user=None, snumber="1", cnumber="2")) == "401"
    assert active(api) == []  # nothing placed by any of them


def test_hangup_takes_exactly_one_of_callid_and_uniqueid_and_hides_other_customers(api):
    assert api("calls/hangup")["responses"][0]["key"] == "callid"
    assert api("calls/hangup", callid="1", uniqueid="2")["responses"][0]["key"] == "uniqueid"
    assert code(api("calls/hangup", callid="1.1")) == "404"
    callid = make(api, wait=1)["data"]["callid"]
    assert code(api("calls/hangup", user="beta-admin", callid=callid)) == "404"
    assert len(active(api)) == 1


def test_a_reset_drops_calls_still_to_start(app, api, clock):
    make(api, delay=30)
    assert app.test_client().post("/_mock/reset").status_code == 200
    clock(31)
    assert active(api) == []


def test_through_serve_the_click_to_call_flow():
    with LiveServer("--memory") as server:
        client = Enswitch(server.url, {"acme-admin": "acme-admin-pass"}, "acme-admin")
        reply = client.call(
            "calls/make", stype="phone", snumber="1001", cnumber=NUMBER, answer1=1, wait=3
        )
        callid = reply["data"]["callid"]
        assert len(client.call("calls/active/list")["data"]) == 2
        assert code(client.call("calls/hangup", method="POST", callid=callid)) == "204"
        assert len(client.call("cdrs/list", callid=callid)["data"]) == 2


def test_a_line_with_a_call_on_it_cannot_be_removed(app, api):
    callid = make(api, snumber="1003", delay=30, wait=1)["data"]["callid"]
    refused = app.test_client().delete("/_mock/phones/3")
    assert refused.status_code == 400
    assert f"telephone line 3 is still used by call {callid}" in refused.get_json()["error"]
    api("calls/hangup", callid=callid)
    assert app.test_client().delete("/_mock/phones/3").status_code == 204


def test_a_leg_whose_group_went_meanwhile_never_starts_and_breaks_no_other_call(api, clock):
    assert code(make(api, recordgroup=1, delay=30)) == "204"
    assert code(api("recording/groups/delete", id=1)) == "204"
    clock(31)
    assert code(api("recording/groups/list")) == "200"
    clock(10)  # past the second leg's start, had the first answered
    assert active(api) == []


def test_a_control_api_hang_up_of_the_ringing_first_leg_stops_the_second_too(app, api, clock):
    callid = make(api, wait=1)["data"]["callid"]
    assert app.test_client().delete(f"/_mock/calls/{callid}").status_code == 204
    clock(10)
    assert active(api) == []


def test_a_delayed_call_is_hung_up_by_its_first_leg_s_uniqueid_too(api, clock):
    callid = make(api, delay=30, wait=1)["data"]["callid"]
    assert code(api("calls/hangup", uniqueid=callid)) == "204"
    clock(40)
    assert active(api) == []


# Steering the far ends (domain/far_ends.py): each path a CRM must handle.


def steer(app, **rule) -> int:
    reply = app.test_client().post("/_mock/far_ends", json=rule)
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()["id"]


def records(api, callid: str) -> list[dict]:
    return sorted(api("cdrs/list", callid=callid)["data"], key=lambda r: r["start"])


def test_a_busy_line_ends_the_first_leg_at_once_and_the_number_never_rings(app, api, clock):
    steer(app, number="1001", outcome="busy")
    callid = make(api, wait=1)["data"]["callid"]
    clock(1)
    assert active(api) == []
    (only,) = records(api, callid)
    assert (only["status"], only["talktime"]) == ("cancel", "0")


def test_a_number_that_does_not_answer_rings_then_ends_the_call(app, api, clock):
    steer(app, number=NUMBER, outcome="no answer", after=20)
    callid = make(api, wait=1)["data"]["callid"]
    clock(10)
    assert [leg["status"] for leg in active(api)] == ["answer", "ringing"]
    clock(20)  # 5 s for the line, 20 s of ringing the number: both gone
    assert active(api) == []
    first, second = records(api, callid)
    assert (first["status"], second["status"]) == ("answer", "cancel")
    assert first["talktime"] == "20"  # from its answer to the number giving up


def test_a_far_end_that_hangs_up_ends_both_legs(app, api, clock):
    steer(app, number=NUMBER, outcome="hang up", after=42)
    callid = make(api, wait=1)["data"]["callid"]
    clock(100)
    assert active(api) == []
    first, second = records(api, callid)
    assert (second["status"], second["talktime"]) == ("answer", "42")
    assert first["talktime"] == str(5 + 42)  # the number rang 5 s after the line answered


def test_a_rule_steers_its_number_the_given_times_then_goes(app, api, clock):
    steer(app, number="1001", outcome="busy", times=1)
    assert app.test_client().get("/_mock/far_ends").get_json()["far_ends"][0]["times"] == 1
    make(api)
    assert app.test_client().get("/_mock/far_ends").get_json()["far_ends"] == []
    make(api)
    assert len(active(api)) == 1  # the next call rings as usual


def test_far_end_rules_are_checked_removed_and_reset(app):
    client = app.test_client()
    bad = client.post("/_mock/far_ends", json={"number": "1", "outcome": "engaged"})
    assert (bad.status_code, bad.get_json()["field"]) == (400, "outcome")
    assert client.post("/_mock/far_ends", json={"outcome": "busy"}).get_json()["field"] == "number"
    rule = steer(app, number="1", outcome="busy")
    assert client.delete(f"/_mock/far_ends/{rule}").status_code == 204
    assert client.delete(f"/_mock/far_ends/{rule}").status_code == 404
    steer(app, number="1", outcome="busy")
    client.post("/_mock/reset")
    assert client.get("/_mock/far_ends").get_json()["far_ends"] == []


def test_the_pytest_fixture_makes_steers_and_hangs_up_calls(enswitch):
    enswitch.far_end(NUMBER, "hang up", after=10)
    callid = enswitch.make_call("1001", NUMBER)
    enswitch.clock.advance(60)
    legs = enswitch.call("cdrs/list", callid=callid)["data"]
    assert sorted(r["talktime"] for r in legs) == ["10", "15"]
    callid = enswitch.make_call("1001", NUMBER)
    assert code(enswitch.hang_up_call(callid)) == "204"
