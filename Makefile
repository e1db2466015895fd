# Two commands on a fresh machine: `make run` (the portal with the Örebro demo) and
# `make test` (the whole suite). Everything else here is what those two need.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install system-packages lint messages check-deploy worker clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: .venv/.synced system-packages

# WeasyPrint (the follow-up reports) needs Pango and a font; SAML sign-in needs xmlsec1, and
# lxml and xmlsec are built against Debian's libxml2 and libxmlsec1 (pyproject: [tool.uv]).
# A fresh Debian machine may lack them. As root we install them; otherwise we say what to
# install.
system-packages:
	@missing=""; \
	ldconfig -p | grep -q 'libpango-1.0.so' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	command -v xmlsec1 >/dev/null || missing="$$missing xmlsec1"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	pkg-config --exists xmlsec1-openssl 2>/dev/null || missing="$$missing libxmlsec1-dev"; \
	pkg-config --exists libxml-2.0 libxslt 2>/dev/null || missing="$$missing libxml2-dev libxslt1-dev"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing (for the PDF reports and SAML sign-in)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "The PDF reports and SAML sign-in need:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# Test-only browser tools (axe-core); never part of the served static files.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the browser tests will be skipped (apt-get install npm)."; fi

# A local development configuration; a deployment sets real environment variables instead.
.env:
	@printf 'DJANGO_DEBUG=1\n' > $@
	@echo "Wrote .env (DJANGO_DEBUG=1) for local development."

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --show-users
	@echo "Starting the portal on http://$(HOST):$(PORT)/ with a Celery worker (Ctrl-C stops both)."
	@trap 'kill 0' EXIT; \
	$(PY) -m celery -A portal worker --beat --loglevel=INFO --concurrency=2 \
		--schedule=var/celerybeat-schedule & \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install .env
	$(PY) -m celery -A portal worker --beat --loglevel=INFO --schedule=var/celerybeat-schedule

# Development settings (Django itself turns DEBUG off inside tests); the production
# settings are checked by check-deploy.
test: install node_modules/.package-lock.json
	DJANGO_DEBUG=1 PORTAL_VAR_DIR=$(CURDIR)/var/test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DJANGO_DEBUG=1 .venv/bin/mypy portal strategy actionplans followup
	.venv/bin/lint-imports
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --locale sv --locale en --ignore ".venv/*" --ignore ".tools/*" --no-obsolete --no-location
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore ".venv/*" --ignore ".tools/*"

check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$$(openssl rand -hex 32) DJANGO_ALLOWED_HOSTS=portal.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf .venv .tools var
