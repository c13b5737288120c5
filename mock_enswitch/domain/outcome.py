"""What an operation may answer besides its data: a success whose code depends on what it was
asked (calls/make answers 204, or 200 with the callid when `wait` is given), or a file answered
as itself (recording/recordings/get with wrap=none). Dispatch and the envelope know these; an
operation whose success is always the same returns its data (or None), and the table says the
code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Success:
    code: str
    data: Any = None


@dataclass(frozen=True)
class FileReply:
    """A file answered as itself, not inside the envelope; `open()` gives a read-only file that
    makes its bytes as they are read."""

    name: str
    mimetype: str
    size: int
    open: Callable[[], Any]
