"""One simulated call, every view of it: calls/active/list while it goes on, then cdrs/list and
cdrs/get, with the same uniqueid as its recording; the line's record group decides recording.
Through HTTP (the Flask test client): the Enswitch API and the control API."""

from __future__ import annotations

import pytest
from conftest import Api, code, key

from mock_enswitch import Config, create_app


@pytest.fixture
def switch(app, api):
    client = app.test_client()

    class Switch:
        def call(self, expected: int = 201, **call):
            response = client.post("/_mock/calls", json=call)
            assert response.status_code == expected, response.get_json()
            return response.get_json()

        def hang_up(self, uniqueid: str) -> None:
            assert client.delete(f"/_mock/calls/{uniqueid}").status_code == 204

        def advance(self, seconds: int) -> None:
            assert client.post("/_mock/clock", json={"advance": seconds}).status_code == 200

        def now(self) -> int:
            return int(client.get("/_mock/clock").get_json()["now"])

        def active(self, user="acme-admin", **params) -> list[dict]:
            body = api("calls/active/list", user=user, **params)
            assert code(body) == "200", body
            return body["data"]

        def cdrs(self, user="acme-admin", **params) -> list[dict]:
            body = api("cdrs/list", user=user, **params)
            assert code(body) == "200", body
            return body["data"]

        def recordings(self, **params) -> list[dict]:
            body = api("recording/recordings/list", complete=-1, **params)
            assert code(body) == "200", body
            return body["data"]

    return Switch()


def uniqueids(rows: list[dict]) -> list[str]:
    return [row["uniqueid"] for row in rows]


def test_a_call_on_a_line_is_active_then_a_record_with_its_recording(switch, api):
    placed = switch.call(phone="1001", direction="outbound", called="0299998888", active=True)
    assert placed["recorded"] is True and placed["recordings"][0]["recordgroup"] == 1
    uniqueid = placed["uniqueid"]

    (leg,) = [row for row in switch.active() if row["uniqueid"] == uniqueid]
    assert leg["stype"] == "phone" and leg["snumber"] == "1001" and leg["cnumber"] == "0299998888"
    assert leg["callername_internal"] == "Alice Reception" and leg["direction"] == "out"
    assert leg["recording"].startswith("3/1/") and leg["callid"] == uniqueid
    assert uniqueid not in uniqueids(switch.cdrs())  # not a call record while it goes on

    switch.advance(40)
    switch.hang_up(uniqueid)
    assert uniqueid not in uniqueids(switch.active())
    (record,) = [row for row in switch.cdrs(recorded="yes") if row["uniqueid"] == uniqueid]
    assert record["status"] == "answer" and record["snumber"] == "1001"
    assert int(record["talktime"]) >= 40 and record["start"] == leg["start"]
    (recording,) = [r for r in switch.recordings() if r["uniqueid"] == uniqueid]
    assert recording["complete"] == 1 and recording["end"] == record["end"]
    assert record["recording"] == recording["path"] and record["recording"] == leg["recording"]
    got = api("cdrs/get", uniqueid=uniqueid)
    assert code(got) == "200" and got["data"] == record


def test_the_lines_record_group_decides_whether_a_call_is_recorded(switch):
    unrecorded = switch.call(phone="1003", direction="outbound")  # Warehouse: no record group
    assert unrecorded["recorded"] is False and "no record group" in unrecorded["why"]
    recorded = switch.call(phone="1002", direction="outbound")  # Sales desk: group 1
    assert recorded["recorded"] is True
    yes, no = uniqueids(switch.cdrs(recorded="yes")), uniqueids(switch.cdrs(recorded="no"))
    assert recorded["uniqueid"] in yes and recorded["uniqueid"] not in no
    assert unrecorded["uniqueid"] in no and unrecorded["uniqueid"] not in yes
    assert unrecorded["uniqueid"] not in uniqueids(switch.recordings())


def test_recorded_follows_the_recording_when_it_is_deleted(switch, api):
    placed = switch.call(phone="1001")
    assert code(api("recording/recordings/delete", **placed["recordings"][0])) == "204"
    (record,) = [r for r in switch.cdrs() if r["uniqueid"] == placed["uniqueid"]]
    assert record["recording"] == ""
    assert placed["uniqueid"] in uniqueids(switch.cdrs(recorded="no"))


