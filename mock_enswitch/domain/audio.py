"""Recording audio: a real WAV file (8 kHz, mono, 16-bit PCM, as switches store calls), made
when asked, never stored.

The file is as long as the recorded talk, the same bytes every time for the same recording, and
made of one-second blocks picked from a small bank computed once per process, so a one-hour file
streams at memory speed without allocating, and its size is known without making it.

What is in it, so a test can find each setting's effect in the samples:
- talk: voice-like bursts (a 110-260 Hz voice and two harmonics, syllable envelopes), which
  stay below 800 Hz;
- the group's `beep`: a 200 ms tone of 1000 Hz at the start of every `beep`-th second
  (at beep, 2*beep, ... seconds into the recording);
- the group's `message`, when it applies to the call's direction: an announcement in the first
  3 seconds, tones alternating 1400 and 1800 Hz every 250 ms (the real switch plays "this call
  may be recorded"; a tone pattern is what we can make without shipping speech).
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
import struct
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

RATE = 8000
SAMPLE_BYTES = 2
SECOND_BYTES = RATE * SAMPLE_BYTES
HEADER_BYTES = 44
MIMETYPE = "audio/x-wav"
BANK_SIZE = 8
BEEP_HZ = 1000
BEEP_SECONDS = 0.2
ANNOUNCEMENT_HZ = (1400, 1800)
ANNOUNCEMENT_SECONDS = 3


@dataclass(frozen=True)
class Sound:
    """What decides a recording's audio; the same Sound always gives the same bytes."""

    seconds: int
    seed: str
    beep: int = 0
    announce: bool = False

    @property
    def size(self) -> int:
        return HEADER_BYTES + self.seconds * SECOND_BYTES

    def header(self) -> bytes:
        data = self.seconds * SECOND_BYTES
        return struct.pack(
            "<4sI4s4sIHHIIHH4sI",
            b"RIFF",
            36 + data,
            b"WAVE",
            b"fmt ",
            16,
            1,  # PCM
            1,  # mono
            RATE,
            RATE * SAMPLE_BYTES,
            SAMPLE_BYTES,
            8 * SAMPLE_BYTES,
            b"data",
            data,
        )

    def chunks(self) -> Iterator[bytes]:
        """The file: its header, then a second of samples at a time. Each second is a block of
        the bank, handed out as it is (never copied or joined), so streaming allocates nothing."""
        yield self.header()
        for second, pick in enumerate(self.picks()):
            yield self.block(second, pick)

    def picks(self) -> list[int]:
        """Which talk block of the bank each second uses: drawn from the seed."""
        pick = random.Random(hashlib.sha256(self.seed.encode()).digest())
        return [pick.randrange(BANK_SIZE) for _ in range(self.seconds)]

    def open(self) -> SoundFile:
        return SoundFile(self)

    def data(self) -> bytes:
        return b"".join(self.chunks())

    def block(self, second: int, talk: int) -> bytes:
        if self.announce and second < ANNOUNCEMENT_SECONDS:
            return announcement()[second]
        if self.beep and second and second % self.beep == 0:
            return beeped_talk(talk)
        return talk_block(talk)


class SoundFile:
    """A Sound as a read-only, seekable file. Served through `wsgi.file_wrapper`, the server
    reads it block by block as the socket takes them, instead of buffering what an iterator
    yields as fast as it can (under waitress, 8 threads each holding a download's buffers grew
    the server by ~90 MB)."""

    def __init__(self, sound: Sound) -> None:
        self.sound = sound
        self.size = sound.size
        self.position = 0
        self._header = sound.header()
        self._picks = sound.picks()

    def read(self, size: int | None = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        parts, at = [], self.position
        while at < end:
            if at < HEADER_BYTES:
                piece = self._header[at : min(end, HEADER_BYTES)]
            else:
                second, offset = divmod(at - HEADER_BYTES, SECOND_BYTES)
                block = self.sound.block(second, self._picks[second])
                piece = block[offset : offset + end - at]
            parts.append(piece)
            at += len(piece)
        self.position = end
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self.position, self.size)[whence]
        self.position = max(0, min(self.size, base + offset))
        return self.position

    def tell(self) -> int:
        return self.position

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release: the blocks are the process's bank."""


def _samples(values) -> bytes:
    """Little-endian 16-bit samples, as WAV has them, clipped to the range."""
    samples = array("h", (max(-32767, min(32767, int(v))) for v in values))
    if sys.byteorder == "big":  # pragma: no cover - every machine we run on is little-endian
        samples.byteswap()
    return samples.tobytes()


def tone(hz: float, seconds: float, amplitude: float = 12000) -> bytes:
    step = 2 * math.pi * hz / RATE
    return _samples(amplitude * math.sin(step * n) for n in range(int(seconds * RATE)))


@functools.cache
def talk_block(index: int) -> bytes:
    """One second of voice-like sound, the `index`-th of the bank."""
    rng = random.Random(index)
    voice = rng.uniform(110, 260)
    syllables = []  # (start, length) in samples
    at = rng.randrange(400, 1200)
    while at < RATE - 800:
        length = rng.randrange(1000, 2400)
        syllables.append((at, min(length, RATE - at)))
        at += length + rng.randrange(300, 1500)
    envelope = [0.0] * RATE
    for start, length in syllables:
        for n in range(length):
            envelope[start + n] = math.sin(math.pi * n / length)
    step = 2 * math.pi * voice / RATE
    return _samples(
        envelope[n]
        * (
            7000 * math.sin(step * n)
            + 3000 * math.sin(2 * step * n)
            + 1500 * math.sin(3 * step * n)
        )
        for n in range(RATE)
    )


@functools.cache
def beeped_talk(index: int) -> bytes:
    beep = tone(BEEP_HZ, BEEP_SECONDS)
    return beep + talk_block(index)[len(beep) :]


@functools.cache
def announcement() -> tuple[bytes, ...]:
    quarter = [tone(hz, 0.25) for hz in ANNOUNCEMENT_HZ]
    second = (quarter[0] + quarter[1]) * 2
    return (second,) * ANNOUNCEMENT_SECONDS
