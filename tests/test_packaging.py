"""What an install that is not editable (the compose image, a wheel) gets: every data file of the
package is named by pyproject.toml's package-data (the function list was not, at first: only an
editable install found it)."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent


def test_every_data_file_of_the_package_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["mock_enswitch"]
    package = ROOT / "mock_enswitch"
    data = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert data
    assert [name for name in data if not any(fnmatch.fnmatch(name, p) for p in patterns)] == []
