# goldbench — two commands on a fresh machine with Python 3.11:
#   make demo   create .venv, install, run the demo, print the score table
#   make test   create .venv, install with the dev and server extras, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# One stamp per set of extras; reinstalled when pyproject.toml changes.
$(VENV)/.stamp-base: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-all: pyproject.toml | $(PY)
	$(PIP) install -e '.[dev,server]'
	@touch $@ $(VENV)/.stamp-base

demo: $(VENV)/.stamp-all
	$(VENV)/bin/evaluate examples/quickstart/gold.jsonl examples/quickstart/pred.jsonl

test: $(VENV)/.stamp-all
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-all
	$(VENV)/bin/ruff check eval annotate tests bench examples
	$(VENV)/bin/mypy eval annotate

bench: $(VENV)/.stamp-all
	$(PY) bench/run.py --docs 100000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache reports bench/out
