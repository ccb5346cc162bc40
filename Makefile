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
	compilemessages db demo clean

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

install: $(VENV)/.run-installed
install-test: $(VENV)/.test-installed $(VENV)/.axe-core-$(AXE_CORE_VERSION)

# Debian packages: gettext to compile translations, chromium (and npm, which fetches
# axe-core) for the browser tests, Pango and the DejaVu fonts for WeasyPrint (the statements of hours as PDF).
WEASYPRINT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	dpkg -s $(WEASYPRINT_PACKAGES) >/dev/null 2>&1 || missing="$$missing $(WEASYPRINT_PACKAGES)"; \
	[ "$(NEED_CHROMIUM)" != "1" ] || command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ "$(NEED_CHROMIUM)" != "1" ] || command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
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

run: compilemessages demo
	$(DEV) $(BIN)/python manage.py collectstatic --no-input -v 0
	@echo ""
	@echo "  Open http://$(WEB_BIND)/  (admin: http://$(WEB_BIND)/admin/)"
	@echo ""
	$(DEV) $(BIN)/honcho start -f Procfile

test: NEED_CHROMIUM=1
test: system-packages install-test services compilemessages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

bench: install-test services compilemessages
	$(BIN)/python -m bench.run

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the .po catalogs from the source (then translate what is new).
messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l es -l pt -l fr --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete

clean:
	rm -rf $(VENV) staticfiles
