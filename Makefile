# Two entry points for a fresh machine (see README):
#   make serve   install, build the graph from cases/ and serve it on the embedded store
#   make test    install (Python and Debian packages), lint, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve build test lint system-deps java clean

$(BIN)/kgcase: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# HermiT (the reasoner) runs on Java.
java:
	@command -v java >/dev/null || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless; }

build: $(BIN)/kgcase java
	$(BIN)/kgcase build

serve: build
	$(BIN)/kgcase serve --host $(HOST) --port $(PORT)

system-deps:
	bash .ci/system-deps

lint: $(BIN)/kgcase
	$(BIN)/ruff check .

test: system-deps $(BIN)/kgcase lint
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pytest

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .hypothesis tests/artifacts
