# PlanBridge: `make run` for the demo, `make test` for the whole suite (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and calendar feeds point at the server `make run` starts.
SITE_URL ?= http://$(HOST):$(PORT)
# The embedded run mode (docs/architecture.md "Run modes"): no server needed.
RUN_ENV := DEBUG=1 SECRET_KEY=$${SECRET_KEY:-dev-only-secret-key} PLANBRIDGE_DEMO_SCHEDULE=$${PLANBRIDGE_DEMO_SCHEDULE:-1} SITE_URL=$(SITE_URL)

# Typed and checked by mypy: where the rules, writes and reads live (docs/architecture.md).
TYPED := $(filter-out tests/%,$(wildcard */services.py */services */selectors.py */selectors */rules.py)) planbridge/outbox.py planbridge/once.py

.PHONY: run test venv lint format messages migrate demo clean guard-check

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo $(if $(DEMO_LANG),--lang $(DEMO_LANG))

run: demo
	@mkdir -p var
	@echo ""
	@echo "PlanBridge is starting at $(SITE_URL)/"
	@echo "Demo logins (password: planbridge): pm, dev.coordinator, marketing.coordinator, sales.coordinator, dev.member, marketing.member, sales.member"
	@echo "Emails are written to var/mail/. Press Ctrl-C to stop the web server, the worker and the beat."
	@echo ""
	@# The web server runs in the foreground, so Ctrl-C reaches it (a script's background
	@# jobs ignore it; Celery installs its own handler and starts a warm shutdown). When the
	@# web server ends for another reason the worker is sent TERM instead. Either way it is
	@# killed if still there after 10 s, and the script exits quietly.
	@$(RUN_ENV) bash -c 'stop() { trap - INT TERM EXIT; echo "Stopping the worker and beat…"; \
	    [ "$$1" = interrupted ] || kill -TERM $$worker 2>/dev/null; \
	    for _ in $$(seq 50); do kill -0 $$worker 2>/dev/null || break; sleep 0.2; done; \
	    kill -KILL $$worker 2>/dev/null; wait 2>/dev/null; echo "PlanBridge stopped."; exit 0; }; \
	  trap "stop interrupted" INT; trap stop TERM EXIT; \
	  $(PY) -m celery -A planbridge worker --beat --loglevel=INFO --concurrency=1 \
	    --schedule=var/celerybeat-schedule & worker=$$!; \
	  $(PY) manage.py runserver $(HOST):$(PORT)'

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy $(TYPED)
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Every guard statement of the services is removed in turn; some service test must fail each
# time (tests/guard_mutations.py). Needs PostgreSQL.
guard-check: venv
	$(PY) -m tests.guard_mutations

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerates the zh-hans catalogue from the sources and compiles it (needs GNU gettext).
messages: venv
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -e html,txt,py,md --no-obsolete --ignore=.venv --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf var
