# LinkUp: `make run` serves the site with demo data; `make test` runs every check.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_MEMBERS ?= 3000
BENCH_MEMBERS ?= 100000
export PYTHONUNBUFFERED := 1

.PHONY: run test lint typecheck checks pytest bench services venv dev-venv chromium clean

$(BIN)/python:
	@command -v $(PY) >/dev/null || PY=python3; $${PY:-$(PY)} -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

services:
	@scripts/ensure-services.sh

# Headless Chromium from Debian's packages, for the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing chromium from apt"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

run: venv services
	@scripts/run.sh $(DEMO_MEMBERS)

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: dev-venv
	$(BIN)/mypy .

checks: dev-venv services
	DJANGO_SETTINGS_MODULE=linkup.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=linkup.settings.test $(MANAGE) spectacular --fail-on-warn --validate --file /dev/null
	DJANGO_SETTINGS_MODULE=linkup.settings.production DJANGO_ALLOWED_HOSTS=linkup.example \
	  DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n') \
	  $(MANAGE) check --deploy --fail-level WARNING

pytest: dev-venv services chromium
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test: lint typecheck checks pytest

bench: dev-venv services
	$(BIN)/python -m bench --members $(BENCH_MEMBERS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles var .mypy_cache .ruff_cache
