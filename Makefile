# Créneau — `make help` lists the targets.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
RUN := $(UV) run --frozen

.PHONY: help run test lint setup demo
help:  ## this list
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup:  ## install system packages, uv and the Python environment
	@scripts/bootstrap

run: setup  ## run the app: web + worker + scheduler on http://127.0.0.1:8000 (SQLite)
	$(RUN) creneau run

test: setup  ## the whole test suite and every gate CI runs
	scripts/test

lint: setup  ## ruff, formatting, mypy and migrations check only
	scripts/test --lint-only
