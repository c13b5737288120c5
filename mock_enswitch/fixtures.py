"""Fixture files: read, and checked for shape and references, whole, before anything is stored.

A broken file stops start-up (or a reset) with a message naming the file, the record and the
field, so the database is never half-seeded. This module knows files and JSON only; the records
of each family (record groups, recordings) then go through that family's own rules, the ones its
API applies (`seeding.py`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .api.table import DECIMAL_TEXT, MAX_STRING
from .domain.directory import RESELLER, SYSTEM_OWNER
from .families.index import FAMILIES as FAMILIES_SERVED
from .families.index import KINDS, SEEDED
from .families.kinds import DECIMAL, INT, TEXT, TEXTS, URL
from .suggest import did_you_mean
from .versions import format_version, parse_version

DEFAULT_DIR = Path(__file__).parent / "default_fixtures"
"""The shipped fixtures, inside the package (no link: a checkout without symlinks, as on Windows
or in some CI caches, still installs them)."""

FILES = {records.kind: records.file for records in KINDS if records.file}
"""Each kind of record a fixture file seeds, and its file (from the list of families)."""
FAMILIES = tuple(family.records.kind for family in SEEDED)
"""Kinds whose records are checked by their family's rules after the checks here."""
OPTIONAL = set(FAMILIES)

SHAPES: dict[str, Mapping[str, str]] = {
    records.kind: records.shape for records in KINDS if records.file
}
OPTIONAL_SHAPES: dict[str, Mapping[str, str]] = {
    records.kind: records.optional for records in KINDS if records.file
}
NUMBERED_ON_LOAD = {records.kind: records.numbered_on_load for records in KINDS}

REFERENCES = tuple(
    (records.kind, reference)
    for records in KINDS
    if records.file
    for reference in records.references
    if reference.checked_on_load
)
"""Every reference the fixture checks make (a line's owner is checked by its own rules)."""


class FixtureError(Exception):
    """A fixture file is unreadable or a record in it is wrong; the message says where."""

    @property
    def field(self) -> str:
        """The field the message names ("... field 'customer' ..."), or "" (the control API's
        `field`, for a record added at run time)."""
        found = re.search(r"field '([^']+)'", str(self))
        return found.group(1) if found else ""


PRIVILEGES_USED = {
    "roles": tuple(
        dict.fromkeys(
            (
                SYSTEM_OWNER,
                RESELLER,
                *(p for f in FAMILIES_SERVED for fn in f.functions for p in fn.privileges),
            )
        )
    ),
    "rate_plans": tuple(
        dict.fromkeys(fn.feature for f in FAMILIES_SERVED for fn in f.functions if fn.feature)
    ),
}
"""The role privileges and plan features the mock checks: those of reach, and those the
families' functions ask for (so a new family's privilege is known without an edit here). Others
may be listed (a real switch has many more); one that is a near miss of these (`recordin`) is
refused, as it would silently turn into a 402 or 403."""
MAX_ID = 2**31 - 1
MAX_TEXT = MAX_STRING
"""The longest text a fixture or control-API record may hold in a field: the API's own limit
for the strings it takes (MAX_STRING in the function table), so that a record the control API
accepted (a 100,000-character username, say) is one the API could have made."""
MAX_ITEMS = 1000
"""The longest list a field may hold (a role's privileges)."""

KNOWN_FIELDS: dict[str, tuple[str, ...] | None] = {
    "customers": (
        "id",
        "name",
        "parent",
        "rate_plan",
        "events_url",
        "email",
        "balance",
        "currency",
    ),
    "rate_plans": ("id", "name", "privileges"),
    "roles": ("id", "name", "privileges"),
    "people": None,  # a user may carry more columns (user/login returns them): typos only
}
"""The fields each directory file may have; the families' own rules check theirs."""


@dataclass(frozen=True)
class Seed:
    directory: dict[str, list[dict]]
    families: dict[str, list[dict]]
    """Each family's records as the files have them, for the family's own rules to complete."""
    where: dict[str, list[str]]
    """For each family record, "file: record N (id X)", for the messages of those rules."""
    borrowed: tuple[str, ...] = ()
    """Files the directory lacked, taken from the shipped fixtures."""
    digest: str = ""
    """A digest of the files read: the database keeps it, to tell when they have changed."""
    digests: dict[str, str] = dataclasses.field(default_factory=dict)
    """Each file's own digest, to say which changed."""


