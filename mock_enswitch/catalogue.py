"""The real Enswitch API's function names, with the version that added each: package data
(`data/enswitch-functions.tsv`, from the vendor's guide, one page per function).

It lets the mock tell three kinds of name apart: a function it serves, a real function it does
not serve yet (answered "not served", never "unknown", so a client's error path does not read it
as "does not exist or does not belong to you"), and a name that is no function at all ("Unknown
function", with the closest real names). A row without a version existed before the oldest guide
we have (3.13): it is taken as real in every version the mock emulates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .versions import Version, parse_version


@dataclass(frozen=True)
class RealFunction:
    path: str
    added: Version | None
    privileges: str
    source: str

    def exists_at(self, version: Version) -> bool:
        return self.added is None or self.added <= version


@cache
def real_functions() -> dict[str, RealFunction]:
    """Every function of the real API the references name, by path. Read beside this module,
    not through importlib.resources, whose imports (tempfile, zipfile...) cost `serve` ~3 ms
    of its start (python -X importtime); the package is never run from a zip."""
    text = (Path(__file__).parent / "data" / "enswitch-functions.tsv").read_text("utf-8")
    found: dict[str, RealFunction] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        added = row["added"].strip()
        found[row["function"]] = RealFunction(
            row["function"],
            _version(added) if added else None,
            row["privileges"],
            row["source"],
        )
    return found


@cache
def real_at(version: Version) -> frozenset[str]:
    """The real functions that exist at `version`."""
    return frozenset(path for path, f in real_functions().items() if f.exists_at(version))


def _version(text: str) -> Version:
    try:
        return parse_version(text)
    except ValueError:  # a guide version the mock does not emulate (4.3): compare all the same
        major, minor = text.split(".")
        return int(major), int(minor)
