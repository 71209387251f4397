# rescomm: the two commands a newcomer runs are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=
# Every pip install here takes the exact versions in constraints.txt (`make lock` refreshes it),
# and so does the isolated build of rescomm itself (setuptools, wheel: pip's --build-constraint,
# so pip is brought to its pinned version first): a new release cannot break a fresh clone.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt
PIP_BUILD   := $(PIP_INSTALL) --build-constraint constraints.txt

.PHONY: demo test setup setup-dev assets browser lint check-imports pytest bench lock clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

demo: setup  ## Set up, load the bundled demo data and serve at http://127.0.0.1:8000
	$(BIN)/rescomm demo

test: setup-dev browser lint pytest  ## Set up and run the whole test suite (lint + pytest)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) pip
	$(PIP_BUILD) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) pip
	$(PIP_BUILD) -e '.[dev,geopackage]'
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the map falls back to its no-JavaScript version (install Node.js for Leaflet)"; \
	fi

assets: node_modules/.installed  ## Install the front-end packages (Leaflet, axe-core) from npm

setup: $(VENV)/.installed assets  ## Create .venv and install rescomm

setup-dev: $(VENV)/.installed-dev assets  ## Create .venv and install rescomm with test tools

browser:  ## Make sure Debian's chromium is installed for the browser tests
	@scripts/ensure-chromium.sh

lint:  ## ruff and the import-linter contract (core never imports Django)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/lint-imports

pytest:
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup-dev  ## Run the benchmarks (figures printed next to a same-run baseline)
	$(BIN)/python benchmarks/run_all.py

lock: | $(BIN)/python  ## Pin the installed dependency tree in constraints.txt (docs: README, "Dependencies")
	$(BIN)/python -m pip install --quiet -e '.[dev,geopackage]'
	$(BIN)/python scripts/lock.py
	touch $(VENV)/.installed-dev $(VENV)/.installed

clean:  ## Remove the virtual environment, node_modules and the demo database
	rm -rf $(VENV) node_modules var
