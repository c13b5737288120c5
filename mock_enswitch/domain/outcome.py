"""An operation's success when its code depends on what it was asked: calls/make answers 204,
or 200 with the callid when `wait` is given. Dispatch sends `code` with `data`; an operation
whose success is always the same returns its data (or None) instead, and the table says the
code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Success:
    code: str
    data: Any = None
