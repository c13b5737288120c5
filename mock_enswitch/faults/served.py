"""Rules checked against what the running mock serves: a rule that could never fire is refused
when it is given, not discovered when a test fails for no visible reason."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ..suggest import did_you_mean
from .rules import Rule, RuleError


def check_served(
    rule: Rule,
    served: Mapping[str, Collection[str]],
    version: str,
    real: Collection[str] = (),
) -> None:
    """Refuse a rule that could never fire on this mock: a function that neither the running
    version serves nor the real API has at that version, a prefix no such function starts with,
    a parameter no matched function takes. A real function the mock does not serve may be named
    (its error paths can be simulated before the mock serves it): its parameters are not known
    here, so a rule naming it alone is not checked for them; a prefix's parameters are checked
    against the served functions it matches, when it matches any. Close names are offered
    ("did you mean ...")."""
    unserved = set(real) - set(served)
    everything = set(served) | unserved
    function = rule.match.function
    params_known = True
    if function is None:
        matched = list(served)
    elif function.endswith("/"):
        matched = [name for name in served if name.startswith(function)]
        params_known = bool(matched)  # else only unserved names: checked against those served
        if not matched and not any(name.startswith(function) for name in unserved):
            prefixes = {
                name[: i + 1] for name in everything for i, c in enumerate(name) if c == "/"
            }
            raise RuleError(
                "match.function",
                f"no function of Enswitch {version} starts with {function}{did_you_mean(function, prefixes)}",
            )
    else:
        matched = [function] if function in served else []
        params_known = function not in unserved
        if not matched and params_known:
            raise RuleError(
                "match.function",
                f"Enswitch {version} has no function {function}{did_you_mean(function, everything)}",
            )
    if not params_known:
        return
    for name in rule.match.params:
        taken = {param for path in matched for param in served[path]}
        if name not in taken:
            subject = function or "no function"
            raise RuleError(
                f"match.params.{name}",
                f"{subject} takes no parameter {name}{did_you_mean(name, taken)}",
            )