def test_an_inbound_call_rings_a_line_and_records_into_its_group(switch):
    now = switch.now()
    placed = switch.call(phone="2001", caller="0755512345", active=True, ringtime=10, start=now)
    (leg,) = switch.active(user="beta-admin")
    assert leg["uniqueid"] == placed["uniqueid"]
    assert leg["answered"] == 0 and leg["status"] == "ringing"  # not answered yet
    assert leg["dtype"] == "phone" and leg["dnumber"] == "2001" and leg["stype"] == ""
    switch.advance(11)
    (leg,) = switch.active(user="beta-admin")
    assert leg["answered"] == leg["start"] + 10 and leg["status"] == "answer"
    assert placed["recordings"][0]["recordgroup"] == 2
    assert placed["uniqueid"] not in uniqueids(switch.active())  # Acme's admin: not in reach


def test_an_unanswered_call_is_a_cancelled_record_and_not_recorded(switch):
    placed = switch.call(phone="1001", answered=False, ringtime=20)
    assert placed["recorded"] is False
    (record,) = [r for r in switch.cdrs() if r["uniqueid"] == placed["uniqueid"]]
    assert record["status"] == "cancel" and record["talktime"] == "0" and record["time"] == 0
    assert record["totaltime"] == "20"
    assert uniqueids(switch.cdrs(status="cancel")) == [placed["uniqueid"]]


def test_a_call_ended_by_the_clock_becomes_a_record(switch):
    placed = switch.call(phone="1003", direction="outbound", active=True, talktime=30)
    assert placed["uniqueid"] in uniqueids(switch.active())
    switch.advance(60)
    assert placed["uniqueid"] not in uniqueids(switch.active())
    (record,) = [r for r in switch.cdrs() if r["uniqueid"] == placed["uniqueid"]]
    assert record["talktime"] == "30"


def test_the_fixture_recordings_calls_have_their_records(switch, api):
    recordings = switch.recordings(start=0)
    records = {r["uniqueid"]: r for r in switch.cdrs(start=0)}
    for recording in recordings:
        record = records[recording["uniqueid"]]
        assert record["start"] == int(recording["start"]) and record["end"] == recording["end"]
        assert record["recording"] == recording["path"]


def test_a_call_needs_a_line_or_a_group_and_a_line_that_exists(switch):
    assert switch.call(400)["field"] == "phone"
    assert switch.call(400, phone="9999")["field"] == "phone"
    assert switch.call(400, phone="1001", recordgroup=2)["field"] == "recordgroup"  # Beta's
    assert switch.call(400, phone="1001", direction="outbound", caller="555")["field"] == "caller"
    assert switch.call(400, phone="1001", answered=False, talktime=5)["field"] == "talktime"


# cdrs/list: its filters, paging and order.


@pytest.fixture
def history(switch):
    """Five calls of Acme's, oldest first, a minute apart."""
    now = switch.now()
    shapes = [
        {"phone": "1001", "direction": "outbound", "called": "0298765432", "talktime": 10},
        {"phone": "1002", "direction": "outbound", "called": "0711112222", "talktime": 100},
        {"phone": "1001", "caller": "0412000111", "talktime": 50},  # inbound to 1001
        {"phone": "1003", "direction": "internal", "called": "1001", "talktime": 5},
        {"phone": "1002", "direction": "outbound", "answered": False},
    ]
    return [
        switch.call(start=now - 600 + 60 * i, **shape)["uniqueid"] for i, shape in enumerate(shapes)
    ]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, [0, 1, 2, 3, 4]),
        ({"direction": "out"}, [0, 1, 4]),
        ({"direction": "in"}, [2]),
        ({"direction": "internal"}, [3]),
        ({"direction": "in_out"}, [0, 1, 2, 4]),
        ({"phone": "1001"}, [0]),  # the source line
        ({"dtype": "phone", "dnumber": "1001"}, [2, 3]),
        ({"status": "answer"}, [0, 1, 2, 3]),
        ({"talktime_minimum": 50}, [1, 2]),
        ({"talktime_maximum": 10}, [0, 3, 4]),
        ({"cnumber": "0298"}, [0]),
        ({"cnumber": "2222", "cmatch": "ends"}, [1]),
        ({"cnumber": "2222", "cmatch": "begins"}, []),
        ({"snumber": "1001", "smatch": "exact"}, [0]),
        ({"callername_number": "Bob"}, [1, 4]),
        ({"sort": "talktime", "descending": 1}, [1, 2, 0, 3, 4]),
        ({"limit": 2, "offset": 1}, [1, 2]),
        ({"peer": 7}, []),
    ],
)
def test_cdrs_list_filters(switch, history, params, expected):
    start = switch.now() - 700
    rows = switch.cdrs(start=start, **params)
    assert uniqueids(rows) == [history[i] for i in expected]


def test_cdrs_list_by_time_range_and_callid(switch, history):
    first = switch.cdrs(start=0)[0]
    assert uniqueids(switch.cdrs(start=0, end=first["start"])) == [first["uniqueid"]]
    assert uniqueids(switch.cdrs(callid=history[3])) == [history[3]]


