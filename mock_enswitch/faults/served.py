"""Rules checked against what the running mock serves: a rule that could never fire is refused
when it is given, not discovered when a test fails for no visible reason."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ..suggest import did_you_mean
from .rules import Rule, RuleError


def check_served(rule: Rule, served: Mapping[str, Collection[str]], version: str) -> None:
    """Refuse a rule that could never fire on this mock: a function the running version does
    not serve, a prefix no function starts with, a parameter no matched function takes. Close
    names are offered ("did you mean ...")."""
    function = rule.match.function
    if function is None:
        matched = list(served)
    elif function.endswith("/"):
        matched = [name for name in served if name.startswith(function)]
        if not matched:
            prefixes = {name[: i + 1] for name in served for i, c in enumerate(name) if c == "/"}
            raise RuleError(
                "match.function",
                f"no function of Enswitch {version} starts with {function}{did_you_mean(function, prefixes)}",
            )
    else:
        matched = [function] if function in served else []
        if not matched:
            raise RuleError(
                "match.function",
                f"Enswitch {version} has no function {function}{did_you_mean(function, served)}",
            )
    for name in rule.match.params:
        taken = {param for path in matched for param in served[path]}
        if name not in taken:
            subject = function or "no function"
            raise RuleError(
                f"match.params.{name}",
                f"{subject} takes no parameter {name}{did_you_mean(name, taken)}",
            )
