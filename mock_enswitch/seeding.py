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
import os
import time
from pathlib import Path

from .api.functions import BY_PATH
from .api.params import convert
from .api.table import INTEGER
from .domain.errors import BadRequest
from .families.index import FAMILIES, SEEDED
from .fixtures import DEFAULT_DIR, FixtureError, Seed, load


def seed(directory: Path) -> Seed:
    """The fixture files of `directory`, each family's records through the parameter rules of
    the function that creates them (`params_of`: types, bounds, choices) and then its own rules
    (`from_fixture`); records no file holds are derived (call records: the fixture
    recordings' calls have ended, so each gets its record, as a simulated call's end would)."""
    loaded = load(directory)
    people = {person["id"]: person for person in loaded.directory["people"]}
    families: dict[str, list[dict]] = {}
    for family in SEEDED:  # in their order: a line names a group seeded before it
        kind = family.records.kind
        families[kind] = []
        for record, where in zip(loaded.families[kind], loaded.where[kind], strict=True):
            try:
                if family.params_of is not None:
                    check_params(family.params_of, record)
                families[kind].append(family.from_fixture(record, people.get, families))
            except BadRequest as error:
                raise FixtureError(f"{where}: field {error.key!r}: {error.message}") from None
    for family in FAMILIES:  # what no file holds, made from what was seeded
        if family.derive is not None:
            families[family.records.kind] = family.derive(families)
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


class SeedCache:
    """The seed of a fixture directory, read and checked again only when its files change.

    A reset "constructs again" from the files (a fixture edited between two tests is taken),
    but reading and checking them cost ~2 ms of every reset, which the pytest fixture makes
    before each test; the files almost never change. A change is seen from each file's inode,
    size and modification and change times (nanoseconds), here and in the shipped directory a
    directory may borrow from: an edit in place, a replacement by rename, an added or removed
    file. The database copies what it stores (`replace_all`), so the kept seed stays as read."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._signature: tuple | None = None
        self._seed: Seed | None = None

    def seed(self) -> Seed:
        signature = files_signature(self.directory)  # before reading: a change meanwhile shows
        if self._seed is None or signature is None or signature != self._signature:
            self._seed = seed(self.directory)  # a FixtureError keeps the old seed and signature
            self._signature = signature
        return self._seed


SETTLED_NS = 2_000_000_000
"""A file written in the last 2 s is read again at every reset: file times tick coarsely (a few
ms on Linux, 2 s on FAT), so two same-size writes within one tick would look alike ("racy
git"). A test that edits a fixture and resets at once always gets the edit."""


def files_signature(directory: Path) -> tuple | None:
    """What changes when any file of `directory` or the shipped fixtures does; None while one
    was written too recently to tell (`SETTLED_NS`)."""
    entries = []
    settled = time.time_ns() - SETTLED_NS
    for folder in dict.fromkeys((directory, DEFAULT_DIR)):
        with os.scandir(folder) as listing:
            for entry in listing:
                stat = entry.stat()
                if max(stat.st_mtime_ns, stat.st_ctime_ns) > settled:
                    return None
                entries.append(
                    (entry.path, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
                )
    return tuple(sorted(entries))