def test_cdrs_list_reach_privileges_and_parameters(switch, api, history):
    assert history[0] not in uniqueids(switch.cdrs(user="beta-admin"))
    assert code(api("cdrs/list", user="acme-recorder")) == "402"  # no cdrs privilege
    assert key(api("cdrs/list", user="beta-admin", customer=3)) == "customer"
    assert history[0] in uniqueids(switch.cdrs(user="reseller", customer=3))
    assert history[0] not in uniqueids(switch.cdrs(user="reseller"))  # its own customer's
    assert history[0] in uniqueids(switch.cdrs(user="reseller", recurse=1))
    for name, value in [
        ("direction", "sideways"),
        ("sort", "cost"),
        ("recorded", "maybe"),
        ("smatch", "like"),
        ("talktime_minimum", -1),
        ("start", "yesterday"),
        ("cost_customer", "nobody"),
    ]:
        body = api("cdrs/list", **{name: value})
        assert (code(body), key(body)) == ("400", name)


def test_cdrs_get_reach_and_missing(switch, api, history):
    assert code(api("cdrs/get", uniqueid=history[0])) == "200"
    for user, uniqueid in [("beta-admin", history[0]), ("acme-admin", "1.2")]:
        body = api("cdrs/get", user=user, uniqueid=uniqueid)
        assert code(body) == "404" and "data" not in body
        assert body["responses"][0]["message"] == (
            "The call does not exist, or you do not have permission to view it."
        )
    assert key(api("cdrs/get")) == "uniqueid"
    assert key(api("cdrs/get", uniqueid=history[0], customer=4)) == "customer"


def test_cdrs_row_types_follow_the_client_model(switch, api, history):
    row = api("cdrs/get", uniqueid=history[1])["data"]
    numbers = {"start", "time", "peer", "messages", "messages_used", "seconds_used"}
    assert all(isinstance(row[name], int) for name in numbers)
    assert isinstance(row["cost"], float) and row["spresent"] is None
    others = set(row) - numbers - {"cost", "cost_including_tax", "spresent"}
    assert all(isinstance(row[name], str) for name in others)
    assert row["customer_name"] == "Acme Corp" and row["snumber_display"] == "Bob Sales"


def test_detail_arrives_in_4_4(tmp_path):
    for version, served in (("4.2", False), ("4.4", True)):
        app = create_app(Config(enswitch_version=version, strict=True))
        try:
            api = Api(app.test_client())
            body = api("cdrs/list", detail="call")
            assert (code(body) == "200") is served, body
        finally:
            app.extensions["mock_enswitch"].close()


def test_detail_call_lists_a_row_per_call(switch, history):
    assert uniqueids(switch.cdrs(detail="call", start=0)) == uniqueids(switch.cdrs(start=0))


# calls/active/list


def test_active_calls_filters_count_and_reach(switch, api):
    out = switch.call(phone="1001", direction="outbound", active=True)["uniqueid"]
    inbound = switch.call(phone="1002", active=True)["uniqueid"]
    beta = switch.call(phone="2002", direction="outbound", active=True)["uniqueid"]
    assert set(uniqueids(switch.active())) == {out, inbound}
    assert uniqueids(switch.active(direction="in")) == [inbound]
    assert uniqueids(switch.active(phone="1001")) == [out]
    assert uniqueids(switch.active(callid=inbound)) == [inbound]
    assert api("calls/active/list", count=1)["data"] == {"count": 2}
    assert uniqueids(switch.active(user="beta-admin")) == [beta]
    assert key(api("calls/active/list", user="beta-admin", customer=3)) == "customer"
    assert set(uniqueids(switch.active(user="owner", customer=2, recursive=1))) == {
        out,
        inbound,
        beta,
    }
    assert key(api("calls/active/list", sort="cost")) == "sort"
    assert code(api("calls/active/list", user="acme-user")) == "200"  # `user` privilege


def test_start_on_a_line_records_into_the_lines_group_for_its_owner(switch, api):
    app_calls = switch.call(phone="1002", direction="outbound", active=True, recordgroup=1)
    assert app_calls["recorded"] is True
    group_zero = switch.call(phone="1003", direction="outbound", active=True)
    body = api("recording/recordings/start", uniqueid=group_zero["uniqueid"])
    assert (code(body), key(body)) == ("400", "uniqueid")  # its line has no record group


def test_reset_forgets_calls_and_records(app, switch):
    placed = switch.call(phone="1001", active=True)
    ended = switch.call(phone="1001")
    assert app.test_client().post("/_mock/reset").status_code == 200
    assert placed["uniqueid"] not in uniqueids(switch.active())
    assert ended["uniqueid"] not in uniqueids(switch.cdrs(start=0))
