"""How the far end of a call to a number behaves, as a test steers it: it answers (after its
ring), is busy, does not answer, or answers and hangs up after some seconds on the mock clock.

A rule is for the next calls to a number (`times` of them, or every one), set through
`/_mock/far_ends` or the pytest fixture's `enswitch.far_end(...)`; the first rule for the number
is used. Without one, a far end answers after `RING` seconds and talks until hung up. Rules live
in memory beside the outbox, and a reset clears them. Our decisions, as no guide says how a
switch's far ends behave:
- busy: the leg ends at once, unanswered; no answer: it rings `after` seconds (default 30), then
  ends unanswered; hang up: it answers after its ring and ends `after` seconds later.
- An auto-answer flag (calls/make's answer1/answer2) skips the ring of a far end that answers;
  it cannot make a busy line answer.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass

from .errors import BadRequest

OUTCOMES = ("answer", "busy", "no answer", "hang up")
RING = 5
NO_ANSWER_RING = 30
MAX_SECONDS = 10 * 86400
NUMBER_LENGTH = 64
MAX_RULES = 1000


@dataclass
class FarEnd:
    number: str
    outcome: str = "answer"
    after: int | None = None
    times: int | None = None
    """Calls still to steer; None: every call to the number."""
    id: int = 0


@dataclass(frozen=True)
class Behaviour:
    ringtime: int
    answered: bool
    talktime: int | None
    """Seconds from the answer to the far end's hang-up; None: until hung up."""


def parse(body: object) -> FarEnd:
    """A rule from JSON; 400 naming the first bad field."""
    if not isinstance(body, dict):
        raise BadRequest("", "Send the rule as a JSON object.")
    known = ("number", "outcome", "after", "times")
    for name in body:
        if name not in known:
            raise BadRequest(name, f"Unknown field {name}; known: {', '.join(known)}.")
    number = body.get("number")
    if not isinstance(number, str) or not 0 < len(number) <= NUMBER_LENGTH:
        raise BadRequest("number", "number must be the number or line called (a string).")
    outcome = body.get("outcome", "answer")
    if outcome not in OUTCOMES:
        raise BadRequest("outcome", f"outcome must be one of {', '.join(OUTCOMES)}.")
    for name, low in (("after", 0), ("times", 1)):
        value = body.get(name)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_SECONDS
        ):
            raise BadRequest(name, f"{name} must be a whole number from {low} to {MAX_SECONDS}.")
    return FarEnd(number, outcome, body.get("after"), body.get("times"))


class FarEnds:
    """The rules in force, in the order given."""

    def __init__(self) -> None:
        self._rules: list[FarEnd] = []
        self._ids = itertools.count(1)

    def add(self, rule: FarEnd) -> int:
        if len(self._rules) >= MAX_RULES:
            raise BadRequest("", f"At most {MAX_RULES} far-end rules at once: remove some first.")
        rule.id = next(self._ids)
        self._rules.append(rule)
        return rule.id

    def all(self) -> list[dict]:
        return [asdict(rule) for rule in self._rules]

    def remove(self, rule_id: int) -> bool:
        kept = [rule for rule in self._rules if rule.id != rule_id]
        removed = len(kept) != len(self._rules)
        self._rules = kept
        return removed

    def clear(self) -> None:
        self._rules = []
        self._ids = itertools.count(1)

    def behaviour(self, number: str, auto_answer: bool = False) -> Behaviour:
        """How the far end at `number` takes the next call (the rule used up by one)."""
        rule = next((rule for rule in self._rules if rule.number == number), None)
        if rule is not None and rule.times is not None:
            rule.times -= 1
            if not rule.times:
                self._rules.remove(rule)
        outcome = rule.outcome if rule else "answer"
        ring = 0 if auto_answer else RING
        if outcome == "busy":
            return Behaviour(0, False, 0)
        if outcome == "no answer":
            return Behaviour(NO_ANSWER_RING if rule.after is None else rule.after, False, 0)
        if outcome == "hang up":
            return Behaviour(ring, True, rule.after or 0)
        if rule is not None and rule.after is not None and not auto_answer:
            ring = rule.after
        return Behaviour(ring, True, None)
