"""The README's table of the functions served, made from the function table (never by hand):
`python tools/functions_table.py` rewrites the block between the README's markers, and
tests/test_readme.py fails when the README and the table disagree."""

from __future__ import annotations

import sys
from pathlib import Path

from mock_enswitch.api.functions import FUNCTIONS
from mock_enswitch.versions import format_version

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- functions:start -->", "<!-- functions:end -->"


def table() -> str:
    rows = [
        "| function | role privilege | since | answers |",
        "|---|---|---|---|",
    ]
    for function in sorted(FUNCTIONS, key=lambda f: f.path):
        privileges = " or ".join(function.privileges) or "any user"
        answers = "data (200)" if function.success == "200" else "no data (204)"
        if function.success == "204" and "200" in function.codes:
            answers = "no data (204), or data (200) when asked"
        rows.append(
            f"| `{function.path}` | {privileges} | {format_version(function.added)} | {answers} |"
        )
    return "\n".join(rows)


def with_table(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table()}\n{END}{after}"


if __name__ == "__main__":
    README.write_text(with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
