# goldbench — two commands on a fresh machine with Python 3.11:
#   make demo   create .venv, install with the server extra, run the full demo (local Label Studio),
#               print the score table
#   make test   create .venv, install with the dev and server extras, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
PYTEST_ARGS ?=

.PHONY: demo demo-stop test test-postgresql lint typecheck bench clean gate baseline news-demo

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# One stamp per set of extras; reinstalled when pyproject.toml changes.
$(VENV)/.stamp-base: pyproject.toml | $(PY)
	$(PIP) install -e .
	@touch $@

# The demo needs Label Studio (the server extra), not the dev tools.
$(VENV)/.stamp-server: pyproject.toml | $(PY)
	$(PIP) install -e '.[server]'
	@touch $@ $(VENV)/.stamp-base

$(VENV)/.stamp-all: pyproject.toml | $(PY)
	$(PIP) install -e '.[dev,server,model]'
	@touch $@ $(VENV)/.stamp-base $(VENV)/.stamp-server

# The full demo: a local Label Studio, push with pre-annotations, annotations stored through the
# API, pull, evaluate, reports. The server keeps running for you to look at; `make demo-stop`.
demo: $(VENV)/.stamp-server
	$(PY) examples/demo.py
	@echo "The commands are in $(VENV)/bin; to put evaluate and annotate on PATH run:  . $(VENV)/bin/activate"

demo-stop: $(VENV)/.stamp-base
	$(VENV)/bin/annotate server stop

test: $(VENV)/.stamp-all
	$(PY) -m pytest $(PYTEST_ARGS)

# The live Label Studio tests again, on PostgreSQL (a throw-away cluster of the installed server;
# skipped without PostgreSQL, an error under CI=true).
PG_BIN ?= $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin)))

test-postgresql: $(VENV)/.stamp-all
	GOLDBENCH_PG_BIN="$${GOLDBENCH_PG_BIN:-$(PG_BIN)}" $(PY) -m pytest -m live --ls-database=postgresql $(PYTEST_ARGS)

lint: $(VENV)/.stamp-all
	$(VENV)/bin/ruff check eval annotate tests bench examples
	$(VENV)/bin/mypy eval annotate

bench: $(VENV)/.stamp-all
	$(PY) bench/run.py --docs 100000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache reports bench/out

# The project's own model-quality gate: the reference extractor against the news demo gold set.
REF_EXTRACTOR := python examples/reference_extractor/__main__.py
GATE_ARGS := --fail-under "entities.strict.f1=0.90,events.trigger_classification.f1=0.80,events.argument_classification.f1=0.70" \
             --max-drop 0.02

gate: $(VENV)/.stamp-base
	@mkdir -p reports
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/evaluate gold/news-demo --extractor "$(REF_EXTRACTOR)" \
	  --baseline examples/reference_extractor/baseline.json $(GATE_ARGS) \
	  --format markdown --out reports/gate.md --junit reports/gate-junit.xml --html reports/gate.html
	@echo "gate passed; reports in reports/gate.md, reports/gate-junit.xml, reports/gate.html"

# Rebuild gold/news-demo (documents.jsonl, manifest.json) from the adjudicated markup and meta.json.
news-demo: $(VENV)/.stamp-base
	$(PY) gold/news-demo/rebuild.py

# Rewrite the committed baseline (after an intended change of the extractor or the gold set).
baseline: $(VENV)/.stamp-base
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/evaluate gold/news-demo --extractor "$(REF_EXTRACTOR)" \
	  --format json --out examples/reference_extractor/baseline.json
