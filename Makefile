# The two commands of the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The exact versions of requirements.lock, then charte itself (editable, its ranges already satisfied).
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

.PHONY: install demo test lint bench lock
install: $(STAMP)

## Set everything up and run the demo month on the embedded sample contract.
demo: $(STAMP)
	$(BIN)/charte demo

## Lint, type-check, check the layering, run the tests.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

## Rewrite requirements.lock: resolve pyproject.toml's ranges in a fresh environment and pin what was installed.
lock:
	rm -rf .lock-env
	$(PY) -m venv .lock-env
	.lock-env/bin/pip install --quiet --upgrade pip
	.lock-env/bin/pip install --quiet '.[dev]'
	{ head -2 requirements.lock; .lock-env/bin/pip freeze --exclude-editable | grep -v '^charte'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .lock-env
