# Two commands for a fresh machine with only python3 and make:
#   make demo   -> creates .venv, installs, solves the Ukraine scenario, writes the report into out/
#   make test   -> creates .venv, installs with the test extra, runs the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_SCENARIO ?= scenarios/ukraine_2025-12.yaml
OUT    ?= out

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[explorer]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,explorer]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/bargain report $(DEMO_SCENARIO) --out $(OUT)
	@echo "Wrote $(OUT)/ (report.md, report.html, result.json, figures/)"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python -m pytest benchmarks -q --benchmark-columns=min,mean,rounds

lint: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet ruff mypy types-PyYAML
	$(BIN)/ruff check simulator tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .benchmarks build *.egg-info
