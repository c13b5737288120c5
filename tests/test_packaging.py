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


def test_a_wheel_and_an_sdist_build_and_pass_twine_check(tmp_path):
    """What `pipx run mock-enswitch serve` gets from a wheel: the data files (fixtures, the
    dashboard, the function list), the console script and the pytest entry point; and an sdist
    that rebuilds it. Built without isolation (the venv's setuptools: no download)."""
    import subprocess
    import sys
    import zipfile

    pytest.importorskip("build")
    pytest.importorskip("twine")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist",
         "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    sdist = next(tmp_path.glob("*.tar.gz"))
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    names = zipfile.ZipFile(wheel).namelist()
    for wanted in (
        "mock_enswitch/default_fixtures/numbers.json",
        "mock_enswitch/default_fixtures/customers.json",
        "mock_enswitch/data/enswitch-functions.tsv",
        "mock_enswitch/control/ui/app.js",
        "mock_enswitch/families/numbers/rules.py",
    ):
        assert wanted in names, wanted
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "mock-enswitch = mock_enswitch.cli:main" in text
    assert "mock_enswitch = mock_enswitch.pytest_plugin" in text
