# Sahl: `make run` serves everything on SQLite; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
PEOPLE ?= 3000
AGENCY_SIM_PORT ?= 8801
VNU_VERSION := 26.9.27

.PHONY: run test lint unit integration browser bench lock messages openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test: $(VENV)/.base requirements/test.txt $(VENV)/.vnu-$(VNU_VERSION)
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@

# The Nu HTML checker (vnu.jar) for the browser tests, from its npm package, pinned; it runs on
# Debian's Java (default-jre-headless), so the package's own Java download stays off.
$(VENV)/.vnu-$(VNU_VERSION): $(BIN)/python
	npm install --prefix $(VENV)/vnu --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION)
	touch $@

# The demo runs with the simulated gateway, agency system and SMS provider; production never does.
run: export SAHL_SIMULATORS ?= 1
run: $(VENV)/.base
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) wallet_keys
	$(MANAGE) load_catalogue
	$(MANAGE) load_journeys
	$(MANAGE) load_complaints
	$(MANAGE) seed_demo --people $(PEOPLE)
	$(MANAGE) collectstatic --noinput -v0
	PORT=$(PORT) AGENCY_SIM_PORT=$(AGENCY_SIM_PORT) BIN=$(BIN) scripts/serve.sh

lint: $(VENV)/.test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	SAHL_SIMULATORS=1 $(BIN)/mypy src  # the simulators' models too
	$(BIN)/lint-imports

# SAHL_SKIP_LINT=1: the lint does not depend on the database, so CI runs it on one side only.
test: $(if $(filter 1,$(SAHL_SKIP_LINT)),$(VENV)/.test,lint)
	$(BIN)/pytest

unit: $(VENV)/.test
	$(BIN)/pytest tests/unit

browser: $(VENV)/.test
	$(BIN)/pytest tests/e2e

messages: $(VENV)/.base
	cd src/sahl && $(CURDIR)/$(BIN)/python $(CURDIR)/manage.py makemessages -l ar --no-obsolete -i "*/definitions/*" && $(CURDIR)/$(BIN)/python $(CURDIR)/manage.py compilemessages

# The committed OpenAPI document, written from the code (a test fails when it differs from the served one).
openapi: $(VENV)/.base
	$(MANAGE) export_openapi_schema --api sahl.api_urls.api --indent 2 --sorted --output docs/openapi.json

# Sahl under load as in production (uWSGI, PostgreSQL BENCH_DATABASE_URL, default sahl_bench, or a
# small one it prepares), driven by wrk, beside a bare asyncpg floor: bench/results/<date>.{json,md}.
$(VENV)/.bench: $(VENV)/.base requirements/bench.txt
	$(BIN)/pip install --quiet -r requirements/bench.txt
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lock:
	scripts/lock.sh

clean:
	rm -rf $(VENV) var
