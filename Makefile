# Two entry points for a fresh machine (see README):
#   make serve   install, build the graph from cases/ and serve it on the embedded store
#   make test    install (Python and Debian packages), lint, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve build test lint system-deps clean

$(BIN)/kgcase: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

build: $(BIN)/kgcase
	$(BIN)/kgcase build

serve: build
	$(BIN)/kgcase serve --host $(HOST) --port $(PORT)

system-deps:
	bash .ci/system-deps

lint: $(BIN)/kgcase
	$(BIN)/ruff check .

test: system-deps $(BIN)/kgcase lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .hypothesis tests/artifacts
