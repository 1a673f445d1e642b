# Kader: `make run` and `make test` are all a new user needs (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
export PATH := $(BIN):$(PATH)

TIER ?= district
.PHONY: bench run test lint hooks format install install-dev assets messages makemessages migrate worker beat clean

$(VENV)/.installed-run: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed-run assets
install-dev: $(VENV)/.installed-dev assets
assets: node_modules/.installed

# Compiled catalogues (.mo) are build output, made from the committed .po files.
# Without settings: compiling needs no SECRET_KEY or database.
messages: $(VENV)/.installed-run
	env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --ignore=.venv --ignore=node_modules --verbosity=0

# For developers: refresh both catalogues after changing user-facing strings.
makemessages: $(VENV)/.installed-run
	$(MANAGE) makemessages --locale=id --locale=en --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete

migrate: install
	$(MANAGE) migrate --noinput

# Development server, Celery worker and beat together; Ctrl-C stops all three.
run: export DEBUG ?= 1
run: install messages
	$(MANAGE) migrate --noinput
	@# Static files as production serves them (hashed names, gzip and brotli, cached for a
	@# year): after changing one in static/, collect again (the server picks it up).
	$(MANAGE) collectstatic --noinput --verbosity=0
	$(MANAGE) seed_demo
	@echo
	@echo "Kader is starting at http://127.0.0.1:8000 — log in as coordinator / kader-demo"
	@echo "(also: admin, mentor, mentor2; same password). Ctrl-C stops everything."
	@echo
	$(BIN)/honcho -f Procfile.dev start

test: install-dev messages
	$(BIN)/pytest

# Load test against a seeded database (manage.py seed_scale --tier $(TIER) first); locust
# lives in its own venv so it never touches the app's dependencies. See docs/performance.md.
var/bench-venv/.installed: bench/requirements.txt
	$(PYTHON) -m venv var/bench-venv
	var/bench-venv/bin/pip install --quiet -r bench/requirements.txt
	@touch $@

bench: install var/bench-venv/.installed
	TIER=$(TIER) $(PY) bench/run.py

# The project's templates: templates/ and each app's templates/.
TEMPLATE_DIRS := templates $(wildcard */templates)

# What CI checks before the tests (.ci/run). mypy covers core and accounts so far (issue 16).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --lint $(TEMPLATE_DIRS)
	$(BIN)/lint-imports  # the layers' import contracts (.importlinter, docs/architecture.md)
	DEBUG=1 $(BIN)/mypy core accounts

# Git hooks (.pre-commit-config.yaml): ruff and djlint on the files of each commit, and no
# model change without its migration.
hooks: $(VENV)/.installed-dev
	$(BIN)/pre-commit install

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A kader worker --loglevel=INFO

beat: install
	$(BIN)/celery -A kader beat --loglevel=INFO

clean:
	rm -rf $(VENV) node_modules var/staticfiles
