# Two commands for a newcomer: `make serve` and `make test`. Everything else is optional.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# serve needs the engine's run-time packages only; the test tools come with `make test`
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
NODE_STAMP := node_modules/.installed

.PHONY: serve build check sync schema test lint bench clean setup

# .venv without a pip of its own when this Python's pip can install into it (--python): that
# saves seconds on the first `make serve`; otherwise a venv with its own pip
PIP = $(if $(wildcard $(BIN)/pip),$(BIN)/pip,$(PYTHON) -m pip --python $(BIN)/python) \
	--quiet --disable-pip-version-check

$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)
	@$(PYTHON) -m pip --python $(BIN)/python --version >/dev/null 2>&1 || \
		{ rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }

# serve runs the engine from this folder (build.py): it needs only the packages pyproject.toml
# lists, not an install of the engine itself
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))\
		['project']['dependencies']))" > $(VENV)/run-requirements.txt
	$(PIP) install -r $(VENV)/run-requirements.txt
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(PIP) install -e '.[test]'
	touch $(TEST_STAMP)

# test-only checkers from npm (HTML validator, axe-core); skipped when npm is missing
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: HTML and accessibility checks will be skipped"; fi

serve: $(RUN_STAMP)  ## build, serve at http://127.0.0.1:$(PORT) and reload on every change
	$(BIN)/python build.py serve --port $(PORT)

setup: $(TEST_STAMP)  ## only create .venv with everything installed (CI uses it)

# rewrites the files made from the rubric, the engine and content/pages/contribute.md: the exemplar
# JSON Schema, the issue form and CONTRIBUTING.md (`check` says when they are out of date)
sync: $(RUN_STAMP)
	$(BIN)/python build.py sync

schema: sync  # its older name

build: $(RUN_STAMP)
	$(BIN)/python build.py build

# the site's own checks, as its pull-request workflow runs them: every file, then a build (which
# checks every internal link) into a folder of its own
check: $(RUN_STAMP)
	$(BIN)/python build.py check
	$(BIN)/python build.py build --output .cache/check-output

lint: $(TEST_STAMP)
	$(BIN)/ruff check rubricsite tests benchmarks build.py setup.py

test: $(TEST_STAMP) $(NODE_STAMP) lint sync  ## the engine's tests on their fixture sites, then this site's checks
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory check

# our builds, Hugo + Pagefind's and Pelican's on one generated corpus (1,000, 2,000 and 10,000
# exemplars; takes a while). Quick look: make bench BENCH_ARGS="--sizes 1000 --runs 3"
# Hugo is Debian's package, installed here for the benchmark only; the engine never needs it.
bench: $(RUN_STAMP)
	$(PIP) install -e '.[bench]'
	@command -v hugo >/dev/null 2>&1 || { \
		echo "installing Debian's hugo for the benchmark"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq hugo >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq hugo; }; }
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf output .cache
