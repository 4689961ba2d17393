# Two commands for a newcomer: `make serve` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve build check test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)  ## build, serve at http://127.0.0.1:8000 and reload on every change
	$(BIN)/python build.py serve

build: $(STAMP)
	$(BIN)/python build.py build

check: $(STAMP)
	$(BIN)/python build.py check

lint: $(STAMP)
	$(BIN)/ruff check rubricsite tests build.py

test: $(STAMP) lint  ## the whole suite: unit, integration, workflow and browser tests
	$(BIN)/python -m pytest

clean:
	rm -rf output .cache
