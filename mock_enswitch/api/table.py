"""The vocabulary of the function table: parameters, functions, and how they looked in older versions.

Everything version-dependent is data here (`added`, `Earlier`), so parsing, version emulation, the
change history and the OpenAPI document are derived from one declaration and no handler checks a
version by hand: `Function.at(version)` is the function exactly as that version serves it.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.access import CALLER, Concerns
from ..versions import Version

INTEGER = "integer"
STRING = "string"
DECIMAL = "decimal"
"""The guides' "Decimal" (an amount): digits with an optional sign and fraction, as text on the
wire; parsed to a `decimal.Decimal` (never a float: money must add up)."""
DECIMAL_TEXT = re.compile(r"[+-]?[0-9]{1,12}(\.[0-9]{1,6})?")
"""Our bound for a Decimal, matched whole (fullmatch): 12 ASCII digits, 6 decimals (the
balances the guides show have 6)."""

MAX_INTEGER = 2**31 - 1
"""Our bound for integers the guides leave unbounded: a signed 32-bit database column."""

MAX_STRING = 255
"""Our bound for free-text strings the guides leave unbounded: a VARCHAR(255) column."""

FIRST: Version = (3, 13)
"""The JSON API arrived in 3.13: every function page says "3.13 Function added"."""


class Default(enum.Enum):
    """Defaults that are not values: the guides' "Current value." and "Customer of authentication
    user." Parsing leaves such a parameter out when it is not given; the domain fills it in."""

    CURRENT = "Current value."
    CALLER_CUSTOMER = "Customer of authentication user."
    NOW = "Current time."


NO_DEFAULT = object()
"""In `Function.checks`: validation leaves the parameter out when it is not given."""


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
    added: Version = FIRST
    earlier: tuple[Earlier, ...] = ()
    secret: bool = False
    auth: bool = False
    """Credentials: checked by authentication (401), never by parameter validation (400)."""
    examples: tuple[Any, ...] = ()
    """Values worth trying (the shipped fixtures'), for the OpenAPI document and its fuzzing."""
    note: str = ""
    """Why `added` is what it is when the guides' change history does not say (one of our decisions)."""
    meaning: str = ""
    """How the operation reads the value where a version changed it (transactions/list's `end`
    became "exclusive" in 3.14): an `Earlier` entry can change it like any rule."""

    def at(self, version: Version) -> Param | None:
        """This parameter as `version` had it, or None if it did not exist yet."""
        if version < self.added:
            return None
        if not self.earlier:
            return self  # the same at every version since: no copy (start-up, make bench P3)
        param = self
        for change in sorted(self.earlier, key=lambda e: e.until, reverse=True):
            if version < change.until:
                param = dataclasses.replace(param, **change.rules)
        return dataclasses.replace(param, earlier=())


@dataclass(frozen=True)
class Record:
    """The shape of a function's `data`: one object (or a list of them) with these fields.

    Fields carry `added` like parameters, so an older version does not return a column it did not
    have yet. `complete=False` says more fields may appear (a person's fixture columns)."""

    fields: tuple[Param, ...]
    many: bool = False
    complete: bool = True
    countable: bool = False
    """A list that answers {"count": N} instead of its rows when called with count=1."""
    values: bool = False
    """A list of plain values (the first field's type), not of objects: numbers/available/list's
    array of number strings."""

    def at(self, version: Version) -> Record:
        fields = tuple(f for f in self.fields if f.at(version))
        return self if len(fields) == len(self.fields) else dataclasses.replace(self, fields=fields)


Operation = Callable[..., Any]


@dataclass(frozen=True)
class Function:
    path: str
    summary: str
    operation: Operation
    """domain callable(request, values) -> data or None."""
    success: str
    """"200" (returns data) or "204" (returns none)."""
    codes: Mapping[str, str]
    params: tuple[Param, ...]
    privileges: tuple[str, ...] = ()
    """Role privileges any one of which admits the caller; () means any authenticated user."""
    concerns: Concerns = CALLER
    """What the function acts on (a customer, a group, a recording...): dispatch resolves it
    through the caller's reach before the operation runs, and hands it over as `request.target`."""
    feature: str | None = None
    """Rate-plan feature the customer concerned must have (403 otherwise)."""
    added: Version = FIRST
    open_when: Callable[[Mapping[str, str]], bool] | None = None
    """When no login is needed, from the raw parameters (customers/get with check=1): the
    operation then runs with `request.caller` None."""
    documented: bool = True
    """False where the guides are silent and the shape is one of "Our decisions"."""
    returns: str = ""
    data: Record | None = None
    """The shape of `data` on success (None: the function returns none)."""
    file: Mapping[str, str] | None = None
    """When the function can answer a file instead of the envelope: {"param": "wrap", "value":
    "none", "mimetype": ...} (recording/recordings/get with wrap=none); for the OpenAPI document."""
    version: Version | None = None
    """Set by `at()`: the version this copy of the function is served as."""
    later: Mapping[str, Version] = field(default_factory=dict)
    """Set by `at()`: parameters this version does not know yet, with the version adding them."""

    def at(self, version: Version) -> Function | None:
        """This function as `version` served it, or None if it did not exist yet."""
        if version < self.added:
            return None
        served = [(param, param.at(version)) for param in self.params]
        params = tuple(at for _, at in served if at is not None)
        later = {param.name: param.added for param, at in served if at is None}
        data = self.data.at(version) if self.data else None
        operation = self.operation
        if self.data and data and len(data.fields) < len(self.data.fields):
            hidden = {f.name for f in self.data.fields} - {f.name for f in data.fields}
            operation = _without(self.operation, frozenset(hidden))
        file = self.file if self.file and self.file["param"] in {p.name for p in params} else None
        return dataclasses.replace(
            self,
            params=params,
            file=file,
            data=data,
            operation=operation,
            version=version,
            later=later,
        )

    def param(self, name: str) -> Param | None:
        return self._params_by_name.get(name)

    @functools.cached_property
    def _params_by_name(self) -> dict[str, Param]:
        """Looked up on every call (`auth_token`): a dict, built once per served function."""
        return {param.name: param for param in self.params}

    @functools.cached_property
    def checks(self) -> tuple[tuple[Param, Any], ...]:
        """The parameters validation reads (not the credentials), in order, each with the
        default it fills in, or NO_DEFAULT where it leaves the parameter out (no default, or one
        that is not a value: "Current value."): worked out once per served function, not on
        every call (make bench P1)."""
        return tuple(
            (
                param,
                NO_DEFAULT
                if param.default is None or isinstance(param.default, Default)
                else param.default,
            )
            for param in self.params
            if not param.auth
        )

    def history(self) -> list[tuple[Version, str]]:
        """The change history, as the guides' "Change history" lists it, derived from the table."""
        lines = [(self.added, "Function added.")]
        for param in self.params:
            if param.added > self.added:
                note = f" ({param.note})" if param.note else ""
                lines.append((param.added, f"{param.name} input parameter added.{note}"))
            for change in param.earlier:
                lines.append((change.until, change.note))
        return sorted(lines, key=lambda line: line[0])


def _without(operation: Operation, hidden: frozenset[str]) -> Operation:
    """`operation` whose returned record(s) lack the fields an older version did not have yet."""

    def older(*args: Any, **kwargs: Any) -> Any:
        data = operation(*args, **kwargs)
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in hidden}
        if isinstance(data, list):
            return [{k: v for k, v in row.items() if k not in hidden} for row in data]
        return data

    return older
