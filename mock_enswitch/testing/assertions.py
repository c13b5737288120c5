"""Assertions on what a client called, for the `enswitch` fixture (as WireMock's verify,
respx's call_count and responses' assert_call_count): from the mock's journal, with messages
that show the near misses."""

from __future__ import annotations

from typing import Any

from ..suggest import did_you_mean


def matches(entry: dict, function: str, user: str | None, params: dict[str, Any]) -> bool:
    return (
        entry["function"] == function
        and (user is None or entry["user"] == user)
        and all(entry["params"].get(name) == str(value) for name, value in params.items())
    )


def near_misses(
    entries: list[dict], function: str, user: str | None, params: dict[str, Any]
) -> list[str]:
    """Why each call of `function` did not match (its user or a parameter differed), or the
    functions called whose names are close to it."""
    misses = []
    for entry in entries:
        if entry["function"] != function:
            continue
        why = []
        if user is not None and entry["user"] != user:
            why.append(f"user {entry['user']!r}, not {user!r}")
        for name, value in params.items():
            got = entry["params"].get(name)
            if got != str(value):
                why.append(f"{name}={got!r}, not {str(value)!r}" if got is not None else
                           f"no {name}")  # fmt: skip
        misses.append(f"call #{entry['seq']} ({entry['code']}): " + "; ".join(why))
    if not misses:
        called = sorted({entry["function"] for entry in entries})
        hint = did_you_mean(function, called)
        misses.append(f"no call of {function}{hint}; called: {', '.join(called) or 'nothing'}")
    return misses


def check_called(
    entries: list[dict], function: str, times: int | None, user: str | None, params: dict
) -> list[dict]:
    """The matching calls, or AssertionError saying how many came and the near misses."""
    found = [entry for entry in entries if matches(entry, function, user, params)]
    if (times is None and found) or (times is not None and len(found) == times):
        return found
    wanted = "at least once" if times is None else f"{times} time(s)"
    shown = ", ".join(
        ([f"user={user!r}"] if user else []) + [f"{k}={v!r}" for k, v in params.items()]
    )
    lines = [f"{function}({shown}) expected {wanted}, called {len(found)} time(s)"]
    lines += [f"  near miss: {miss}" for miss in near_misses(entries, function, user, params)]
    raise AssertionError("\n".join(lines))


def unserved(entries: list[dict], served: set[str]) -> list[str]:
    """The calls of functions the mock does not serve (a real function it lacks: 501; no
    function at all: 404), each named: what strict mode fails a test for."""
    return [
        f"call #{entry['seq']}: {entry['function'] or '(no function)'} answered {entry['code']}"
        for entry in entries
        if entry["function"] not in served
    ]
