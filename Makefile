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

.PHONY: install run demo test test-sqlite test-postgres lint format bench bench-coverage bench-http bench-import messages screenshots clean stack

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

bench-http: install  ## HTTP load with wrk on gunicorn + PostgreSQL (generated 100k database; needs wrk)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kzeditor_bench} $(PY) benchmarks/run.py http

bench-import: install  ## 1,000 imported files with 1 then 2 Celery extraction workers (PostgreSQL + Redis)
	$(PY) benchmarks/run.py import-throughput

messages: install  ## re-extract UI strings into locale/*/LC_MESSAGES/*.po (needs GNU gettext)
	$(PY) manage.py makemessages -l kk -l ru -l en --no-obsolete --ignore=.venv --ignore=var --ignore=benchmarks
	$(PY) manage.py makemessages -d djangojs -l kk -l ru -l en --no-obsolete --ignore=.venv --ignore=var --ignore=var/staticfiles

screenshots: install  ## regenerate docs/screenshots/ with headless Chromium
	KZEDITOR_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q -m "not integration" articles/tests/test_screenshots.py articles/tests/test_translation_browser.py entities/tests/test_coverage_browser.py

# `make stack`: the production shape on one machine (PostgreSQL, Redis, gunicorn, extraction and
# default/webhooks workers, beat) from the Procfile, run by honcho. Every variable below is only a
# default: the environment wins (`make stack PORT=9000`, `DATABASE_URL=... make stack`). The
# database is created if missing and migrated; an empty one gets the demo users and seeds/.
# Settings are production's, over plain HTTP on 127.0.0.1 (docs/deploy.md).
STACK_SECRET_FILE := var/stack-secret-key
stack: export DJANGO_SETTINGS_MODULE ?= kzeditor.settings.production
stack: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kzeditor
stack: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/0
stack: export CACHE_URL ?= redis://127.0.0.1:6379/0
stack: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
stack: export SECURE_SSL_REDIRECT ?= false
stack: export HOST ?= 127.0.0.1
stack: export PORT ?= 8000
stack: export STACK_DEMO ?= true
# a local stack delivers webhooks to local receivers (docs/api.md); production refuses them
stack: export KZEDITOR_WEBHOOK_ALLOW_PRIVATE ?= true
stack: export SECRET_KEY ?= $(shell mkdir -p var && { test -s $(STACK_SECRET_FILE) || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > $(STACK_SECRET_FILE); } && cat $(STACK_SECRET_FILE))
stack: export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
stack: install  ## web + workers + beat on local PostgreSQL and Redis (Procfile, honcho)
	$(PY) -c 'import os, environ, psycopg; from psycopg import sql; \
	  db = environ.Env.db_url_config(os.environ["DATABASE_URL"]); \
	  c = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None, dbname="postgres", autocommit=True); \
	  c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone() or c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))'
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	@# (the shell command exits 0 when there is no article yet)
	@if [ "$$STACK_DEMO" = true ] && $(PY) manage.py shell -c 'import sys; from articles.models import Article; sys.exit(Article.objects.exists())'; then \
	  echo "== empty database: demo users and seeds/"; \
	  DJANGO_SETTINGS_MODULE=kzeditor.settings.base $(PY) manage.py create_demo_users && \
	  $(PY) manage.py import_articles seeds/ --no-progress && \
	  $(PY) manage.py load_translation_memory; \
	fi
	@echo "kzeditor stack: http://$$HOST:$$PORT/  (readiness: http://$$HOST:$$PORT/readyz)"
	exec honcho --env /dev/null start

clean:
	rm -rf $(VENV) var/*.sqlite3* var/staticfiles
