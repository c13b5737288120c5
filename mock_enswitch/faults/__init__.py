"""Faults on demand: rules (matcher + effect + trigger), parsed from one format, and the engine
that decides, call by call, which rule fires. Knows nothing about HTTP beyond a method name."""

from .engine import Decision, FaultEngine
from .rules import Effect, Rule, RuleError, parse_rule, parse_rules, shorthand_rule
from .served import check_served

__all__ = [
    "Decision",
    "check_served",
    "Effect",
    "FaultEngine",
    "Rule",
    "RuleError",
    "parse_rule",
    "parse_rules",
    "shorthand_rule",
]
