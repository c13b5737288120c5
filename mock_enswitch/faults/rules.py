"""The one rule format, for the faults file, `--fail`, the control API and the request header.

    {"match":   {"function": "recording/groups/create" | "recording/", "method": "POST",
                 "user": "acme-admin", "customer": 3, "params": {"name": "x"}},
     "effect":  {"code": "402", "key": "", "message": "..."} | {"delay": 0.2 | [0.1, 0.3]}
              | {"network": "close" | "truncate" | "502" | "503"},
     "trigger": {"times": 3, "every": 2, "probability": 0.25, "seed": 7, "after": 5, "until": T}}

Every part is optional: no matcher matches every call, no trigger fires always. Bad input raises
`RuleError` naming the dotted field, so the control API answers 400 and keeps its rules intact.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api.table import MAX_STRING
from ..journal import is_secret

NETWORK_EFFECTS = ("close", "truncate", "502", "503")
"""Faults of the path to the switch rather than of the switch: no reply, a cut-off body, or the
HTML error page of a proxy in front of it."""

CODE = re.compile(r"^[1-5]\d\d$")
METHODS = ("GET", "POST")


MAX_TEXT = MAX_STRING
"""The longest text a rule may hold in a field (a user, a message, a parameter's name or value):
the API's own bound for the strings it takes, so a rule cannot hold what no call could match."""
MAX_PARAMS = 100


class RuleError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.detail = message
        self.message = f"{field}: {message}" if field else message
        super().__init__(self.message)


@dataclass(frozen=True)
class Match:
    function: str | None = None
    """Exact path, or a prefix when it ends with "/" ("recording/")."""
    method: str | None = None
    user: str | None = None
    customer: int | None = None
    """The customer the call concerns: its `customer` parameter, else the caller's customer."""
    params: dict[str, str] = field(default_factory=dict)

    def matches(self, call: dict[str, Any]) -> bool:
        return self.mismatch(call) is None

    def mismatch(self, call: dict[str, Any]) -> str | None:
        """Why `call` does not match, in one line (the first field that differs), or None."""
        function = call["function"]
        if self.function is not None and not (
            function == self.function
            or (self.function.endswith("/") and function.startswith(self.function))
        ):
            return f"match.function: the call is {function}, not {self.function}"
        if self.method is not None and call["method"] != self.method:
            return f"match.method: the call is {call['method']}, not {self.method}"
        if self.user is not None and call["user"] != self.user:
            return f"match.user: the call is by {call['user']!r}, not {self.user!r}"
        params = call["params"]
        for name, value in self.params.items():
            if params.get(name) != value:
                sent = "not sent" if name not in params else f"{_shown(name, params[name])}"
                return f"match.params.{name}: the call has {sent}, not {_shown(name, value)}"
        if self.customer is not None and call["customer"]() != self.customer:
            return f"match.customer: the call concerns {call['customer']()}, not {self.customer}"
        return None


@dataclass(frozen=True)
class Effect:
    code: str | None = None
    key: str = ""
    message: str | None = None
    delay: tuple[float, float] | None = None
    """Seconds (low, high): fixed when both are equal, else uniform between them."""
    network: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.code is not None:
            out["code"] = self.code
            if self.key:
                out["key"] = self.key
            if self.message is not None:
                out["message"] = self.message
        if self.delay is not None:
            low, high = self.delay
            out["delay"] = low if low == high else [low, high]
        if self.network is not None:
            out["network"] = self.network
        return out


@dataclass(frozen=True)
class Trigger:
    times: int | None = None
    every: int | None = None
    probability: float | None = None
    seed: int | None = None
    after: int | None = None
    until: float | None = None
    """Unix time after which the rule is gone."""

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Rule:
    match: Match
    effect: Effect
    trigger: Trigger
    source: dict[str, Any]
    """The rule as given (for listings), normalised."""
    origin: str = ""
    """Where it was given, when that is worth a message (a file and index, a --fail option)."""


def parse_rule(data: Any) -> Rule:
    if not isinstance(data, dict):
        raise RuleError("", "a rule must be a JSON object")
    _only(data, "", ("match", "effect", "trigger", "id", "remaining"))
    match = _match(_object(data, "match"))
    effect = _effect(_object(data, "effect"))
    trigger = _trigger(_object(data, "trigger"))
    source: dict[str, Any] = {"match": _match_json(match), "effect": effect.as_json()}
    if trigger.as_json():
        source["trigger"] = trigger.as_json()
    return Rule(match, effect, trigger, source)


def parse_rules(data: Any) -> list[Rule]:
    """A faults file: a list of rules, or {"faults": [...]}."""
    if isinstance(data, dict) and set(data) == {"faults"}:
        data = data["faults"]
    if not isinstance(data, list):
        raise RuleError("", 'expected a list of rules, or {"faults": [...]}')
    rules = []
    for index, item in enumerate(data):
        try:
            rules.append(parse_rule(item))
        except RuleError as error:
            raise RuleError(
                f"[{index}]" + ("." + error.field if error.field else ""),
                error.detail,
            ) from None
    return rules


def shorthand_effect(text: str, field: str) -> dict[str, Any]:
    """ "403" -> an envelope with code 403; "close", "truncate", "502", "503" -> a network fault."""
    text = text.strip()
    if text in NETWORK_EFFECTS:
        return {"network": text}
    if CODE.match(text):
        return {"code": text}
    raise RuleError(
        field, f"expected a code such as 403, or one of {', '.join(NETWORK_EFFECTS)}; got {text!r}"
    )


def shorthand_rule(text: str) -> Rule:
    """`--fail FUNCTION=CODE`, e.g. recording/groups/create=402; FUNCTION may be a prefix or *."""
    function, sep, effect = text.rpartition("=")
    if not sep or not function:
        raise RuleError("--fail", f"expected FUNCTION=CODE, got {text!r}")
    match = {} if function == "*" else {"function": function}
    return parse_rule({"match": match, "effect": shorthand_effect(effect, "--fail")})


def _object(data: dict, name: str) -> dict:
    value = data.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RuleError(name, "must be an object")
    return value


def _only(data: dict, where: str, allowed: tuple[str, ...]) -> None:
    for name in data:
        if name not in allowed:
            raise RuleError(
                _dotted(where, name), f"unknown field; expected one of {', '.join(allowed)}"
            )


def _dotted(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _match(data: dict) -> Match:
    _only(data, "match", ("function", "method", "user", "customer", "params"))
    function = _text(data, "match", "function")
    if function is not None:
        function = function.strip("/") + ("/" if function.endswith("/") else "")
    method = _text(data, "match", "method")
    if method is not None:
        method = method.upper()
        if method not in METHODS:
            raise RuleError("match.method", f"must be GET or POST, not {method!r}")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise RuleError("match.params", "must be an object of parameter values")
    if len(params) > MAX_PARAMS:
        raise RuleError("match.params", f"must name at most {MAX_PARAMS} parameters")
    for name, value in params.items():
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise RuleError(f"match.params.{name[:MAX_TEXT]}", "must be a string or an integer")
        if len(name) > MAX_TEXT or (isinstance(value, str) and len(value) > MAX_TEXT):
            raise RuleError(
                "match.params", f"names and values must be at most {MAX_TEXT} characters"
            )
    return Match(
        function=function,
        method=method,
        user=_text(data, "match", "user"),
        customer=_integer(data, "match", "customer", minimum=1),
        params={str(k): str(v) for k, v in params.items()},
    )


def _match_json(match: Match) -> dict[str, Any]:
    out = {k: v for k, v in match.__dict__.items() if v is not None and k != "params"}
    if match.params:
        out["params"] = dict(match.params)
    return out


def _effect(data: dict) -> Effect:
    _only(data, "effect", ("code", "key", "message", "delay", "network"))
    code = data.get("code")
    if code is not None:
        code = str(code)
        if not CODE.match(code):
            raise RuleError("effect.code", f"must be a three-digit code such as 403, not {code!r}")
    network = data.get("network")
    if network is not None and network not in NETWORK_EFFECTS:
        raise RuleError("effect.network", f"must be one of {', '.join(NETWORK_EFFECTS)}")
    if code is not None and network is not None:
        raise RuleError("effect", "give either code or network, not both")
    key = _text(data, "effect", "key") or ""
    message = _text(data, "effect", "message")
    if (key or message is not None) and code is None:
        raise RuleError("effect.code", "is needed with key or message")
    delay = _delay(data.get("delay"))
    if code is None and network is None and delay is None:
        raise RuleError("effect", "needs a code, a delay or a network fault")
    return Effect(code=code, key=key, message=message, delay=delay, network=network)


def _delay(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    bounds = value if isinstance(value, list) else [value]
    if len(bounds) not in (1, 2) or not all(_is_number(b) and 0 <= b <= 600 for b in bounds):
        raise RuleError("effect.delay", "must be seconds (0 to 600), or [low, high]")
    low, high = float(bounds[0]), float(bounds[-1])
    if low > high:
        raise RuleError("effect.delay", "low must not be above high")
    return (low, high)


def _trigger(data: dict) -> Trigger:
    _only(data, "trigger", ("times", "every", "probability", "seed", "after", "until"))
    probability = data.get("probability")
    if probability is not None and not (_is_number(probability) and 0 <= probability <= 1):
        raise RuleError("trigger.probability", "must be a number from 0 to 1")
    seed = _integer(data, "trigger", "seed", minimum=None)
    if seed is not None and probability is None:
        raise RuleError("trigger.seed", "is only used with probability")
    return Trigger(
        times=_integer(data, "trigger", "times", minimum=1),
        every=_integer(data, "trigger", "every", minimum=1),
        probability=float(probability) if probability is not None else None,
        seed=seed,
        after=_integer(data, "trigger", "after", minimum=0),
        until=_time(data.get("until")),
    )


def _time(value: Any) -> float | None:
    if value is None:
        return None
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                raise RuleError("trigger.until", "needs a time zone, e.g. 2026-11-23T12:00:00Z")
            return moment.timestamp()
    raise RuleError("trigger.until", "must be a Unix time or an ISO-8601 time with a zone")


def _text(data: dict, where: str, name: str) -> str | None:
    value = data.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise RuleError(_dotted(where, name), "must be a non-empty string")
    if value is not None and len(value) > MAX_TEXT:
        raise RuleError(_dotted(where, name), f"must be at most {MAX_TEXT} characters")
    return value


def _integer(data: dict, where: str, name: str, minimum: int | None) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise RuleError(_dotted(where, name), f"must be an integer, not {value!r}")
    if minimum is not None and value < minimum:
        raise RuleError(_dotted(where, name), f"must be at least {minimum}")
    return value


def _shown(name: str, value: str) -> str:
    """A parameter value as an explanation shows it: never a password or token."""
    if is_secret(name):
        return "***"
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
