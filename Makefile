# CNHT Connect — developer commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run install install-dev migrate translations reference demo serve test test-embedded \
	test-services lint fmt messages migrations-check check stack

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed ## Create .venv and install requirements.txt

install-dev: $(VENV)/.installed-dev ## Also install what tests and lint need

translations: $(VENV)/.installed ## Compile locale/*.po into .mo
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext"; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

reference: migrate
	$(PY) manage.py load_reference_data

demo: reference ## Load reference and demo data (idempotent)
	$(PY) manage.py load_demo_data

run: translations demo ## Set up everything and serve the portal at http://127.0.0.1:8000 (SQLite, eager Celery)
	@echo "Serving CNHT Connect at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev translations ## Run the whole suite twice: embedded (SQLite) and PostgreSQL+Redis+Celery worker
	@echo "=== Run 1/2: embedded default (SQLite, eager Celery, local-memory cache) ==="
	$(PY) -m pytest $(PYTEST_ARGS)
	@echo "=== Run 2/2: PostgreSQL + Redis + a real Celery worker ==="
	$(PY) -m tests.services test -- $(PY) -m pytest $(PYTEST_ARGS)

test-embedded: install-dev translations ## Only the embedded run
	$(PY) -m pytest $(PYTEST_ARGS)

test-services: install-dev translations ## Only the PostgreSQL+Redis+worker run
	$(PY) -m tests.services test -- $(PY) -m pytest $(PYTEST_ARGS)

backup: install ## Write the database and uploaded files to backups/cnht-<time>.tar (OUTPUT=path to choose)
	$(PY) manage.py backup $(if $(OUTPUT),--output $(OUTPUT))

restore: install ## Replace the database and uploaded files with an archive: make restore FILE=backups/….tar
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/cnht-….tar"; exit 2; }
	$(PY) manage.py restore $(FILE)

lint: install-dev ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install-dev ## Format and fix what ruff can
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install-dev ## Update locale/vi and locale/en catalogues from the source
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=staticfiles --ignore=bench --no-obsolete --add-location file

migrations-check: install ## Fail if a model changed without a migration
	$(PY) manage.py makemigrations --check --dry-run

check: install ## Django system checks
	$(PY) manage.py check

stack: install-dev translations ## Production topology on loopback: PostgreSQL, Redis, gunicorn, Celery worker and beat
	$(PY) -m tests.services stack --port $(PORT)
