"""Call recordings through the pytest fixture, against a served mock: place a call, list it, fetch
its file, move the clock, read the outbox; and each test starts from the fixtures again."""

from __future__ import annotations

import io
import time
import wave

import pytest


def test_place_list_and_fetch_a_recording(enswitch):
    placed = enswitch.place_call(1, talktime=9, caller="0400000001")
    assert placed["recorded"] is True
    rows = enswitch.call("recording/recordings/list", caller="0400000001")["data"]
    assert [row["uniqueid"] for row in rows] == [placed["uniqueid"]]
    audio = enswitch.recording_file(1, placed["uniqueid"])
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getnframes() / wav.getframerate() == 9
    assert [row["uniqueid"] for row in enswitch.recordings()][-1] == placed["uniqueid"]


def test_clock_and_outbox(enswitch):
    live = enswitch.place_call(1, active=True, talktime=30)
    assert enswitch.emails() == []
    before = enswitch.clock.now()
    assert enswitch.clock.advance(31) == pytest.approx(before + 31, abs=2)
    [mail] = enswitch.emails(to="sales@acme.example")
    assert mail["uniqueid"] == live["uniqueid"]
    assert enswitch.clock.set(2_000_000_000) == pytest.approx(2_000_000_000, abs=2)
    with pytest.raises(ValueError, match="404"):
        enswitch.hang_up("no.such")


@pytest.mark.parametrize("n", range(3))
def test_reset_covers_calls_clock_and_emails(enswitch, n):
    assert enswitch.emails() == []
    assert abs(enswitch.clock.now() - time.time()) < 5
    assert len(enswitch.recordings()) == 3  # the shipped ones only
    enswitch.place_call(1)
    enswitch.clock.advance(10 * 365 * 86400)


def test_a_missing_recording_file_raises_with_the_envelope(enswitch):
    with pytest.raises(ValueError, match='"404"'):
        enswitch.recording_file(1, "nope")
