"""What the machinery needs to know of a kind of record, or of a family of API functions: one
value each, so that fixtures, seeding, run-time editing and the function table iterate over one
list (`families/__init__.py`) and no module keeps a registry of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api.table import Function
    from ..store.database import Collection, Database

INT, TEXT, TEXTS = "an integer", "a string", "a list of strings"
URL = "an http:// or https:// URL (or empty)"
DECIMAL = 'a decimal number as a string (e.g. "12.50")'
"""The types a fixture shape names (in the words of its messages)."""

PersonLookup = Callable[[int], "dict | None"]
FromFixture = Callable[[dict, PersonLookup, dict], dict]
"""`from_fixture(record, person, seeded)`: a fixture record through the family's own rules
(`person(id)` looks a user up; `seeded` holds the kinds completed before it), or BadRequest."""


@dataclass(frozen=True)
class Reference:
    """A field of a record that names a record of another kind."""

    field: str
    target: str
    none: Any = None
    """A value that names nothing (a top customer's `parent` 0, a line without owner 0)."""
    checked_on_load: bool = True
    """False where the kind's own rules check it, in their own words (a line's owner)."""


@dataclass(frozen=True)
class Records:
    """A kind of stored record that fixture files seed and other records may refer to."""

    kind: str
    """Its name in the database and in `Seed` (people, record_groups, phones...)."""
    noun: str
    """One record, as messages name it ("telephone line")."""
    file: str | None
    """Its fixture file; None when nothing seeds it from a file (call records are derived)."""
    shape: Mapping[str, str] = field(default_factory=dict)
    """The fields every fixture record must have, and their types."""
    references: tuple[Reference, ...] = ()
    optional: Mapping[str, str] = field(default_factory=dict)
    """Fields a record may have, and their types when it does (a customer's `events_url`)."""
    numbered_on_load: bool = False
    """True when fixture records carry no unique `id` (recordings: addressed otherwise)."""
    unique: tuple[tuple[str, Callable[[dict], Any] | None], ...] = ()
    """What else no two records may share: (field, None) for a field (a user's username), or
    (field, key) for a key made of several, named after `field` (a recording's address)."""
    label: str = "name"
    """The field that names a record in a message (a user's username)."""
    editable: str | None = None
    """The control API's name for adding and removing these records at run time
    (`/_mock/users`); None: not editable there."""


@dataclass(frozen=True)
class Family:
    """One family of the Enswitch API: its functions, and the records it keeps, if any."""

    name: str
    functions: tuple[Function, ...]
    records: Records | None = None
    params_of: str | None = None
    """The function whose parameter rules fixture records follow (None: `from_fixture` checks
    every field)."""
    from_fixture: FromFixture | None = None
    derive: Callable[[dict[str, list[dict]]], list[dict]] | None = None
    """For records no file holds: made from the seeded kinds (a call record per ended call)."""
    stored: Callable[[Database], Collection] | None = None
    """Where its records live (a collection), when other records refer to them at run time."""
    on_delete: Mapping[str, Callable] = field(default_factory=dict)
    """What it does when a record of another kind goes: kind -> hook(request, record), where
    `request` is the context of the API request that deletes it."""
    finds: Mapping[str, Callable] = field(default_factory=dict)
    """What the simulated switch finds through this family: "line" by name, "record_group" by
    ID (the switch imports no family; see domain/switch.py)."""
    on_call_end: Callable | None = None
    """What it does when a call ends on the switch: hook(switch, call)."""
    in_use: Callable[[Database, dict], list[str]] | None = None
    """What else still uses one of its records, beyond declared references (the switch's calls
    on a line), named for the message that refuses its removal at run time."""
