# kzeditor — two commands: `make run` (install, demo data, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/kzeditor
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run demo test test-sqlite test-postgres lint format bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Re-installs when requirements.txt changes or the venv was recreated.
$(VENV)/.installed: requirements.txt $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed  ## create .venv and install requirements.txt
	mkdir -p var

demo: install  ## migrate, create demo users, import seeds/
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_demo_users
	$(PY) manage.py import_articles seeds/ --no-progress

run: demo  ## serve on http://127.0.0.1:8000/ with demo data (SQLite, in-process tasks)
	@echo "kzeditor: http://$(HOST):$(PORT)/  (log in as editor / $${DEMO_PASSWORD:-kzeditor})"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install  ## the whole suite: SQLite with in-process tasks, then PostgreSQL + Redis + a worker
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	env -u DATABASE_URL -u CELERY_BROKER_URL $(PY) -m pytest -m "not integration" --create-db -q

test-postgres: install
	DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) $(PY) -m pytest --create-db -q

lint: install  ## ruff check, ruff format --check, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install  ## benchmarks, printing their figures
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/staticfiles
