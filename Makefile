# Three commands for a fresh machine with only python3 and make:
#   make demo   -> creates .venv, installs, solves the Ukraine scenario, writes the report into out/
#   make test   -> creates .venv, installs with the test extra, runs the test suite
#   make docs   -> the documentation site in docs/_build/html (warnings are errors)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_SCENARIO ?= scenarios/ukraine_2025-12.yaml
OUT    ?= out

.PHONY: demo test docs bench lint clean mutation mutation-sample

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[explorer]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,explorer,distributed]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/bargain report $(DEMO_SCENARIO) --out $(OUT)
	@echo "Wrote $(OUT)/ (report.md, report.html, result.json, figures/)"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n auto

# The API pages (docs/reference/api/) are generated afresh each time, so none outlives its module.
# The walkthrough notebook is executed once and cached in docs/_build/.jupyter_cache (keyed on its code).
docs: $(VENV)/.installed-docs
	rm -rf docs/reference/api
	MPLBACKEND=Agg $(BIN)/sphinx-build -b html -W --keep-going -q docs docs/_build/html
	@echo "Wrote docs/_build/html/index.html"

bench: $(VENV)/.installed-test
	$(BIN)/python -m pytest benchmarks -q --benchmark-columns=min,mean,rounds

lint: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet ruff mypy types-PyYAML
	$(BIN)/ruff check simulator tests benchmarks
	$(BIN)/mypy

# mutation testing of the subset stated in pyproject.toml [tool.mutmut]; the modules, the tests,
# the kill rates and the time it takes are in docs/mutation.md
mutation: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet "mutmut>=3,<4"
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

# a seeded random sample of the mutants of the rest of simulator/solver and of simulator/analysis,
# run in build/mutation-sample/ with its own configuration (scripts/mutation_sample.py); the
# method, the selection and the estimates with their intervals are in docs/mutation.md
SEED   ?= 1
SAMPLE ?= 150
# more options of the script, e.g. SAMPLE_ARGS="--package analysis" or "--package solver --budget 2400"
SAMPLE_ARGS ?=
mutation-sample: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet "mutmut>=3,<4"
	nice -n 19 $(BIN)/python scripts/mutation_sample.py --seed $(SEED) --size $(SAMPLE) $(SAMPLE_ARGS)

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .benchmarks build *.egg-info docs/_build docs/reference/api mutants
