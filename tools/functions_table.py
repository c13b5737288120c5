"""The tables of the functions served, made from the function table (never by hand): the
README's (one row per family, so it stays short as families come) and docs/functions.md's (one
row per function). `python tools/functions_table.py` rewrites the blocks between the markers,
and tests/test_readme.py fails when a table and the function table disagree."""

from __future__ import annotations

from pathlib import Path

from mock_enswitch.api.table import Function
from mock_enswitch.families.index import FAMILIES
from mock_enswitch.versions import format_version

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FUNCTIONS_PAGE = ROOT / "docs" / "functions.md"
START, END = "<!-- functions:start -->", "<!-- functions:end -->"


def answers(function: Function) -> str:
    if function.success == "200":
        return "data (200)"
    if "200" in function.codes:
        return "no data (204), or data (200) when asked"
    return "no data (204)"


def privileges(function: Function) -> str:
    return " or ".join(function.privileges) or "any user"


def family_table() -> str:
    """One row per family: its functions, by name."""
    rows = ["| family | functions |", "|---|---|"]
    for family in FAMILIES:
        names = ", ".join(f"`{f.path}`" for f in sorted(family.functions, key=lambda f: f.path))
        rows.append(f"| {family.name} | {names} |")
    return "\n".join(rows)


def function_table() -> str:
    """One row per function: its privilege, the version that added it, what it answers."""
    rows = ["| function | role privilege | since | answers |", "|---|---|---|---|"]
    functions = (f for family in FAMILIES for f in family.functions)
    for function in sorted(functions, key=lambda f: f.path):
        rows.append(
            f"| `{function.path}` | {privileges(function)} | "
            f"{format_version(function.added)} | {answers(function)} |"
        )
    return "\n".join(rows)


def with_table(text: str, table: str | None = None) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{family_table() if table is None else table}\n{END}{after}"


def page_text(text: str) -> str:
    return with_table(text, function_table())


if __name__ == "__main__":
    README.write_text(with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    FUNCTIONS_PAGE.write_text(page_text(FUNCTIONS_PAGE.read_text(encoding="utf-8")), "utf-8")
