# `make run` for a newcomer, `make test` for everyone and CI. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

export PATH := $(CURDIR)/$(BIN):$(PATH)
export DJANGO_SETTINGS_MODULE := config.settings
export WEB_BIND ?= 127.0.0.1:$(PORT)
# `make run` is a development server: DEBUG on unless the environment
# says otherwise. The tests set their own environment (pyproject.toml).
DEV := DEBUG=$${DEBUG:-true}

.PHONY: run test bench lint format install install-test system-packages services messages \
	compilemessages db demo clean vendor \
	drill load audit-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $@ $(VENV)/.run-installed

# axe-core checks accessibility in the browser tests (tests/e2e/conftest.py reads it
# from $(VENV)/node_modules); npm only fetches it, nothing is bundled or served.
AXE_CORE_VERSION := 4.14.1
$(VENV)/.axe-core-$(AXE_CORE_VERSION): | $(BIN)/python
	npm install --no-save --no-audit --no-fund --silent --prefix $(VENV) axe-core@$(AXE_CORE_VERSION)
	touch $@

# Browser libraries the pages load are served from our static files, never a CDN:
# package.json pins them and package-lock.json holds their checksums; npm fetches
# them into node_modules/ and the files the pages load are copied under static/
# (not committed: .gitignore). The Dockerfile does the same in a build stage.
VENDORED := static/wishes/vendor/Sortable.min.js
node_modules/.installed: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --silent --ignore-scripts
	touch $@
static/wishes/vendor/Sortable.min.js: node_modules/.installed
	mkdir -p $(@D)
	cp node_modules/sortablejs/Sortable.min.js $@
vendor: $(VENDORED)

install: $(VENV)/.run-installed
install-test: $(VENV)/.test-installed $(VENV)/.axe-core-$(AXE_CORE_VERSION)

# Debian packages: gettext to compile translations, npm to fetch the browser libraries
# (and axe-core for the tests), chromium for the browser tests (and poppler-utils's
# pdftoppm, which renders the sealed PDFs they download), Pango and the DejaVu
# fonts for WeasyPrint (the statements of hours, the documents to sign and their
# certificates; fonts-dejavu-extra has the italic of a typed signature).
# dovecot-imapd: the tests of replies by e-mail read a real IMAP mailbox.
WEASYPRINT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra

system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	dpkg -s $(WEASYPRINT_PACKAGES) >/dev/null 2>&1 || missing="$$missing $(WEASYPRINT_PACKAGES)"; \
	[ "$(NEED_CHROMIUM)" != "1" ] || command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ "$(NEED_CHROMIUM)" != "1" ] || command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ "$(NEED_DOVECOT)" != "1" ] || command -v dovecot >/dev/null 2>&1 || missing="$$missing dovecot-imapd"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

services:
	@scripts/services.sh >/dev/null

compilemessages: system-packages install
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv -v 0

# The database DATABASE_URL names (default: portal on the local PostgreSQL).
db: services install
	$(BIN)/python scripts/createdb.py
	$(DEV) $(BIN)/python manage.py migrate --no-input -v 0

demo: db
	$(DEV) $(BIN)/python manage.py demo

run: compilemessages demo vendor
	$(DEV) $(BIN)/python manage.py collectstatic --no-input -v 0
	@echo ""
	@echo "  Open http://$(WEB_BIND)/  (admin: http://$(WEB_BIND)/admin/)"
	@echo ""
	$(DEV) $(BIN)/honcho start -f Procfile

# The suite runs in TEST_WORKERS processes (pytest-xdist: `auto` is one a CPU; at most
# 4; 0 runs it in one process). Each has its own test database (pytest-django's _gw0,
# _gw1... suffix) and its own Redis database (15, 14...: tests/conftest.py). worksteal:
# a process that runs out takes tests queued on another, so the long browser tests,
# which pytest-django runs together, do not end the run on one process alone.
TEST_WORKERS ?= auto
test: NEED_CHROMIUM=1
test: NEED_DOVECOT=1
test: system-packages install-test services compilemessages vendor
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal

bench: install-test services compilemessages vendor
	$(BIN)/python -m bench.run

# Fault drills with real processes (drills/, docs/drills.md): each counts what was
# lost and what was duplicated and writes its figures to drills/results.json.
drill: install-test services compilemessages
	$(BIN)/pytest drills -p no:xdist -q

# Load test (loadtest/, docs/operating.md): gunicorn, a worker and beat on this
# machine, walked by locust personas for a bounded time; figures in loadtest/results.json.
$(VENV)/.load-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test,load]"
	touch $@
load: install-test $(VENV)/.load-installed services compilemessages vendor
	$(BIN)/python -m loadtest

# Known vulnerabilities in the pinned dependencies (PyPI advisory database; see the
# script for a machine that cannot reach it).
audit-deps: install-test
	scripts/audit-deps.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the .po catalogs from the source (then translate what is new).
messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l es -l pt -l fr --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete

clean:
	rm -rf $(VENV) staticfiles node_modules $(VENDORED)
