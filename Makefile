# twitchwise: `make run` starts the app, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck pytest system-deps assets bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

VENDOR := src/twitchwise/web/static/vendor/VERSIONS.json

# Front-end libraries come from npm at build time (versions in web-assets/package-lock.json).
$(VENDOR): web-assets/package-lock.json web-assets/vendor.mjs
	bash scripts/system-deps.sh build
	cd web-assets && npm ci --ignore-scripts --no-audit --no-fund
	node web-assets/vendor.mjs

assets: $(VENDOR)

run: $(STAMP) $(VENDOR)
	$(VENV)/bin/twitchwise serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) system-deps $(VENDOR)
	$(VENV)/bin/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
