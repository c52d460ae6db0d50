# Lifelong — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test check bench format clean venv dev-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

## run: migrate, load the demo data, start the task worker and serve on 127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/lifelong migrate --no-input
	$(BIN)/lifelong load_demo
	$(BIN)/lifelong collectstatic --no-input -v0
	$(BIN)/lifelong db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn lifelong.config.wsgi --preload --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile -

## check: lint, format, types, layer contracts, migrations
check: $(VENV)/.installed-dev
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/lint-imports
	$(BIN)/mypy src/lifelong
	$(BIN)/lifelong makemigrations --check --dry-run

## test: the whole suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL)
test: check
	$(BIN)/pytest -q $(PYTEST_ARGS)

## bench: figures for docs/benchmarks.md
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py
	$(BIN)/python bench/domains.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src bench
	$(BIN)/ruff format src bench

clean:
	rm -rf $(VENV) var/static