def load(directory: Path) -> Seed:
    _check_no_stray_files(directory)
    read = {kind: _read(directory, kind) for kind in FILES}
    records = {kind: data for kind, (data, _) in read.items()}
    borrowed = tuple(FILES[kind] for kind, (_, source) in read.items() if source != directory)
    digests = {
        FILES[kind]: hashlib.sha256(json.dumps(records[kind], sort_keys=True).encode()).hexdigest()
        for kind in sorted(FILES)
    }
    digest = hashlib.sha256(json.dumps(digests, sort_keys=True).encode())
    check_records(directory, records)
    return Seed(
        {kind: records[kind] for kind in SHAPES if kind not in FAMILIES},
        {kind: records[kind] for kind in FAMILIES},
        {
            kind: [_where(directory / FILES[kind], i, r) for i, r in enumerate(records[kind])]
            for kind in FAMILIES
        },
        borrowed,
        digest.hexdigest(),
        digests,
    )


def check_records(directory: Path, records: dict[str, list]) -> None:
    """Every file's records, as a whole: shapes, fields, unique IDs and names, references. Also
    what records added at runtime (/_mock/users...) must pass, with `directory` Path(".")."""
    for kind, shape in SHAPES.items():
        for index, record in enumerate(records[kind]):
            _check_fields(directory / FILES[kind], index, record, kind)
            _check_shape(directory / FILES[kind], index, record, shape, OPTIONAL_SHAPES[kind])
            _check_values(directory / FILES[kind], index, record, kind)
        if not NUMBERED_ON_LOAD.get(kind):  # recordings: addressed by (group, uniqueid, recordid)
            _check_unique(directory, kind, records[kind], "id")
    for kind_records in KINDS:
        for field, key in kind_records.unique:
            _check_unique(directory, kind_records.kind, records[kind_records.kind], field, key)
    ids = {kind: {record.get("id") for record in records[kind]} for kind in FILES}
    _check_references(directory, records, ids)


def _check_no_stray_files(directory: Path) -> None:
    """A JSON file that is no fixture file is most likely a misnamed one (user.json): its
    records would be silently ignored, so it stops the load instead."""
    known = {*FILES.values(), SETTINGS}
    stems = {Path(name).stem for name in known}
    for path in sorted(directory.iterdir()):
        misnamed_yaml = path.suffix in (".yaml", ".yml") and path.stem in stems
        if (path.suffix == ".json" or misnamed_yaml) and path.name not in known:
            raise FixtureError(
                f"{path}: not a fixture file (known: {', '.join(sorted(known))})"
                + did_you_mean(path.name, known)
            )


def _check_values(path: Path, index: int, record: dict, kind: str) -> None:
    """What a shape check lets through but no switch would hold: an empty name or username, a
    NUL, an ID past 32 bits, a near-miss privilege."""
    where = _where(path, index, record)
    for name, value in record.items():
        if isinstance(value, str) and "\x00" in value:
            raise FixtureError(f"{where}: field {name!r} contains a NUL character")
        if name in ("name", "username") and value == "":
            raise FixtureError(f"{where}: field {name!r} must not be empty")
        texts = value if isinstance(value, list) else [value]
        longest = max((len(text) for text in texts if isinstance(text, str)), default=0)
        if longest > MAX_TEXT:
            raise FixtureError(
                f"{where}: field {name!r} holds {longest} characters; at most {MAX_TEXT}"
            )
        if isinstance(value, list) and len(value) > MAX_ITEMS:
            raise FixtureError(f"{where}: field {name!r} lists {len(value)}; at most {MAX_ITEMS}")
        if name == "id" and isinstance(value, int) and value > MAX_ID:
            raise FixtureError(f"{where}: field 'id' must be at most {MAX_ID}")
        if _too_wide(value):
            raise FixtureError(f"{where}: field {name!r} holds an integer wider than 64 bits")
    for privilege in record.get("privileges", ()) if kind in PRIVILEGES_USED else ():
        used = PRIVILEGES_USED[kind]
        if privilege in used or not isinstance(privilege, str):
            continue  # looking for a close name costs ~20 us: only for what is not one
        hint = did_you_mean(privilege, used, cutoff=0.75)
        if hint:
            raise FixtureError(f"{where}: field 'privileges': unknown {privilege!r}{hint}")


def _too_wide(value: Any) -> bool:
    """An integer no database column holds (past 64 bits), anywhere in `value`: the stored file
    is read back by orjson, which would turn it into a float."""
    if isinstance(value, int):
        return not -(2**63) <= value < 2**63
    if isinstance(value, list):
        return any(_too_wide(item) for item in value)
    if isinstance(value, dict):
        return any(_too_wide(item) for item in value.values())
    return False


def _check_fields(path: Path, index: int, record: Any, kind: str) -> None:
    """Unknown fields, with the known one a typo was meant to be."""
    if not isinstance(record, dict) or kind not in KNOWN_FIELDS:
        return
    known = KNOWN_FIELDS[kind] or (*SHAPES[kind], *OPTIONAL_SHAPES[kind])
    for name in record:
        if name in known:
            continue
        hint = did_you_mean(name, known, cutoff=0.75)
        if hint or KNOWN_FIELDS[kind] is not None:
            hint = hint or f" (known: {', '.join(known)})"
            raise FixtureError(f"{_where(path, index, record)}: unknown field {name!r}{hint}")


