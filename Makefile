# MSC Portal. `make run` for the demo, `make test` for the suite; see README.md.
# The interpreter of .venv: the system's Python 3.11 when it can make a venv, else the first
# python3.11 (or python3) on PATH. A distribution's build (Debian's, like the production
# image's python:3.11) is compiled with profile-guided and link-time optimisation; a plain
# source build, pyenv's default, ran the portal's pages about 15 % slower (bench/RESULTS.md).
PYTHON ?= $(shell for p in /usr/bin/python3.11 python3.11; do \
	command -v $$p >/dev/null 2>&1 && $$p -c "import ensurepip" 2>/dev/null \
	&& { command -v $$p; exit; }; done; command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# The demo runs on an embedded default: SQLite under var/, no broker (tasks run eagerly).
DEMO_DATABASE_URL ?= sqlite:///$(CURDIR)/var/demo.sqlite3
DEMO_ENV := DEBUG=true DEMO_MODE=true REDIS_URL= CELERY_BROKER_URL= CELERY_TASK_ALWAYS_EAGER=true \
	DATABASE_URL=$(DEMO_DATABASE_URL)
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run against real PostgreSQL and Redis; both URLs can be overridden from the environment.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/msc_portal)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(TEST_REDIS_URL) DEMO_MODE=false DEBUG=false SECURE_SSL_REDIRECT=false

.PHONY: install run demo-data test test-browser bench lint format lock worker beat messages vendor clean \
	help backup restore faults

help:
	@echo "make run      install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test     the whole suite against PostgreSQL and Redis (browser journeys included)"
	@echo "make test-browser   only the browser journeys (Chromium; screenshots in var/browser/)"
	@echo "make install  create .venv and install the locked dependencies"
	@echo "make lint     ruff, Django's checks and missing migrations"
	@echo "make bench    pages, donor report and export benchmark on PostgreSQL (fills msc_bench once),"
	@echo "              then a 100,000-row legacy import (msc_bench_import; BENCH_IMPORT_ROWS=N)"
	@echo "make worker / make beat   Celery worker / scheduler (need REDIS_URL)"
	@echo "make backup  database (pg_dump -Fc) and media into var/backups/<time>/ (DATABASE_URL)"
	@echo "make restore BACKUP=var/backups/<time>   into an EMPTY database (DATABASE_URL)"
	@echo "make faults  kill Celery workers mid-report; every run must end once (PostgreSQL, Redis)"
	@echo "make lock     regenerate requirements.lock from pyproject.toml"

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	@mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

demo-data: install
	@mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) seed_demo

test: install
	$(TEST_ENV) $(PY) -m pytest --create-db $(PYTEST_ARGS)

test-browser: install
	$(TEST_ENV) $(PY) -m pytest --create-db tests/browser $(PYTEST_ARGS)

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/msc_bench

BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL= DEBUG=false SECURE_SSL_REDIRECT=false

# The pages are served as in production (DEBUG off): static files collected first.
bench: install
	$(BENCH_ENV) $(MANAGE) collectstatic --noinput -v0
	$(BENCH_ENV) $(PY) bench/run.py $(BENCH_ARGS)
	REDIS_URL= DEBUG=false $(PY) bench/imports.py $(BENCH_IMPORT_ROWS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Without gossip and mingle: their broadcast channels are what failed with "'NoneType' object
# has no attribute 'hostname'" when Redis came back (README, Operations); the portal needs
# neither (no remote control of tasks across workers, no clock sync).
WORKER_ARGS ?= --loglevel=INFO --without-gossip --without-mingle

worker: install
	$(VENV)/bin/celery -A msc_portal worker $(WORKER_ARGS)

beat: install
	@mkdir -p var
	$(VENV)/bin/celery -A msc_portal beat --loglevel=INFO

backup:
	ops/backup.sh $(BACKUP_DIR)

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time>"; exit 1; }
	ops/restore.sh $(BACKUP)

faults: install
	$(PY) .ci/faults.py

lock: install
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes -o requirements.lock

# Translators edit locale/{sq,sr_Latn,mk,bs}; Serbian Cyrillic (locale/sr) and the country and
# language names (locale/reference) are generated. The compiled .mo files are committed.
MESSAGES_LOCALES := -l sq -l sr_Latn -l mk -l bs
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=static/vendor --ignore=tests --ignore=bench

messages: install
	$(MANAGE) makemessages $(MESSAGES_LOCALES) $(MESSAGES_IGNORE) --no-obsolete
	$(MANAGE) build_catalogues
	$(MANAGE) compilemessages --ignore=.venv --ignore=var

vendor:
	@echo "Front-end assets are vendored from npm; see static/vendor/README.md"

clean:
	rm -rf $(VENV) var/demo.sqlite3
