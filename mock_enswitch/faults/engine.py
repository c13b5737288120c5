"""The fault-rule engine: which rule, if any, fires for a call.

Rules are tried in the order they were added; the first whose matcher matches and whose trigger
fires wins, and the rules after it do not see the call. Each rule counts the calls it matched,
so "every 2nd", "after 5" and "the first 3" are per rule; a seeded probability has its own random
generator, so the same seed gives the same sequence of faults on the same sequence of calls.
The engine has its own lock: it never waits for the database lock, nor the database for it.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .rules import Effect, Rule, RuleError


@dataclass
class ActiveRule:
    id: int
    rule: Rule
    seen: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def listing(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, **self.rule.source, "hits": self.fired}
        if self.rule.trigger.times is not None:
            out["remaining"] = self.rule.trigger.times - self.fired
        return out

    def expired(self, now: float) -> bool:
        until = self.rule.trigger.until
        return until is not None and now >= until

    def fires(self) -> str | None:
        """Counts one matching call; None if the trigger fires on it, else why not."""
        trigger = self.rule.trigger
        self.seen += 1
        counted = self.seen - (trigger.after or 0)
        if counted <= 0:
            return f"trigger.after: matched call {self.seen} of the {trigger.after} it lets pass"
        if trigger.every is not None and counted % trigger.every:
            return (
                f"trigger.every: matched call {counted}, it fires on every {trigger.every} matched"
            )
        if trigger.probability is not None:
            drawn = self.rng.random()
            if drawn >= trigger.probability:
                return f"trigger.probability: drew {drawn:.3f}, not under {trigger.probability}"
        self.fired += 1
        return None

    def used_up(self) -> bool:
        times = self.rule.trigger.times
        return times is not None and self.fired >= times


@dataclass
class Decision:
    fired: tuple[int, Effect] | None = None
    """(rule id, effect) of the rule that fires, if one does."""
    why_not: list[dict[str, Any]] = field(default_factory=list)
    """For every other rule in force, {"id", "why"}: the first field that did not match, the
    trigger that held it back, or that an earlier rule fired."""


MAX_RULES = 1000


class FaultEngine:
    def __init__(self, baseline: Iterable[Rule] = ()) -> None:
        """`baseline`: the rules given at start (--faults, --fail); `reset()` restores them."""
        self._baseline = tuple(baseline)
        self._lock = threading.Lock()
        self._delaying: set[FaultEngine] = set()
        self.reset()

    def report_to(self, delaying: set[FaultEngine]) -> None:
        """Keep this engine in `delaying` while a rule in force delays calls, out of it
        otherwise: one set for the server's namespaces, which it reads on every call (asking
        each of 1,000 namespaces' engines took ~300 us a call)."""
        with self._lock:
            self._delaying = delaying
            self._noted()

    def _noted(self) -> None:
        """After a change to the rules in force (under the lock)."""
        if any(active.rule.effect.delay is not None for active in self._rules):
            self._delaying.add(self)
        else:
            self._delaying.discard(self)

    def reset(self) -> None:
        """Back to the start-up rules, with fresh counters; IDs restart at 1."""
        with self._lock:
            self._ids = itertools.count(1)
            self._rules: list[ActiveRule] = []
            self._spent: deque[ActiveRule] = deque(maxlen=MAX_RULES)
            """Rules used up or expired since the reset: still shown (`spent=1`), as the
            journal still names them."""
            for rule in self._baseline:
                self._add(rule)
            self._noted()

    def add(self, rule: Rule) -> int:
        """Add a rule given at run time; at most `MAX_RULES` are in force (memory stays bounded
        whatever a client sends)."""
        with self._lock:
            if len(self._rules) >= MAX_RULES:
                raise RuleError("", f"at most {MAX_RULES} rules at once: remove some first")
            rule_id = self._add(rule)
            self._noted()
            return rule_id

    def _add(self, rule: Rule) -> int:
        active = ActiveRule(next(self._ids), rule)
        if rule.trigger.seed is not None:
            active.rng.seed(rule.trigger.seed)
        self._rules.append(active)
        return active.id

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [active for active in self._rules if active.id != rule_id]
            self._noted()
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules = []
            self._noted()

    def listing(self, spent: bool = False) -> list[dict[str, Any]]:
        """The rules in force; with `spent`, also those used up or expired since the reset
        (marked "spent": true), in the order they were added."""
        with self._lock:
            self._drop_expired(time.time())
            shown = [active.listing() for active in self._rules]
            if spent:
                gone = [{**active.listing(), "spent": True} for active in self._spent]
                shown = sorted([*shown, *gone], key=lambda rule: rule["id"])
            return shown

    @property
    def active(self) -> bool:
        """Whether any rule is in force: read without the lock, as a hint (`decide` is exact),
        so a call with no rules about builds no description of itself for them."""
        return bool(self._rules)

    @property
    def may_delay(self) -> bool:
        """Whether a rule in force delays its calls (a hint, read without the lock): the server
        runs calls on its event loop, and only those that may sleep on a thread."""
        return self in self._delaying

    def decide(self, call: dict[str, Any]) -> Decision:
        """The rule that fires for `call`, if any, and why each other rule did not.

        `call` has "function", "method", "user", "params", and "customer": a callable giving the
        customer the call concerns, only looked up when a rule matches on customer.
        """
        decision = Decision()
        with self._lock:
            if not self._rules:
                return decision
            self._drop_expired(time.time())
            for active in list(self._rules):
                if decision.fired is not None:
                    decision.why_not.append(
                        {"id": active.id, "why": f"not tried: rule {decision.fired[0]} fired"}
                    )
                    continue
                why = active.rule.match.mismatch(call) or active.fires()
                if why is not None:
                    decision.why_not.append({"id": active.id, "why": why})
                    continue
                if active.used_up():
                    self._rules.remove(active)
                    self._spent.append(active)
                    self._noted()
                decision.fired = (active.id, active.rule.effect)
        return decision

    def _drop_expired(self, now: float) -> None:
        expired = [active for active in self._rules if active.expired(now)]
        if expired:
            self._spent.extend(expired)
            self._rules = [active for active in self._rules if not active.expired(now)]
            self._noted()
