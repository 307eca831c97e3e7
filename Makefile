# Two commands on a fresh clone: `make serve` and `make test`. Each installs what it needs.
PYTHON ?= python3
PORT   ?= 8000
VENV   := .venv
BIN    := $(VENV)/bin
SITE_STAMP := $(VENV)/.site-installed
TEST_STAMP := $(VENV)/.test-installed
# npm: the site's packages (KaTeX) for serve and build; the gates' tools too for the tests
NODE_SITE_STAMP := node_modules/.site-installed
NODE_DEV_STAMP  := node_modules/.dev-installed

.PHONY: serve build site-deps test test-fast bench bench-site lint lock chromium clean prereqs prereqs-test fresh-clone

serve: site-deps
	SITE_URL=http://127.0.0.1:$(PORT)/ $(BIN)/mkdocs serve --livereload -a 127.0.0.1:$(PORT)

build: site-deps
	$(BIN)/mkdocs build --strict

# The site's Python and npm packages install side by side (two jobs), not one after the other:
# on a fresh clone npm ci then costs no time of its own.
site-deps:
	@$(MAKE) --no-print-directory -j2 $(SITE_STAMP) $(NODE_SITE_STAMP)

test: $(TEST_STAMP) $(NODE_DEV_STAMP) chromium
	$(BIN)/python -m pytest -q

# The package and the pipeline units: no whole-site build, no browser, no page's numbers
# recomputed (under a minute; make test runs everything).
test-fast: $(TEST_STAMP) $(NODE_SITE_STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not browser and not content"

bench: $(TEST_STAMP) chromium
	$(BIN)/python -m scripts.bench.optim
	$(BIN)/python -m scripts.bench.gif
	$(BIN)/python -m scripts.bench.kernels
	$(PYTHON) scripts/bench/first_page.py

# A fresh clone of HEAD, `make serve` in it with nothing but the site's own lock, its first
# page checked: what a newcomer's first command does (.ci/run runs it before `make test`).
fresh-clone: prereqs
	$(PYTHON) scripts/bench/first_page.py --check

# Lighthouse (mobile, median of 3) on the site served with gzip on 127.0.0.1, as Pages serves it.
bench-site: $(TEST_STAMP) $(NODE_DEV_STAMP) chromium
	CHROME_PATH=$${CHROMIUM_PATH:-$$(command -v chromium || echo /usr/bin/chromium)} \
	  $(BIN)/python -m scripts.bench.site

lint: $(TEST_STAMP)
	$(BIN)/ruff check optim_ref scripts tests

# What a machine needs before the two commands; each missing piece stops with one line.
prereqs:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: Python 3.11 or newer is needed as '$(PYTHON)': install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "make: '$(PYTHON)' has no venv/ensurepip: install Debian's python3-venv (apt-get install python3-venv)"; exit 1; }
	@command -v node >/dev/null 2>&1 && node -e 'process.exit(parseInt(process.versions.node) < 20 ? 1 : 0)' || { \
	  echo "make: Node.js 20 or newer is needed (node): install it, e.g. apt-get install nodejs npm"; exit 1; }
	@command -v npm >/dev/null 2>&1 && [ "$$(npm --version | cut -d. -f1)" -ge 9 ] || { \
	  echo "make: npm 9 or newer is needed: install it with Node.js (apt-get install npm)"; exit 1; }

# The browser tests also need Chromium: Debian's through apt, or CHROMIUM_PATH.
prereqs-test: prereqs
	@[ -n "$$CHROMIUM_PATH" ] && [ -x "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 \
	  || command -v apt-get >/dev/null 2>&1 || { \
	  echo "make: the tests need Chromium: no apt-get here to install Debian's; set CHROMIUM_PATH=/path/to/chrome"; exit 1; }

$(BIN)/python: | prereqs
	$(PYTHON) -m venv $(VENV)

# No build isolation for the editable install: the build backend is the lock's setuptools.
# --no-compile: pip byte-compiles every file of every package (half the install's time here);
# Python compiles the modules a build imports when it first imports them. --no-deps: the
# lock is the whole environment (pip freeze --all), so pip has nothing to resolve (and a
# lock that missed a package fails `make fresh-clone`, which CI runs).
PIP_INSTALL := $(BIN)/pip install -q --no-compile --no-deps --disable-pip-version-check
$(SITE_STAMP): requirements/site.lock pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -r requirements/site.lock
	$(PIP_INSTALL) --no-build-isolation -e .
	touch $@

$(TEST_STAMP): requirements/test.lock $(SITE_STAMP)
	$(BIN)/pip install -q --no-compile -r requirements/test.lock
	touch $@

$(NODE_SITE_STAMP): package.json package-lock.json | prereqs
	@[ -f $(NODE_DEV_STAMP) ] && [ $(NODE_DEV_STAMP) -nt package-lock.json ] || \
	  npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

$(NODE_DEV_STAMP): package.json package-lock.json | prereqs
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ $(NODE_SITE_STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own here);
# CHROMIUM_PATH names another build (GitHub's runners ship Chrome, apt's chromium is a snap stub).
chromium: prereqs-test
	@[ -n "$$CHROMIUM_PATH" ] && [ -x "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Re-pin after editing requirements/*.in (needs the registries; rarely run).
lock:
	rm -rf /tmp/optim-ref-lock && $(PYTHON) -m venv /tmp/optim-ref-lock
	/tmp/optim-ref-lock/bin/pip install -q -r requirements/site.in
	/tmp/optim-ref-lock/bin/pip freeze --all | grep -v '^pip==' > requirements/site.lock
	/tmp/optim-ref-lock/bin/pip install -q -r requirements/test.in
	/tmp/optim-ref-lock/bin/pip freeze --all | grep -v '^pip==' | grep -vxFf requirements/site.lock > requirements/test.lock.new
	{ echo "-r site.lock"; cat requirements/test.lock.new; } > requirements/test.lock && rm requirements/test.lock.new

clean:
	rm -rf site .cache
