# rescomm: the two commands a newcomer runs are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test setup setup-dev assets browser lint check-imports pytest bench clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

demo: setup  ## Set up, load the bundled demo data and serve at http://127.0.0.1:8000
	$(BIN)/rescomm demo

test: setup-dev browser lint pytest  ## Set up and run the whole test suite (lint + pytest)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,geopackage]'
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

clean:  ## Remove the virtual environment, node_modules and the demo database
	rm -rf $(VENV) node_modules var
