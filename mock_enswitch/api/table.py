"""The vocabulary of the function table: parameters, functions, and how they looked in older versions.

Everything version-dependent is data here (`added`, `Earlier`), so parsing, version emulation and
the OpenAPI document are derived from one declaration and no handler checks a version by hand.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..versions import Version

INTEGER = "integer"
STRING = "string"

MAX_INTEGER = 2**31 - 1
"""Our bound for integers the guides leave unbounded: a signed 32-bit database column."""

MAX_STRING = 255
"""Our bound for free-text strings the guides leave unbounded: a VARCHAR(255) column."""


class Default(enum.Enum):
    """Defaults that are not values: the guides' "Current value." and "Customer of authentication
    user." Parsing leaves such a parameter out when it is not given; the domain fills it in."""

    CURRENT = "Current value."
    CALLER_CUSTOMER = "Customer of authentication user."


@dataclass(frozen=True)
class Earlier:
    """How a parameter's rules were before version `until` changed them (a change-history line)."""

    until: Version
    rules: Mapping[str, Any]
    note: str


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    added: Version = (3, 13)
    earlier: tuple[Earlier, ...] = ()
    secret: bool = False
    auth: bool = False
    """Credentials: checked by authentication (401), never by parameter validation (400)."""

    def at(self, version: Version) -> Param | None:
        """This parameter as `version` had it, or None if it did not exist yet."""
        if version < self.added:
            return None
        param = self
        for change in sorted(self.earlier, key=lambda e: e.until, reverse=True):
            if version < change.until:
                param = dataclasses.replace(param, **change.rules)
        return dataclasses.replace(param, earlier=())


Operation = Callable[..., Any]


@dataclass(frozen=True)
class Function:
    path: str
    summary: str
    operation: Operation
    """domain callable(switch, caller, values, validate_only) -> data or None."""
    success: str
    """"200" (returns data) or "204" (returns none)."""
    codes: Mapping[str, str]
    params: tuple[Param, ...]
    privileges: tuple[str, ...] = ()
    """Role privileges any one of which admits the caller; () means any authenticated user."""
    feature: str | None = None
    """Rate-plan feature the customer concerned must have (403 otherwise)."""
    added: Version = (3, 13)
    documented: bool = True
    """False where the guides are silent and the shape is one of "Our decisions"."""
    returns: str = ""
    changes: tuple[tuple[Version, str], ...] = field(default=())

    def at(self, version: Version) -> Function | None:
        """This function as `version` served it, or None if it did not exist yet."""
        if version < self.added:
            return None
        params = tuple(p for p in (param.at(version) for param in self.params) if p is not None)
        return dataclasses.replace(self, params=params)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)
