# trust-minerals — set-up and everyday commands. Needs only Python >= 3.11, git and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck pytest bench install browser wheel-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[all,dev,peer]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: set up, build the embedded database if missing, run the main job
run: install
	$(BIN)/trust data build
	$(BIN)/trust main --port $(PORT)

## make test: set up (all extras, dev dependencies, the peer test extra, headless Chromium), lint,
## types, the whole test suite, then the wheel check (Python 3.12/3.13 resolution, smoke run of the
## installed wheel)
test: install browser
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup
	$(MAKE) wheel-check

## make wheel-check: build the wheel; pip must resolve it with [all] for Python 3.12 and 3.13;
## install it with [all] into a fresh venv outside the checkout and run scripts/smoke_installed.py
wheel-check: install
	$(BIN)/python scripts/check_wheel.py

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
