# Two commands do everything on a fresh machine:
#   make deck   set up, then build the talk into output/index.html
#   make test   set up (including Debian's Chromium for the browser tests), then run every test
# Other targets: make watch, make pdf, make single-file, make check, make bench, make clean.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deck test setup chromium watch pdf single-file check bench clean

deck: setup
	$(PY) build.py

test: setup chromium
	$(PY) -m pytest

setup: $(VENV)/.installed

# The front-end files come first: the package maps deck.vendor onto node_modules/.
# Editable in compat mode (a plain path in a .pth file): the default editable finder costs
# every start of python a few dozen milliseconds.
$(VENV)/.installed: pyproject.toml node_modules/.installed
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's Chromium; no browser is ever downloaded at run time.
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

watch: setup
	$(PY) build.py --watch

pdf: setup chromium
	$(PY) build.py --pdf

single-file: setup
	$(PY) build.py --single-file

check: setup
	$(PY) build.py --check

# Some machines force an old OpenBLAS kernel (OPENBLAS_CORETYPE) for safety, and some forbid
# writing .pyc files (PYTHONDONTWRITEBYTECODE, which recompiles every module on every start);
# benchmarks measure as a speaker's machine runs: OpenBLAS's own kernel, bytecode cached.
# Tests and builds keep the machine's settings.
bench: setup chromium
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE -u PYTHONDONTWRITEBYTECODE $(PY) benchmarks/run_all.py

clean:
	rm -rf output .cache
