# Two entry points for a fresh machine (see README):
#   make serve   install, build the graph from cases/ and serve it on the embedded store
#   make test    install (Python and Debian packages), lint, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

VENDOR := src/kgcase/web/static/vendor

.PHONY: serve build test lint system-deps java vendor clean

$(BIN)/kgcase: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The editor (YASGUI) and the API console (Swagger UI), from the npm registry at the versions
# package-lock.json pins; served from the service's own origin, so they work offline.
$(VENDOR)/node_modules/.package-lock.json: $(VENDOR)/package.json $(VENDOR)/package-lock.json
	@command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm; }
	npm ci --prefix $(VENDOR) --no-audit --no-fund --ignore-scripts --loglevel=error

# The workbench's prefix map, from the Bioregistry data the bioregistry package ships.
$(VENDOR)/prefixes.json: $(BIN)/kgcase
	$(BIN)/python -m kgcase.web.prefixmap $@

vendor: $(VENDOR)/node_modules/.package-lock.json $(VENDOR)/prefixes.json

# HermiT (the reasoner) runs on Java.
java:
	@command -v java >/dev/null || { SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless; }

build: $(BIN)/kgcase java vendor
	$(BIN)/kgcase build

serve: build
	$(BIN)/kgcase serve --host $(HOST) --port $(PORT)

system-deps:
	bash .ci/system-deps

lint: $(BIN)/kgcase
	$(BIN)/ruff check .

test: system-deps $(BIN)/kgcase vendor lint
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/pytest

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .hypothesis tests/artifacts $(VENDOR)/node_modules
