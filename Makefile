# Two commands: `make run` starts the fake, `make test` runs the whole suite. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test lint typecheck unit bench wheel-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes; the stamp files keep `make run` instant after the first time.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python -m mockserver --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

unit: $(VENV)/.installed-test
	$(BIN)/pytest -n auto --dist loadfile

test: lint typecheck unit

# Not part of `make test`: builds the wheel, installs it with its dependencies from PyPI into a fresh venv, and runs a
# downstream project's tests and the contract suite there (scripts/wheel_smoke.sh says more).
wheel-smoke: $(VENV)/.installed-test
	PYTHON=$(PYTHON) bash scripts/wheel_smoke.sh

bench: $(VENV)/.installed-test
	bash benchmarks/setup.sh
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/fixture_kit.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
