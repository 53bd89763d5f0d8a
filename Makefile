# Kefu: `make run` starts everything, `make test` runs the whole suite. Both set up what is missing.
SHELL := /bin/bash
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test test-production bench lint setup model chromium node-tools haproxy clean-model lock

setup:  ## create .venv and .venv-rasa when missing or outdated
	@scripts/bootstrap.sh

model: setup  ## train the Rasa model when domain/, data/ or config.yml changed
	@.venv/bin/bot train

chromium:  ## Debian's Chromium for the page tests
	@scripts/ensure-chromium.sh

node-tools:  ## TypeScript for the pages' type check (npm ci, pinned in package-lock.json)
	@scripts/ensure-node-tools.sh

haproxy:  ## Debian's HAProxy for the production topology
	@scripts/ensure-haproxy.sh

run: model  ## start Rasa and the app on the embedded defaults (Ctrl-C stops both)
	@.venv/bin/bot serve

test: model chromium node-tools  ## the whole test suite (the production fault tests: make test-production)
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# 2 app + 2 Rasa replicas behind HAProxy on a private PostgreSQL and Redis, under faults.
# KEFU_FAULT_LOAD_S (default 60) sets each load's length; `make bench` runs 180 s.
test-production: model haproxy
	.venv/bin/python -m pytest -m production tests/production $(PYTEST_ARGS)

bench: model chromium haproxy  ## side-by-side matcher benchmark, round trip, journeys, WeChat, handoff, publish, dashboard
	.venv/bin/python -m bench
	.venv/bin/python -m bench.calibration
	.venv/bin/python -m bench.roundtrip -n 100
	.venv/bin/python -m bench.journeys
	.venv/bin/python -m bench.production
	.venv/bin/python -m bench.wechat -n 60 -m 40
	.venv/bin/python -m bench.handoff -n 50
	.venv/bin/python -m bench.publish
	.venv/bin/python -m bench.supervisor

lint: setup node-tools
	node_modules/.bin/tsc -p bot/web/static/jsconfig.json
	.venv/bin/ruff check bot actions tests
	.venv/bin/ruff format --check bot actions tests
	.venv/bin/mypy

lock:  ## record the exact versions installed, for reproducible set-ups
	.venv/bin/pip freeze --exclude-editable | grep -v '^kefu' > requirements/app.lock
	.venv-rasa/bin/pip freeze --exclude-editable > requirements/rasa.lock

clean-model:
	rm -rf models
