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

.PHONY: install run demo test test-sqlite test-postgres lint format bench bench-coverage messages screenshots clean

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Re-installs when requirements.txt changes or the venv was recreated.
$(VENV)/.installed: requirements.txt $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

# Interface translations: .po files are the source, .mo files are compiled in the build (Babel,
# so no GNU gettext is needed to build or run).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po locale/overrides/*/LC_MESSAGES/*.po))
locale/%.mo: locale/%.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed $(MO_FILES)  ## create .venv, install requirements.txt, compile translations
	mkdir -p var

demo: install  ## migrate, create demo users, import seeds/
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_demo_users
	$(PY) manage.py import_articles seeds/ --no-progress
	$(PY) manage.py load_translation_memory

run: demo  ## serve on http://127.0.0.1:8000/ with demo data (SQLite, in-process tasks)
	@echo "kzeditor: http://$(HOST):$(PORT)/  (log in as editor / $${DEMO_PASSWORD:-kzeditor})"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Each test runs in at least one pass; the two heaviest contract suites run once: the role x URL
# matrices in the SQLite pass, Schemathesis in the PostgreSQL pass.
test: install  ## the whole suite: SQLite with in-process tasks, then PostgreSQL + Redis + a worker
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	env -u DATABASE_URL -u CELERY_BROKER_URL $(PY) -m pytest -m "not integration and not schema_fuzz" --create-db -q

test-postgres: install
	DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL) $(PY) -m pytest -m "not permission_matrix" --create-db -q

lint: install  ## ruff check, ruff format --check, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install  ## benchmarks, printing their figures
	$(PY) benchmarks/run.py

bench-coverage: install  ## coverage, entity, story and search pages at 100k articles / 2M mentions (PostgreSQL)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kzeditor_bench} $(PY) benchmarks/run.py coverage

messages: install  ## re-extract UI strings into locale/*/LC_MESSAGES/*.po (needs GNU gettext)
	$(PY) manage.py makemessages -l kk -l ru -l en --no-obsolete --ignore=.venv --ignore=var --ignore=benchmarks
	$(PY) manage.py makemessages -d djangojs -l kk -l ru -l en --no-obsolete --ignore=.venv --ignore=var --ignore=var/staticfiles

screenshots: install  ## regenerate docs/screenshots/ with headless Chromium
	KZEDITOR_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q -m "not integration" articles/tests/test_screenshots.py articles/tests/test_translation_browser.py entities/tests/test_coverage_browser.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/staticfiles