SETTINGS = "settings.json"
SETTING_NAMES = ("enswitch_version",)


def read_settings(directory: Path) -> dict[str, Any]:
    """The optional settings.json of a fixture directory, e.g. {"enswitch_version": "4.2"}.

    An explicit --enswitch-version (or its environment variable) still wins over it."""
    path = directory / SETTINGS
    if not path.exists():
        return {}
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise FixtureError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(settings, dict):
        raise FixtureError(f"{path}: expected a JSON object of settings")
    for name in settings:
        if name not in SETTING_NAMES:
            raise FixtureError(
                f"{path}: unknown setting {name!r}; known: {', '.join(SETTING_NAMES)}"
            )
    if "enswitch_version" in settings:
        try:
            settings["enswitch_version"] = format_version(
                parse_version(settings["enswitch_version"])
            )
        except ValueError as error:
            raise FixtureError(f"{path}: field 'enswitch_version': {error}") from None
    return settings


def _read(directory: Path, kind: str) -> tuple[list[dict], Path]:
    """The records of `kind`, and the directory they came from: a directory without one of the
    directory files takes the shipped one (said at start); without a family file, none."""
    path = directory / FILES[kind]
    if not path.exists():
        if kind in OPTIONAL:
            return [], directory
        if directory.resolve() == DEFAULT_DIR.resolve():
            raise FixtureError(f"{path}: file not found (fixture directory {directory})")
        return _read(DEFAULT_DIR, kind)[0], DEFAULT_DIR
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise FixtureError(f"{path}: not valid JSON: {error}") from None
    if not isinstance(data, list):
        raise FixtureError(f"{path}: expected a JSON array of records")
    return data, directory


def _where(path: Path, index: int, record: Any) -> str:
    label = f"record {index + 1}"  # counted from 1, as a person reading the file counts
    if isinstance(record, dict) and "id" in record:
        label += f" (id {record['id']!r})"
    return f"{path}: {label}"


def _check_shape(
    path: Path, index: int, record: Any, shape: Mapping[str, str], optional: Mapping[str, str]
) -> None:
    if not isinstance(record, dict):
        raise FixtureError(f"{_where(path, index, record)}: expected a JSON object")
    for name, kind in (*shape.items(), *optional.items()):
        if name not in record:
            if name in optional:
                continue
            raise FixtureError(f"{_where(path, index, record)}: field {name!r} is missing")
        value = record[name]
        fits = {
            INT: isinstance(value, int) and not isinstance(value, bool) and value >= 0,
            TEXT: isinstance(value, str),
            TEXTS: isinstance(value, list) and all(isinstance(v, str) for v in value),
            URL: isinstance(value, str) and (value == "" or _is_url(value)),
            DECIMAL: isinstance(value, str) and bool(DECIMAL_TEXT.fullmatch(value)),
        }[kind]
        if not fits or (name == "id" and value == 0):
            wanted = "a positive integer" if name == "id" else kind
            raise FixtureError(
                f"{_where(path, index, record)}: field {name!r} must be {wanted}, not {value!r}"
            )


def _is_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port past 65535, a broken [IPv6] host
        return False


def _check_unique(directory: Path, kind: str, records: list[dict], field: str, key=None) -> None:
    """No two records share `field` (or `key(record)`, named after `field`)."""
    seen: set = set()
    for index, record in enumerate(records):
        value = key(record) if key else record[field]
        if value in seen:
            raise FixtureError(
                f"{_where(directory / FILES[kind], index, record)}: field {field!r} "
                f"repeats {value!r}"
            )
        seen.add(value)


def _check_references(directory: Path, records: dict, ids: dict) -> None:
    for kind, reference in REFERENCES:
        field, target = reference.field, reference.target
        for index, record in enumerate(records[kind]):
            value = record.get(field, reference.none)  # an optional field left out names none
            if reference.none is not None and value == reference.none:
                continue
            if value not in ids[target]:
                raise FixtureError(
                    f"{_where(directory / FILES[kind], index, record)}: field {field!r} names "
                    f"{target} {value}, which {FILES[target]} does not have"
                )
    parents = {c["id"]: c["parent"] for c in records["customers"]}
    for index, customer in enumerate(records["customers"]):
        seen, current = set(), customer["id"]
        while current:
            if current in seen:
                raise FixtureError(
                    f"{_where(directory / FILES['customers'], index, customer)}: field 'parent' "
                    "makes a loop of customers"
                )
            seen.add(current)
            current = parents[current]
