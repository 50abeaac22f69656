# govmodels: the two commands a new user needs are `make test` and `make report`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test report readme export docs bench

# Create the virtual environment and install the package with its dev extras
# (re-run whenever pyproject.toml changes).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# All tests: the notebooks (nbdev-test) and the pytest suite.
test: $(STAMP)
	$(BIN)/nbdev-test --n-workers 2
	$(BIN)/python -m pytest

# The main job on the bundled data.
report: $(STAMP)
	$(BIN)/govmodels report --out report

# README.md is generated from nbs/index.ipynb (offline: Quarto is not needed).
readme: $(STAMP)
	$(BIN)/python tools/readme.py nbs/index.ipynb README.md

# Clean the notebooks (stable cell ids and metadata) first, then export them to modules:
# the modules cite cell ids, so the other order leaves them out of sync.
export: $(STAMP)
	$(BIN)/nbdev-clean
	$(BIN)/nbdev-export

# The documentation site, offline (nbdev processing + smalldocs; no Quarto needed): _docs/
docs: $(STAMP)
	$(BIN)/python tools/docs.py

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
