# PlanBridge: `make run` for the demo, `make test` for the whole suite (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The embedded run mode (DESIGN.md "Run modes"): no server needed.
RUN_ENV := DEBUG=1 SECRET_KEY=$${SECRET_KEY:-dev-only-secret-key} PLANBRIDGE_DEMO_SCHEDULE=$${PLANBRIDGE_DEMO_SCHEDULE:-1}

.PHONY: run test venv lint format messages migrate demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo --lang $${DEMO_LANG:-en}

run: demo
	@mkdir -p var
	@echo ""
	@echo "PlanBridge is starting at http://$(HOST):$(PORT)/"
	@echo "Demo logins (password: planbridge): pm, dev.coordinator, marketing.coordinator, sales.coordinator, dev.member, marketing.member, sales.member"
	@echo "Emails are written to var/mail/. Press Ctrl-C to stop the web server and the worker."
	@echo ""
	@$(RUN_ENV) bash -c 'trap "kill 0" INT TERM EXIT; \
	  $(PY) -m celery -A planbridge worker --beat --loglevel=INFO --concurrency=1 \
	    --schedule=var/celerybeat-schedule & \
	  $(PY) manage.py runserver $(HOST):$(PORT) & \
	  wait'

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerates the zh-hans catalogue from the sources and compiles it (needs GNU gettext).
messages: venv
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -e html,txt,py,md --no-obsolete --ignore=.venv --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var
