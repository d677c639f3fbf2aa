# fieldvisit — developer entry points. Only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: all run test lint format bench clean translations package package-check
.DEFAULT_GOAL := all

# Translations: the .ts files are the source (committed); the .qm files are built by
# every install of the package (hatch_build.py) and again here when a .ts changed;
# they are git-ignored. `make translations` adds new tr() strings of the UI to the .ts.
TS_FILES := $(wildcard resources/translations/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,server]'
	touch $@ $(STAMP)

resources/translations/%.qm: resources/translations/%.ts | $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

all: $(STAMP) $(QM_FILES)

translations: $(STAMP)
	$(BIN)/python scripts/update_translations.py

run: $(STAMP) $(QM_FILES)
	$(BIN)/fieldvisit $(ARGS)

# One pytest worker per core (pytest-xdist); each test has its own data dir, server port
# and PostgreSQL schema. `make test PYTEST_JOBS=0` runs in one process (easier to debug).
PYTEST_JOBS ?= auto
test: $(TEST_STAMP) $(QM_FILES)
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist worksteal $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix src tests benchmarks scripts
	$(BIN)/ruff format src tests benchmarks scripts

# Desktop bundle (PyInstaller, one folder) for the current platform: dist/fieldvisit/
# (dist/fieldvisit.app on macOS). packaging/README.md has the installers' recipes.
PACKAGE_STAMP := $(VENV)/.installed-package

$(PACKAGE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[package]'
	touch $@ $(STAMP)

package: $(PACKAGE_STAMP) $(QM_FILES)
	rm -rf dist/fieldvisit dist/fieldvisit.app
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/fieldvisit.spec
	@echo "bundle: $$(du -sh dist/fieldvisit | cut -f1) in dist/fieldvisit"

# The bundle run without Python: demo, visits, reports checked with poppler-utils, window.
package-check: package
	bash packaging/smoke_test.sh dist/fieldvisit

# Every benchmark in turn, or some: `make bench BENCH="ui_start open_data_dir"`.
# `make bench TINY=1`: each in its tiny mode (a handful of records, about a minute for
# all; CI runs it), its figures kept out of docs/PERFORMANCE.md.
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run_all.py $(if $(filter 1,$(TINY)),--tiny) $(BENCH)

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache $(QM_FILES)
