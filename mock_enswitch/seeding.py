"""Seeding: fixture files through the same rules as the API, into one `replace_all`.

`fixtures.py` reads the files and checks their shape and references; here each family's records
pass the parameter rules of the function that creates them (types, bounds, choices: from the
function table) and then the family's domain rules (`from_fixture`), so a fixture cannot hold
what the API would refuse. Any error names the file, the record and the field, and nothing is
stored: the caller gets the whole `Seed` or an exception.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

from .api.functions import BY_PATH
from .api.params import convert
from .api.table import INTEGER
from .domain import cdrs, groups, phones, recordings
from .domain.errors import BadRequest
from .fixtures import FixtureError, Seed, load

RULES: dict[str, tuple[str | None, Callable]] = {
    "record_groups": ("recording/groups/create", groups.from_fixture),
    "phones": (None, phones.from_fixture),
    "recordings": (None, recordings.from_fixture),
}
"""Each family, in seeding order: the function whose parameter rules its fixture records follow
(None: the domain checks every field), and its domain's `from_fixture(record, person, seeded)`
(`person(id)` looks a fixture user up; `seeded` holds the families completed before it).
Call records have no file: the fixture recordings' calls have ended, so seeding gives each its
record, as a simulated call's end would."""


def seed(directory: Path) -> Seed:
    loaded = load(directory)
    people = {person["id"]: person for person in loaded.directory["people"]}
    families: dict[str, list[dict]] = {}
    for kind, (path, from_fixture) in RULES.items():
        families[kind] = []
        for record, where in zip(loaded.families[kind], loaded.where[kind], strict=True):
            try:
                if path is not None:
                    check_params(path, record)
                families[kind].append(from_fixture(record, people.get, families))
            except BadRequest as error:
                raise FixtureError(f"{where}: field {error.key!r}: {error.message}") from None
    families[cdrs.KIND] = cdrs.from_recordings(families["recordings"], families["phones"])
    return dataclasses.replace(loaded, families=families)


def check_params(path: str, record: dict) -> None:
    """The record's fields by the parameter rules of `path` (those it has a parameter for)."""
    function = BY_PATH[path]
    for name, value in record.items():
        param = function.param(name)
        if param is None or param.auth:
            continue
        is_text = isinstance(value, str)
        if is_text == (param.type == INTEGER) or isinstance(value, (bool, list, dict, float)):
            raise BadRequest(name, f"must be {param.type}, not {value!r}.")
        convert(param, value if is_text else json.dumps(value))
