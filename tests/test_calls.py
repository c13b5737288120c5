"""Simulated calls through /_mock/calls: each record-group setting does what it says, the clock
drives expiry, live calls and tokens, the outbox gets the e-mails, and bad bodies are 400s."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import code

from mock_enswitch.domain import calls

DAY = 86400


@pytest.fixture
def mock(app, api):
    client = app.test_client()

    class Mock:
        def call(self, expected: int = 201, **call):
            response = client.post("/_mock/calls", json={"recordgroup": 1, **call})
            assert response.status_code == expected, response.get_json()
            return response.get_json()

        def group(self, group_id: int = 1, **settings):
            assert code(api("recording/groups/update", id=group_id, **settings)) == "204"

        def rows(self) -> list[dict]:
            return client.get("/_mock/recordings").get_json()["recordings"]

        def emails(self) -> list[dict]:
            return client.get("/_mock/emails").get_json()["emails"]

        def clock(self, **move) -> float:
            if move:
                return client.post("/_mock/clock", json=move).get_json()["now"]
            return client.get("/_mock/clock").get_json()["now"]

        def hang_up(self, uniqueid: str) -> int:
            return client.delete(f"/_mock/calls/{uniqueid}").status_code

        def reset(self) -> None:
            assert client.post("/_mock/reset").status_code == 200

    return Mock()


def test_a_call_just_ended_is_recorded_with_its_talk_time(mock):
    now = mock.clock()
    placed = mock.call(talktime=20, ringtime=3)
    assert placed["recorded"] is True
    assert placed["recordings"] == [
        {"recordgroup": 1, "uniqueid": placed["uniqueid"], "recordid": "1"}
    ]
    row = next(r for r in mock.rows() if r["uniqueid"] == placed["uniqueid"])
    assert row["talktime"] == "20" and row["totaltime"] == "23" and row["complete"] == 1
    assert abs(int(row["end"]) - now) <= 2  # the call has just ended
    assert placed["uniqueid"].startswith(row["start"] + ".")


@pytest.mark.parametrize(
    ("settings", "recorded"),
    [
        ({"record_in": 0}, {"inbound": False, "outbound": True, "internal": True}),
        ({"record_out": 0}, {"inbound": True, "outbound": False, "internal": True}),
        (
            {"record_in": 0, "record_out": 0},
            {"inbound": False, "outbound": False, "internal": False},
        ),
    ],
)
def test_record_in_and_out_decide_by_direction(mock, settings, recorded):
    mock.group(**settings)
    for direction, expected in recorded.items():
        placed = mock.call(direction=direction)
        assert placed["recorded"] is expected, (direction, placed["why"])
        if not expected:
            assert "=0" in placed["why"] and placed["recordings"] == []


def test_fraction_is_a_reproducible_draw_in_proportion(mock):
    mock.group(fraction=30)
    first = [mock.call()["recorded"] for _ in range(300)]
    assert 0.22 < sum(first) / len(first) < 0.38
    mock.reset()
    mock.group(fraction=30)
    assert [mock.call()["recorded"] for _ in range(300)] == first  # the same draws again


def test_fraction_zero_records_on_demand_only(mock):
    mock.group(fraction=0)
    placed = mock.call()
    assert placed["recorded"] is False and "on demand" in placed["why"]


def test_expires_days_set_the_rows_expiry_and_the_clock_removes_it(mock):
    mock.group(expires=2)
    placed = mock.call(start=int(mock.clock()) - 100)
    row = next(r for r in mock.rows() if r["uniqueid"] == placed["uniqueid"])
    assert int(row["expires"]) == int(row["start"]) + 2 * DAY
    mock.clock(advance=2 * DAY)
    assert placed["uniqueid"] not in [r["uniqueid"] for r in mock.rows()]


def test_expires_zero_keeps_nothing_but_still_mails(mock):
    mock.group(expires=0)
    placed = mock.call()
    assert placed["recorded"] is True and placed["why"].startswith("expires=0")
    assert placed["recordings"] == []  # nothing that get could fetch
    assert placed["uniqueid"] not in [r["uniqueid"] for r in mock.rows()]
    [mail] = mock.emails()
    assert mail["uniqueid"] == placed["uniqueid"] and mail["saved"] is False


def test_each_address_gets_the_recording_once_the_call_ends(mock):
    mock.group(email="a@acme.example, b@acme.example", transcribe=1)
    placed = mock.call(talktime=12)
    mails = mock.emails()
    assert [m["to"] for m in mails] == ["a@acme.example", "b@acme.example"]
    assert mails[0]["attachment"] == {
        "name": f"record_{placed['uniqueid'].replace('.', '')}_1.wav",
        "mimetype": "audio/x-wav",
        "size": 44 + 12 * 16000,
    }
    assert mails[0]["recordid"] == "1" and mails[0]["transcribe"] == 1
    mock.group(email="")
    mock.call()
    assert len(mock.emails()) == 2  # no address, no e-mail


def test_a_live_call_is_in_progress_until_its_talk_time_passes(mock):
    placed = mock.call(active=True, talktime=60)
    row = next(r for r in mock.rows() if r["uniqueid"] == placed["uniqueid"])
    assert row["complete"] == 0 and row["end"] == "0"
    assert mock.emails() == []  # the sales group mails at the end of the call
    mock.clock(advance=61)
    row = next(r for r in mock.rows() if r["uniqueid"] == placed["uniqueid"])
    assert row["complete"] == 1 and row["talktime"] == "60"
    assert [m["uniqueid"] for m in mock.emails()] == [placed["uniqueid"]]
    assert mock.hang_up(placed["uniqueid"]) == 404  # over already


def test_hanging_up_ends_the_call_and_its_recording_now(mock):
    placed = mock.call(active=True)
    mock.clock(advance=30)
    assert mock.hang_up(placed["uniqueid"]) == 204
    mock.clock(advance=100)
    row = next(r for r in mock.rows() if r["uniqueid"] == placed["uniqueid"])
    assert row["complete"] == 1 and row["talktime"] == "30"
    assert row["size"] == str(44 + 30 * 16000)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recordgroup": 99}, "recordgroup"),
        ({"recordgroup": "1"}, "recordgroup"),
        ({"direction": "sideways"}, "direction"),
        ({"talktime": -1}, "talktime"),
        ({"talktime": 1.5}, "talktime"),
        ({"ringtime": 10**9}, "ringtime"),
        ({"caller": "call me"}, "caller"),
        ({"called": "1" * 41}, "called"),
        ({"start": -5}, "start"),
        ({"start": 2_000_000_000}, "start"),  # after now
        ({"start": 2_000_000_000, "active": True}, "start"),
        ({"talktime": 600, "start": int(time.time()) - 60}, "start"),  # still going: active?
        ({"active": "yes"}, "active"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_call_is_a_400_naming_the_field_and_stores_nothing(app, body, field):
    client = app.test_client()
    before = client.get("/_mock/recordings").get_json()
    response = client.post("/_mock/calls", json={"recordgroup": 1, **body})
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert client.get("/_mock/recordings").get_json() == before


def test_a_call_needs_a_json_object(app):
    client = app.test_client()
    for data in ("[1]", "not json", '{"direction": "inbound"}'):
        response = client.post("/_mock/calls", data=data, content_type="application/json")
        assert response.status_code == 400, data


def test_the_clock_moves_and_a_reset_puts_it_back(mock):
    real = mock.clock()
    assert mock.clock(now=2000000000) == pytest.approx(2000000000, abs=2)
    assert mock.clock(advance=3600) == pytest.approx(2000003600, abs=2)
    mock.call()
    mock.reset()
    assert mock.clock() == pytest.approx(real, abs=5)
    assert mock.emails() == []


@pytest.mark.parametrize(
    "body", [{}, {"now": "soon"}, {"advance": True}, {"now": -1}, {"now": 1, "advance": 1}]
)
def test_a_bad_clock_move_is_a_400(app, body):
    assert app.test_client().post("/_mock/clock", json=body).status_code == 400


def test_tokens_expire_by_the_mock_clock(api, mock):
    token = api("user/login", token=1)["data"]["auth_token"]
    by_token = {"auth_token": token}
    assert code(api("recording/groups/get", user=None, id=1, **by_token)) == "200"
    mock.clock(advance=3601)
    assert code(api("recording/groups/get", user=None, id=1, **by_token)) == "401"


def test_type_errors_say_what_was_expected_in_words(app):
    reply = app.test_client().post("/_mock/calls", json={"recordgroup": "1"}).get_json()
    assert reply == {"error": "recordgroup must be an integer, not '1'.", "field": "recordgroup"}


def test_calls_in_progress_are_listed_until_they_end(mock, app):
    live = mock.call(active=True, talktime=100)
    mock.call()  # ended already: not listed
    client = app.test_client()
    [listed] = client.get("/_mock/calls").get_json()["calls"]
    assert listed["uniqueid"] == live["uniqueid"] and listed["recordings"] == ["1"]
    mock.clock(advance=200)
    assert client.get("/_mock/calls").get_json()["calls"] == []


def test_an_email_is_dated_when_the_call_ended(mock):
    live = mock.call(active=True, talktime=60)
    mock.clock(advance=500)  # the clock jumps well past the end
    [mail] = mock.emails()
    row = next(r for r in mock.rows() if r["uniqueid"] == live["uniqueid"])
    assert mail["time"] == int(row["end"])


def test_the_switch_is_given_back_when_catching_up_fails(app, monkeypatch):
    """`caught_up` takes the lock, then catches the calls up: if that raises, the lock is
    released (else every later call of every client would wait for it forever)."""

    switch = app.extensions["mock_enswitch"].switch

    def failing(switch) -> None:
        raise RuntimeError("catching up failed")

    monkeypatch.setattr(calls, "settle", failing)
    with pytest.raises(RuntimeError), calls.caught_up(switch):
        pass
    taken: list[bool] = []

    def another_call() -> None:
        taken.append(switch.db.lock.acquire(timeout=2))
        if taken[-1]:
            switch.db.lock.release()

    other = threading.Thread(target=another_call)
    other.start()
    other.join()
    assert taken == [True]
