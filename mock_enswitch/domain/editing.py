"""Editing the directory and the families' records at run time (`/_mock/customers`, `/users`,
`/roles`, `/rate_plans`, `/phones`): a record added is checked as a fixture file is, against
all the rest, and one removed must be used by nothing (its declared references, and what the
switch's calls use). Called on the switch caught up, under its lock (`caught_up`)."""

from __future__ import annotations

from pathlib import Path

from ..families.index import BY_KIND, KINDS
from ..families.kinds import Records
from ..fixtures import FixtureError, check_records
from ..store.database import Database
from .errors import BadRequest

REFERRERS: dict[str, tuple[tuple[Records, str], ...]] = {
    target.kind: tuple(
        (records, reference.field)
        for records in KINDS
        for reference in records.references
        if reference.target == target.kind
    )
    for target in KINDS
}
"""What refers to a record of each kind (from the references the kinds declare), so removing
one names who still uses it."""
NOUNS = {records.kind: records.noun for records in KINDS}


def records_of(db: Database, kind: str) -> list[dict]:
    """The stored records of `kind`: the directory's, or a family's collection (a family
    whose records nothing refers to at run time has none here)."""
    family = BY_KIND.get(kind)
    if family is None:
        return db.records(kind)
    return family.stored(db).all() if family.stored else []


def add(db: Database, kind: str, record: dict) -> int:
    """A directory record (customer, user, role, rate plan) or a family's (a telephone line)
    added at run time, checked as the fixture files are, against all the rest
    (FixtureError); an `id` is given when the record has none (a family's record always
    gets its collection's next one: it is numbered as stored)."""
    records = all_records(db)
    family = BY_KIND.get(kind)
    if family is not None and isinstance(record, dict):
        record = {**record, "id": db.peek_id(kind)}
    if isinstance(record, dict) and "id" not in record:
        record = {"id": max((r["id"] for r in records[kind]), default=0) + 1, **record}
    existing = records[kind]
    records[kind] = [*existing, record]
    check_records(Path("."), records)
    if family is None:
        db.replace_directory(kind, records[kind])
        return record["id"]
    try:
        made = family.from_fixture(
            record, lambda person_id: db.record("people", person_id), {**records, kind: existing}
        )
    except BadRequest as error:
        raise FixtureError(f"{family.records.noun}: field {error.key!r}: {error.message}") from None
    return family.stored(db).insert({k: v for k, v in made.items() if k != "id"})


def update(db: Database, kind: str, record_id: int, changes: dict) -> bool:
    """Change fields of a directory record (a customer's `events_url`...), checked as a fixture
    file is, against all the rest (FixtureError); `id` stays. False if none has this ID. A
    family's records (a telephone line) are not changed in place: their own rules made them,
    so they are removed and added again."""
    if BY_KIND.get(kind) is not None:
        raise FixtureError(f"a {NOUNS[kind]} is not changed in place: remove it and add it again")
    if "id" in changes and changes["id"] != record_id:
        raise FixtureError(f"{NOUNS[kind]} {record_id}: field 'id' cannot change")
    records = all_records(db)
    if not any(r["id"] == record_id for r in records[kind]):
        return False
    records[kind] = [{**r, **changes} if r["id"] == record_id else r for r in records[kind]]
    check_records(Path("."), records)
    db.replace_directory(kind, records[kind])
    return True


def remove(db: Database, kind: str, record_id: int) -> bool:
    """Remove a record nothing else refers to (FixtureError naming what does); False if none
    has this ID."""
    records = all_records(db)
    kept = [r for r in records[kind] if r["id"] != record_id]
    if len(kept) == len(records[kind]):
        return False
    users = [
        f"{other.noun} {r['id']} ({r.get(other.label) or r.get('name')})"
        for other, field in REFERRERS.get(kind, ())
        for r in records[other.kind]
        if r.get(field) == record_id
    ]
    family = BY_KIND.get(kind)
    if family is not None and family.in_use is not None:
        removed = next(r for r in records[kind] if r["id"] == record_id)
        users += family.in_use(db, removed)
    if users:
        noun = NOUNS[kind]
        raise FixtureError(f"{noun} {record_id} is still used by {', '.join(users[:5])}")
    records[kind] = kept
    check_records(Path("."), records)
    family = BY_KIND.get(kind)
    if family is None:
        db.replace_directory(kind, kept)
    else:
        family.stored(db).delete([record_id])
    return True


def all_records(db: Database) -> dict[str, list]:
    """Every kind's stored records, as the fixture checks take them (a run-time edit is
    checked against all the rest, as a fixture file is)."""
    return {records.kind: records_of(db, records.kind) for records in KINDS}


def person_in(db: Database):
    """A fixture user by ID, for a family's `from_fixture` (its owner checks)."""
    return lambda person_id: db.record("people", person_id)
