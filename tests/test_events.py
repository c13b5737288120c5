"""The events the switch's calls push: made in order on the mock clock (`/_mock/events`, in
process), POSTed to each customer's `events_url` by a real server (a receiver in this test
process: in order, retried, a hanging receiver holding up neither the API nor another
receiver), the websocket with its authkey, reset, and no password in any event."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from conftest import PASSWORDS, code
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from mock_enswitch.fixtures import DEFAULT_DIR
from mock_enswitch.testing import Enswitch, EventReceiver, MockServer, fixture_passwords

NUMBER = "0298765432"


@pytest.fixture
def control(app):
    client = app.test_client()

    def send(method: str, path: str, body=None):
        response = client.open(f"/_mock/{path}", method=method, json=body)
        return response.status_code, response.get_json(silent=True)

    return send


def events(control, **filters) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    status, body = control("GET", f"events?{query}")
    assert status == 200, body
    return body["events"]


def test_a_call_on_a_line_makes_start_route_answer_end_at_their_times_on_the_clock(control):
    status, now = control("GET", "clock")
    status, placed = control("POST", "calls", {"phone": "1001", "active": True, "ringtime": 7})
    assert status == 201
    uniqueid = placed["uniqueid"]
    control("POST", "clock", {"advance": 20})
    assert control("DELETE", f"calls/{uniqueid}")[0] == 204
    made = events(control, uniqueid=uniqueid)
    assert [e["event"] for e in made] == ["start", "route", "answer", "end"]
    start = int(float(made[0]["timestamp"]))
    assert all(
        e["timestamp"].endswith(".000000") or len(e["timestamp"].split(".")[1]) == 6 for e in made
    )
    assert float(made[2]["timestamp"]) == start + 7  # answered after its ring time
    assert made[3]["talktime"] == int(float(made[3]["timestamp"])) - start - 7 >= 20
    assert made[3]["answered"] == 1 and made[3]["status"] == "ended"
    first = made[0]
    assert first["class"] == "call" and first["customer"] == 3
    assert (first["direction"], first["dnumber"], first["callername"]) == (
        "in",
        "1001",
        "Alice Reception",
    )
    assert first["callid"] == uniqueid


def test_a_call_hung_up_while_ringing_sends_no_answer(control):
    status, placed = control(
        "POST", "calls", {"phone": "1001", "active": True, "ringtime": 30, "start": now(control)}
    )
    control("POST", "clock", {"advance": 3})
    control("DELETE", f"calls/{placed['uniqueid']}")
    made = events(control, uniqueid=placed["uniqueid"])
    assert [e["event"] for e in made] == ["start", "route", "end"]
    assert (made[-1]["answered"], made[-1]["talktime"]) == (0, 0)


def now(control) -> int:
    return int(control("GET", "clock")[1]["now"])


def test_click_to_call_legs_are_told_in_order_with_one_callid(api, control):
    reply = api("calls/make", stype="phone", snumber="1001", cnumber=NUMBER, wait=1)
    callid = reply["data"]["callid"]
    control("POST", "clock", {"advance": 12})  # leg 1 answers at 5 s, leg 2 at 10 s
    assert code(api("calls/hangup", callid=callid)) == "204"
    made = events(control, callid=callid)
    legs = [e["uniqueid"] for e in made]
    first, second = legs[0], next(u for u in legs if u != legs[0])
    assert [(e["uniqueid"] == first, e["event"]) for e in made] == [
        (True, "start"),
        (True, "route"),
        (True, "answer"),
        (False, "start"),
        (False, "route"),
        (False, "answer"),
        (True, "end"),
        (False, "end"),
    ]
    stamps = [float(e["timestamp"]) for e in made]
    assert stamps == sorted(stamps)
    assert {e["callid"] for e in made} == {callid} and second != first


def test_filters_reset_and_a_bad_filter(control):
    control("POST", "calls", {"phone": "1001"})  # an ended call: all four at once
    assert [e["event"] for e in events(control, event="end")] == ["end"]
    assert events(control, customer=4) == []
    assert control("GET", "events?colour=red")[0] == 400
    assert control("POST", "reset")[0] == 200
    assert events(control) == []


def test_no_password_is_in_any_event(api, control):
    api("calls/make", stype="phone", snumber="1001", cnumber=NUMBER, answer1=1, answer2=1)
    control("POST", "calls", {"phone": "2001", "active": True})
    text = json.dumps(events(control))
    assert events(control) and not any(password in text for password in PASSWORDS.values())
    assert "password" not in text


def test_events_url_is_checked_and_changed_at_run_time(control):
    status, body = control("PATCH", "customers/3", {"events_url": "ftp://example.org/x"})
    assert status == 400 and body["field"] == "events_url"
    assert control("PATCH", "customers/99", {"events_url": "http://a.example/"})[0] == 404
    assert control("PATCH", "customers/3", {"events_url": "http://a.example/x?key=1"})[0] == 204
    status, body = control("GET", "customers")
    assert next(c for c in body["customers"] if c["id"] == 3)["events_url"].endswith("key=1")
    status, body = control("PATCH", "phones/1", {"description": "x"})
    assert status == 400 and "not changed in place" in body["error"]


def test_a_fixture_events_url_must_be_a_url(fixtures_copy):
    from mock_enswitch import Config, create_app
    from mock_enswitch.fixtures import FixtureError

    path = fixtures_copy / "customers.json"
    customers = json.loads(path.read_text())
    customers[2]["events_url"] = "not a url"
    path.write_text(json.dumps(customers))
    with pytest.raises(FixtureError, match="field 'events_url' must be an http"):
        create_app(Config(fixtures_dir=fixtures_copy))


# Through a real server: delivery on its event loop, and the websocket.


@pytest.fixture(scope="module")
def server():
    with MockServer(None, "--events-authkey", "s3cret-key") as running:
        yield running


@pytest.fixture
def enswitch(server):
    client = Enswitch(server.url, fixture_passwords(DEFAULT_DIR), "acme-admin")
    client.reset()
    return client


def test_a_receiver_gets_each_event_of_a_click_to_call_in_order(enswitch):
    with EventReceiver() as receiver:
        enswitch.send_events_to(3, receiver.url)
        callid = enswitch.make_call("1001", NUMBER, answer1=1, answer2=1)
        receiver.wait_for(event="answer", callid=callid, count=2)
        enswitch.hang_up_call(callid)
        receiver.wait_for(event="end", callid=callid, count=2)
        got = [(e["event"], e["uniqueid"]) for e in receiver.events]
        assert [name for name, _ in got] == [
            "start",
            "route",
            "answer",
            "start",
            "route",
            "answer",
            "end",
            "end",
        ]
        first = receiver.events[0]
        assert first["class"] == "call" and first["customer"] == "3" and first["callid"] == callid
        assert "id" not in first and "deliveries" not in first
        # the mock notes a delivery once it has read the reply, just after the receiver kept it
        made = eventually(lambda: all_delivered(enswitch.events(callid=callid)))
        assert all(e["deliveries"][0]["status"] == 200 for e in made)
        assert made[0]["deliveries"][0]["url"] == receiver.url


def test_a_failing_receiver_is_retried_and_a_hanging_one_holds_up_nobody(enswitch):
    with EventReceiver() as failing, EventReceiver() as hanging, EventReceiver() as fine:
        failing.status = 503
        hanging.delay = 8
        enswitch.send_events_to(3, failing.url)
        enswitch.send_events_to(4, hanging.url)
        enswitch.send_events_to(5, fine.url)
        began = time.monotonic()
        enswitch.place_call(phone="2001")  # customer 4: the hanging receiver
        enswitch.place_call(phone="1001")  # customer 3: the failing one
        enswitch.place_call(phone="5001")  # customer 5
        assert time.monotonic() - began < 2  # the API is not held up
        fine.wait_for(event="end", timeout=3)
        assert [e["event"] for e in fine.events] == ["start", "route", "answer", "end"]
        failing.wait_for(event="start", count=3, timeout=10)  # 3 attempts of the first
        tried = eventually(lambda: three(enswitch.events(customer=3, event="start")[0]))
        assert [d["attempt"] for d in tried] == [1, 2, 3]
        assert {d["status"] for d in tried} == {503}
        hung = eventually(lambda: enswitch.events(customer=4, event="start")[0]["deliveries"])
        assert hung[0]["error"] == "no answer in 5 s"


def three(event: dict) -> list[dict]:
    return event["deliveries"] if len(event["deliveries"]) >= 3 else []


def all_delivered(made: list[dict]) -> list[dict]:
    return made if all(e["deliveries"] for e in made) else []


def eventually(look, timeout: float = 5.0):
    """What `look()` returns once it is not empty (polled), or its last answer."""
    deadline = time.monotonic() + timeout
    while not (found := look()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_the_websocket_wants_the_authkey_and_streams_every_customers_events(enswitch, server):
    base = server.url.replace("http://", "ws://") + "/events/websocket/"
    for query in ("?authkey=wrong", ""):
        with pytest.raises(InvalidStatus) as refused:
            connect(base + query, open_timeout=5)
        assert refused.value.response.status_code == 403
    with connect(base + "?authkey=s3cret-key", open_timeout=5) as socket:
        enswitch.place_call(phone="1001")
        enswitch.place_call(phone="2001")
        frames = [json.loads(socket.recv(timeout=5)) for _ in range(8)]
    assert [(f["customer"], f["event"]) for f in frames] == [
        ("3", "start"),
        ("3", "route"),
        ("3", "answer"),
        ("3", "end"),
        ("4", "start"),
        ("4", "route"),
        ("4", "answer"),
        ("4", "end"),
    ]


def test_the_websocket_is_closed_without_an_authkey_on_the_server():
    with MockServer() as plain:
        url = plain.url.replace("http://", "ws://") + "/events/websocket/?authkey="
        with pytest.raises(InvalidStatus) as refused:
            connect(url, open_timeout=5)
        assert refused.value.response.status_code == 403


def test_events_pass_in_real_time_with_no_client_calling(enswitch):
    """The server's ticker: a ringing leg answers after 5 s of real time on the mock clock,
    and its event goes out though nobody calls the API meanwhile."""
    with EventReceiver() as receiver:
        enswitch.send_events_to(3, receiver.url)
        callid = enswitch.make_call("1001", NUMBER)
        receiver.wait_for(event="route", callid=callid)
        assert receiver.matching(event="answer") == []
        receiver.wait_for(event="answer", callid=callid, timeout=10)


def test_the_pytest_receiver_fixture(enswitch_receiver):
    assert enswitch_receiver.url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(
        enswitch_receiver.url, data=b"class=call&event=start", method="POST"
    )
    urllib.request.urlopen(request, timeout=5).read()
    assert enswitch_receiver.wait_for(event="start")[0] == {"class": "call", "event": "start"}
    with pytest.raises(AssertionError, match="received: \\[\\('start'"):
        enswitch_receiver.wait_for(event="end", timeout=0.2)


def test_a_placed_call_is_steered_by_its_callid(api, control):
    reply = api("calls/make", stype="phone", snumber="1001", cnumber=NUMBER, wait=1)
    callid = reply["data"]["callid"]
    assert control("POST", f"calls/{callid}/far_end", {"outcome": "answer"})[0] == 204
    legs = api("calls/active/list")["data"]
    assert [leg["status"] for leg in legs] == ["answer", "ringing"]  # leg 2 rings at once
    status, _ = control("POST", f"calls/{callid}/far_end", {"outcome": "hang up", "after": 30})
    assert status == 204
    control("POST", "clock", {"advance": 31})
    assert api("calls/active/list")["data"] == []
    made = events(control, callid=callid)
    assert [e["event"] for e in made].count("end") == 2
    ends = {e["uniqueid"]: e for e in made if e["event"] == "end"}
    first = ends[callid]
    assert first["answered"] == 1 and first["talktime"] == 30
    assert control("POST", f"calls/{callid}/far_end", {"outcome": "busy"})[0] == 404
    assert control("POST", f"calls/{callid}/far_end", {"outcome": "maybe"})[0] == 400


def test_a_ringing_call_steered_busy_ends_unanswered(api, control):
    reply = api("calls/make", stype="phone", snumber="1001", cnumber=NUMBER, wait=1)
    callid = reply["data"]["callid"]
    assert control("POST", f"calls/{callid}/far_end", {"outcome": "busy"})[0] == 204
    assert api("calls/active/list")["data"] == []
    made = events(control, callid=callid)
    assert [e["event"] for e in made] == ["start", "route", "end"]
    assert made[-1]["answered"] == 0
    control("POST", "clock", {"advance": 60})  # leg 2 never rings
    assert len(events(control, callid=callid)) == 3


def test_a_namespaces_calls_push_to_its_own_customers_and_its_own_websocket(server):
    spaced = Enswitch(f"{server.url}/ns/events-a", fixture_passwords(DEFAULT_DIR), "acme-admin")
    plain = Enswitch(server.url, fixture_passwords(DEFAULT_DIR), "acme-admin")
    plain.reset()
    base = server.url.replace("http://", "ws://") + "/events/websocket/?authkey=s3cret-key"
    with EventReceiver() as receiver, connect(base + "&namespace=events-a", open_timeout=5) as ws:
        spaced.send_events_to(3, receiver.url)
        plain.place_call(phone="1001")  # the default namespace: its customer 3 has no URL
        spaced.place_call(phone="1001")
        receiver.wait_for(event="end")
        frames = [json.loads(ws.recv(timeout=5)) for _ in range(4)]
    assert [e["event"] for e in receiver.events] == ["start", "route", "answer", "end"]
    assert {f["uniqueid"] for f in frames} == {receiver.events[0]["uniqueid"]}
    assert len(plain.events()) == 4 and len(spaced.events()) == 4
    with pytest.raises(InvalidStatus):
        connect(base + "&namespace=bad%20name", open_timeout=5)


def test_a_ringing_call_that_hangs_up_before_its_answer_time_sends_no_answer(control):
    """Review finding: a call steered to hang up 3 s into a 10 s ring, then the clock moved past
    both, sent an `answer` at +10 after its `end` at +3."""
    start = now(control)
    status, placed = control(
        "POST", "calls",
        {"phone": "1001", "direction": "outbound", "ringtime": 10, "talktime": 60,
         "active": True, "start": start},
    )  # fmt: skip
    uniqueid = placed["uniqueid"]
    control("POST", f"calls/{uniqueid}/far_end", {"outcome": "hang up", "after": 3})
    control("POST", "clock", {"advance": 20})
    made = events(control, uniqueid=uniqueid)
    assert [e["event"] for e in made] == ["start", "route", "end"]
    assert made[-1]["answered"] == 0


def test_events_of_several_calls_go_out_in_time_order(control):
    """Review finding: in one catch-up every call's `answer` went out before any call's `end`."""
    start = now(control)
    for ringtime, talktime in ((1, 2), (10, 5)):
        control(
            "POST", "calls",
            {"phone": "1001", "ringtime": ringtime, "talktime": talktime, "active": True,
             "start": start},
        )  # fmt: skip
    control("POST", "clock", {"advance": 30})
    stamps = [float(e["timestamp"]) for e in events(control)]
    assert stamps == sorted(stamps), stamps


def test_the_calls_in_progress_name_each_legs_callid(api, control):
    callid = api("calls/make", stype="phone", snumber="1001", cnumber=NUMBER, wait=1,
                 answer1=1, answer2=1)["data"]["callid"]  # fmt: skip
    status, body = control("GET", "calls")
    assert [c["callid"] for c in body["calls"]] == [callid, callid]
    assert len({c["uniqueid"] for c in body["calls"]}) == 2
