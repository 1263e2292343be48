# Masthead: `make run` serves the demo site, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
MASTHEAD_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export MASTHEAD_TEST_DATABASE_URL

LOCK := requirements/lock.txt

.PHONY: run test test-sqlite test-postgres lint format bench clean lock

# Exactly the versions in the lock file, each checked against its hash; then Masthead
# itself, whose dependencies the lock already holds. (pyproject.toml keeps ranges for
# those who install Masthead as a package.)
$(BIN)/.installed: pyproject.toml $(LOCK)
	@PY=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(BIN)/python ]; then echo "Creating $(VENV) with $$PY"; "$$PY" -m venv $(VENV) || exit 1; fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# Pin every dependency (runtime and dev) with hashes, for every Python Masthead supports.
lock: $(BIN)/.installed
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
	  --generate-hashes --custom-compile-command "make lock" --output-file $(LOCK)

run: $(BIN)/.installed
	$(BIN)/masthead demo --migrate
	$(BIN)/masthead collectstatic --noinput -v 0
	$(BIN)/masthead serve

# The W3C Nu HTML checker for the audit tests (package.json pins it; Java runs it).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "npm not found: the Nu HTML checker's tests will skip (fail with MASTHEAD_REQUIRE_SERVICES=1)"; \
	fi

# The two passes run at once (a pass mostly keeps one core busy at a time). The
# PostgreSQL pass's output is held in var/ and printed after the SQLite pass's, so each
# reads as if run alone; `make test` fails if either fails. A background job ignores
# Ctrl-C: the trap stops both passes.
#
# With PostgreSQL there, the tests that reach no database (engine_independent) run in
# its pass instead of the SQLite one: the SQLite pass holds the browser journeys and
# process tests and would otherwise finish a minute after the other.
test: $(BIN)/.installed node_modules/.installed
	@mkdir -p var; rm -f var/test-postgres.log
	@trap 'kill 0' INT TERM; \
	  if VENV_PY=$(BIN)/python scripts/service-available postgres "$(MASTHEAD_TEST_DATABASE_URL)" 2>/dev/null; then \
	    sqlite_markers="$(SQLITE_PASS_MARKERS_BESIDE_POSTGRES)"; postgres_markers="$(POSTGRES_PASS_MARKERS_WITH_ENGINE_INDEPENDENT)"; \
	  else \
	    sqlite_markers="$(SQLITE_PASS_MARKERS)"; postgres_markers="$(POSTGRES_PASS_MARKERS)"; \
	  fi; \
	  $(MAKE) --no-print-directory test-postgres POSTGRES_PASS_MARKERS="$$postgres_markers" > var/test-postgres.log 2>&1 & postgres=$$!; \
	  $(MAKE) --no-print-directory test-sqlite SQLITE_PASS_MARKERS="$$sqlite_markers"; sqlite=$$?; \
	  wait $$postgres; postgres=$$?; \
	  cat var/test-postgres.log; \
	  echo "== make test: SQLite pass exit $$sqlite, PostgreSQL pass exit $$postgres =="; \
	  [ $$sqlite = 0 ] && [ $$postgres = 0 ]

# The passes run at once and the tests empty the Redis database they are given, so each
# pass has its own (sharing one, a flush in one pass deleted the other's batch keys).
MASTHEAD_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
MASTHEAD_TEST_REDIS_URL_POSTGRES_PASS ?= redis://127.0.0.1:6379/14

# Tests marked `postgres` start what they need on PostgreSQL themselves, whatever the
# pass: they run once, in the PostgreSQL pass.
SQLITE_PASS_MARKERS := not postgres
SQLITE_PASS_MARKERS_BESIDE_POSTGRES := not postgres and not (engine_independent and not (browser or timeout_sensitive))

test-sqlite: $(BIN)/.installed node_modules/.installed
	@echo "== Test suite on SQLite (tests marked postgres run in the PostgreSQL pass) =="
	env -u DATABASE_URL -u REDIS_URL MASTHEAD_TEST_REDIS_URL="$(MASTHEAD_TEST_REDIS_URL)" $(BIN)/pytest -m "$(SQLITE_PASS_MARKERS)"

# The PostgreSQL pass leaves out what does not depend on the database engine: browser
# journeys check markup, layout and script, the process tests start `masthead` on a
# fresh SQLite data folder whatever the pass, and tests that reach no database at all
# (engine_independent, marked by masthead/conftest.py) give the same result on either.
# Tests marked `postgres` always run.
POSTGRES_PASS_MARKERS := postgres or not (browser or timeout_sensitive or engine_independent)
POSTGRES_PASS_MARKERS_WITH_ENGINE_INDEPENDENT := postgres or not (browser or timeout_sensitive)

test-postgres: $(BIN)/.installed node_modules/.installed
	@if VENV_PY=$(BIN)/python scripts/service-available postgres "$(MASTHEAD_TEST_DATABASE_URL)"; then \
	  echo "== Test suite on PostgreSQL (browser journeys and process tests ran on SQLite) =="; \
	  DATABASE_URL="$(MASTHEAD_TEST_DATABASE_URL)" MASTHEAD_TEST_REDIS_URL="$(MASTHEAD_TEST_REDIS_URL_POSTGRES_PASS)" \
	    $(BIN)/pytest -m "$(POSTGRES_PASS_MARKERS)"; \
	elif [ "$${MASTHEAD_REQUIRE_SERVICES:-0}" = "1" ]; then \
	  echo "PostgreSQL is required (MASTHEAD_REQUIRE_SERVICES=1) but not reachable." >&2; exit 1; \
	else \
	  echo "== Skipped the PostgreSQL run: not reachable at $(MASTHEAD_TEST_DATABASE_URL) =="; \
	fi

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $$(find masthead -path '*/templates/*' -name '*.html')
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(find masthead -path '*/templates/*' -name '*.html')

clean:
	rm -rf $(VENV) var .pytest_cache node_modules

# `make bench BENCH_ARGS=--quick` to try it; `python bench/run.py --help` lists the options.
bench: $(BIN)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)
