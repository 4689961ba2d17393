# Two commands for a newcomer: `make serve` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: serve build check test lint bench clean setup schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# test-only checkers from npm (HTML validator, axe-core); skipped when npm is missing
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: HTML and accessibility checks will be skipped"; fi

serve: $(STAMP)  ## build, serve at http://127.0.0.1:8000 and reload on every change
	$(BIN)/python build.py serve

setup: $(STAMP)  ## only create .venv with everything installed (CI uses it)

# after changing the rubric, rubricsite/fields.py or content/pages/contribute.md: rewrites the
# exemplar JSON Schema, the issue form and CONTRIBUTING.md (the tests check they are up to date)
schema: $(STAMP)
	$(BIN)/python -m rubricsite.schema

build: $(STAMP)
	$(BIN)/python build.py build

check: $(STAMP)
	$(BIN)/python build.py check

lint: $(STAMP)
	$(BIN)/ruff check rubricsite tests benchmarks build.py

test: $(STAMP) $(NODE_STAMP) lint  ## the whole suite: unit, integration, workflow and browser tests
	$(BIN)/python -m pytest

# our builds and Pelican's on the same generated corpus (1,000 and 10,000 exemplars; takes a while)
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf output .cache
