# The targets README and CI call. Everything installs into .venv; nothing is installed by hand.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DB ?= reference.db
# make test runs the tests in two processes (this machine has 2 cores), whole files to a process so
# a module's expensive fixture (the broken-server runs, the misbehaving targets) is built once.
WORKERS ?= 2
# The tests start ~150 Python children (suite runs against broken servers, check's workers): with
# PYTHONDONTWRITEBYTECODE set (some shells and images set it), each would compile every module from
# source again (~0.3 s a start). Bytecode goes to the gitignored __pycache__ folders.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install run test test-browser serve check lint types imports bench clean

help:
	@echo "make run    - set up, then run the whole feature suite (every IdP) against the embedded reference server (reports/)"
	@echo "make test   - set up, then run the whole test suite"
	@echo "make test-browser - check report.html in a real headless Chromium (installs it when missing)"
	@echo "make serve  - run the reference server (HOST=$(HOST) PORT=$(PORT) DB=$(DB))"
	@echo "make check  - lint (ruff), format check, type-check (mypy --strict), import contracts (lint-imports)"
	@echo "make bench  - benchmarks (not part of make test); writes bench/results.json"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python >= 3.11 is required (none found as python3.11+ or python3)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/scim-harness check --idp all

serve: $(STAMP)
	$(BIN)/scim-harness serve --host $(HOST) --port $(PORT) --db $(DB)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

test-browser: $(STAMP)
	$(BIN)/python -m tests.browser.check_report

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

check: lint types imports

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) reports .mypy_cache .ruff_cache .hypothesis build *.egg-info
