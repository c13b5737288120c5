"""The list toolkit's order and paging, one way for every list function (enswitch-api.md 1.3)."""

from __future__ import annotations

from collections.abc import Collection


def ordered(rows: list[dict], values: dict, numeric: Collection[str] = ()) -> list[dict]:
    """`rows` sorted by `values["sort"]` (as numbers if that field is in `numeric`: some are
    strings in the rows), descending with `values["descending"]`; a stable sort, so ties keep
    their stored order."""
    sort = values["sort"]
    return sorted(
        rows,
        key=(lambda r: int(r[sort])) if sort in numeric else (lambda r: r[sort]),
        reverse=bool(values.get("descending")),
    )


def page(rows: list[dict], values: dict) -> list[dict]:
    """`limit` rows from `offset` (limit 0: all of them)."""
    rows = rows[values["offset"] :]
    return rows[: values["limit"]] if values["limit"] else rows
