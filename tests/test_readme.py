"""The README as a user's guide: its table of functions is the function table's, its links to
docs/ lead somewhere, and it stays short enough to read (the internals live in docs/)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from functions_table import FUNCTIONS_PAGE, README, page_text, with_table  # noqa: E402


def test_the_functions_tables_are_made_from_the_function_table():
    text = README.read_text(encoding="utf-8")
    assert with_table(text) == text, "run: python tools/functions_table.py"
    page = FUNCTIONS_PAGE.read_text(encoding="utf-8")
    assert page_text(page) == page, "run: python tools/functions_table.py"
    assert "`customers/balance/add` | commerce | 3.13 | no data (204) |" in page


def test_every_local_link_leads_to_a_file():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?:docs|tests|mock_enswitch)/[^)#]+)\)", text)
    assert links
    assert [link for link in links if not (ROOT / link).exists()] == []


def test_the_readme_is_a_guide_not_a_history():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 490
