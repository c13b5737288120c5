"""Faults on demand: rules (matcher + effect + trigger), parsed from one format, and the engine
that decides, call by call, which rule fires. Knows nothing about HTTP beyond a method name."""

from .engine import FaultEngine
from .rules import Effect, Rule, RuleError, parse_rule, parse_rules, shorthand_rule

__all__ = [
    "Effect",
    "FaultEngine",
    "Rule",
    "RuleError",
    "parse_rule",
    "parse_rules",
    "shorthand_rule",
]
