"""The request journal: what the client sent and what it got, newest kept, passwords masked.

Bounded in memory twice over: by entries (oldest dropped first) and within an entry (a long value
is cut with a marker, an entry's parameters stop at a budget, and a reply's body is kept to
2,000 characters), so neither a long-running mock nor a few huge bodies make it grow without
end (nine 100 MB bodies once held 1.2 GB). Each entry keeps the reply too: status, headers,
body with its secrets masked, and the milliseconds the mock took.

What is shown of a call (its parameters masked and cut, its reply's body masked) is made when
the journal is first read, not on every call: masking on every call cost ~15 us of a served
call's ~70 in process (make bench, P1), and the journal is read by a test or a page now and
then. Until then an entry keeps them as they came, as plain values (a dict of strings, a tuple
of the reply's parts), which the garbage collector does not track: an entry lives for the next
1,000 calls, and every container it held was scanned again and again on its way to the oldest
generation. Only small ones are kept as they came (parameters within `ENTRY_BUDGET`, a body
within `REPLY_LIMIT`), so the bounds hold before anything is shown.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

MASK = "***"


RAW = "_raw"
"""In an entry, the fields still as they came (made into what is shown when first read)."""


class Journal:
    def __init__(self, size: int = 1000, secrets: Iterable[str] = ()) -> None:
        """`secrets`: the parameters whose values are never shown (besides any name with a
        secret word in it)."""
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._seq = 0
        self.secrets = tuple(secrets)

    def record_call(
        self,
        entry: dict[str, Any],
        params: dict[str, str],
        reply: tuple[int, list[tuple[str, str]], bytes | None, float],
    ) -> None:
        """Keep a call: `entry`, its parameters and its reply (status, headers, body or None for
        a file, milliseconds), kept as they came while small, masked when first read."""
        raw = []
        if sum(map(len, params)) + sum(map(len, params.values())) <= ENTRY_BUDGET:
            entry["params"] = params
            raw.append("params")
        else:
            entry["params"] = masked(params, self.secrets)
        status, headers, body, ms = reply
        if body is None or len(body) <= REPLY_LIMIT:  # no more than an entry kept before
            entry["reply"] = (status, tuple(headers), body, ms)
            raw.append("reply")
        else:
            entry["reply"] = reply_record(status, dict(headers), body, ms)
        if raw:
            entry[RAW] = tuple(raw)
        self.record(entry)

    def _shown(self, entry: dict[str, Any]) -> dict[str, Any]:
        """`entry` as it is read (under the lock): what it kept as it came, made (once)."""
        raw = entry.pop(RAW, ())
        if "params" in raw:
            entry["params"] = masked(entry["params"], self.secrets)
        if "reply" in raw:
            status, headers, body, ms = entry["reply"]
            entry["reply"] = reply_record(status, dict(headers), body, ms)
        return dict(entry)

    def record(self, entry: dict[str, Any]) -> None:
        """Keep `entry`, numbered (`seq`, from 1 since the last clear: what a page polling the
        journal asks for what is new)."""
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)

    @property
    def last_seq(self) -> int:
        """The number of the latest entry (0 for none since the last clear)."""
        return self._seq

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self, function: str | None = None, user: str | None = None) -> list[dict]:
        with self._lock:
            return [
                self._shown(entry)
                for entry in self._entries
                if (function is None or entry["function"] == function)
                and (user is None or entry["user"] == user)
            ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seq = 0


VALUE_LIMIT = 1024
NAME_LIMIT = 64
ENTRY_BUDGET = 8192
"""Characters of names and values an entry keeps, at most (plus the markers)."""
MORE = "..."


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...[cut: {len(text)} characters]"


def masked(params: dict[str, str], secrets: Iterable[str]) -> dict[str, str]:
    """`params` as the journal keeps them: every secret's value replaced by ***, long names and
    values cut, and past `ENTRY_BUDGET` characters the rest counted, not kept. A name is a
    secret whatever its case (`Auth_Password`: a client may send one the mock does not take,
    and it still must not be kept), and so is any name with a secret word in it."""
    hidden = {name.lower() for name in secrets}
    kept: dict[str, str] = {}
    budget = ENTRY_BUDGET
    for number, (name, value) in enumerate(params.items()):
        if budget <= 0:
            kept[MORE] = f"[{len(params) - number} more parameters cut]"
            break
        shown = MASK if is_secret(name, hidden) else cut(value, VALUE_LIMIT)
        kept[cut(name, NAME_LIMIT)] = shown
        budget -= min(len(name), NAME_LIMIT) + len(shown)
    return kept


REPLY_LIMIT = 2000
"""Characters of a reply's body the journal keeps (a list of 1,000 rows is cut with a marker)."""
REPLY_READ_LIMIT = 64 * 1024
"""A longer body is not read back to mask it: the journal says its size only."""


def reply_record(status: int, headers: dict[str, str], body: bytes | None, ms: float) -> dict:
    """What a client got back, as the journal keeps it: the status, the headers, the body (its
    secrets masked, as any key with a secret word: an auth_token, a line's SIP password; then
    cut at `REPLY_LIMIT`) and the time the mock took, in milliseconds. `body` None: a file."""
    if body is None:
        shown = "(a file, not kept)"
    elif len(body) > REPLY_READ_LIMIT:
        shown = f"({len(body)} bytes, not kept)"
    elif not SECRET_IN_BODY.search(body):
        shown = body.decode("utf-8", "replace").rstrip("\n")  # nothing to mask: not parsed
    else:
        try:
            shown = json.dumps(masked_reply(json.loads(body)), ensure_ascii=False)
        except ValueError:  # a fault's truncated or garbled body: kept as it went, cut
            shown = body.decode("utf-8", "replace")
    return {"status": status, "headers": headers, "body": cut(shown, REPLY_LIMIT), "ms": ms}


def masked_reply(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if is_secret(k) else masked_reply(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_reply(item) for item in value]
    return value


SECRET_WORDS = ("password", "token", "secret")
SECRET_IN_BODY = re.compile("|".join(SECRET_WORDS).encode(), re.IGNORECASE)
"""A body without one of these is kept as it is, not parsed to be masked (one pass, no copy)."""


def is_secret(name: str, hidden: Iterable[str] = ()) -> bool:
    """Whether a parameter's value must never be shown: one of `hidden` (lower case), or any
    name with a secret word in it, whatever its case (the journal and the fault rules' reasons
    both ask here)."""
    lowered = name.lower()
    return lowered in hidden or any(word in lowered for word in SECRET_WORDS)
