"""Recording audio: a WAV Python's `wave` opens, as long as the talk, the same bytes for the same
recording, and each group setting audible where it should be (found by its frequency)."""

from __future__ import annotations

import io
import math
import wave
from array import array

from mock_enswitch.domain.audio import RATE, Sound


def samples(sound: Sound) -> array:
    with wave.open(io.BytesIO(sound.data())) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (RATE, 1, 2)
        frames = array("h", wav.readframes(wav.getnframes()))
    return frames


def power(frames: array, hz: float, start: float, seconds: float) -> float:
    """Goertzel: the strength of one frequency in a window, relative to the window's energy."""
    window = frames[int(start * RATE) : int((start + seconds) * RATE)]
    coefficient = 2 * math.cos(2 * math.pi * hz / RATE)
    previous = before = 0.0
    for value in window:
        previous, before = value + coefficient * previous - before, previous
    strength = previous**2 + before**2 - coefficient * previous * before
    energy = sum(v * v for v in window) or 1
    return strength / (energy * len(window))


def test_a_wav_as_long_as_the_talk_whose_size_is_known_ahead():
    sound = Sound(seconds=7, seed="1.1/1")
    data = sound.data()
    assert len(data) == sound.size == 44 + 7 * 16000
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getnframes() / wav.getframerate() == 7


def test_the_same_recording_gives_the_same_bytes_and_another_other_bytes():
    assert Sound(5, "a").data() == Sound(5, "a").data()
    assert Sound(5, "a").data() != Sound(5, "b").data()


def test_the_talk_is_not_silence():
    frames = samples(Sound(4, "talk"))
    assert max(abs(v) for v in frames) > 3000


def test_a_beep_sounds_every_interval_and_nowhere_else():
    frames = samples(Sound(seconds=12, seed="beep", beep=5))
    for second in (5, 10):
        assert power(frames, 1000, second, 0.2) > 0.4, second
    for second in (0, 1, 3, 6, 11):
        assert power(frames, 1000, second, 0.2) < 0.05, second
    quiet = samples(Sound(seconds=12, seed="beep", beep=0))
    assert power(quiet, 1000, 5, 0.2) < 0.05


def test_the_announcement_opens_the_recording_only_when_it_applies():
    announced = samples(Sound(seconds=6, seed="m", announce=True))
    assert power(announced, 1400, 0, 0.25) > 0.4
    assert power(announced, 1800, 0.25, 0.25) > 0.4
    assert power(announced, 1400, 4, 0.25) < 0.05  # talk after the first three seconds
    plain = samples(Sound(seconds=6, seed="m"))
    assert power(plain, 1400, 0, 0.25) < 0.05


def test_a_long_recording_streams_in_chunks_without_building_it_whole():
    sound = Sound(seconds=3600, seed="long", beep=15)
    sizes = [len(chunk) for chunk in sound.chunks()]
    assert sum(sizes) == sound.size
    assert max(sizes) <= 16000  # a second at a time, never the whole file


def test_the_file_view_reads_the_same_bytes_in_any_pieces_and_seeks():
    sound = Sound(seconds=3, seed="file", beep=1, announce=False)
    whole = sound.data()
    file = sound.open()
    pieces = []
    for size in [7, 44, 1, 16000, 12345, 100000]:
        pieces.append(file.read(size))
    assert b"".join(pieces) == whole and file.read(10) == b""
    assert file.seek(0, 2) == len(whole) and file.tell() == len(whole)
    file.seek(40)
    assert file.read(20) == whole[40:60]
    file.seek(-5, 1)
    assert file.read() == whole[55:]
