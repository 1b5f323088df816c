# Convenience wrapper around ./dev (the documented entry point). `make help` lists targets.
.PHONY: help setup run test lint
help:  ## this list
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'
setup:  ## system packages, uv and the Python environment
	./dev setup
run:  ## the app on http://127.0.0.1:8000
	./dev run
test:  ## every gate and the whole test suite
	./dev test
lint:  ## ruff, formatting, mypy, migrations check
	./dev lint
