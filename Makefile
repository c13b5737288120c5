# The two commands of the README. Each creates the virtual environment if there is none and
# installs the package with its test extra, so a fresh machine needs nothing but Python 3.10+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install bytecode serve test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# The package's bytecode, compiled ahead as pip does for an installed wheel: an editable install
# compiles on every start when PYTHONDONTWRITEBYTECODE is set, which cost `serve` ~40 ms of its
# start (make bench, P3). Files already compiled are skipped.
bytecode: install
	$(BIN)/python -m compileall -q mock_enswitch

serve: bytecode
	$(BIN)/mock-enswitch serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint bytecode
	$(BIN)/python -m pytest -n 2 -rs

bench: bytecode
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
