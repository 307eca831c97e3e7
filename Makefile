# Two commands on a fresh clone: `make serve` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE_STAMP := $(VENV)/.site-installed
TEST_STAMP := $(VENV)/.test-installed
NODE_STAMP := node_modules/.installed

.PHONY: serve build test bench bench-site lint lock chromium clean

serve: $(SITE_STAMP) $(NODE_STAMP)
	SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --livereload -a 127.0.0.1:8000

build: $(SITE_STAMP) $(NODE_STAMP)
	$(BIN)/mkdocs build --strict

test: $(TEST_STAMP) $(NODE_STAMP) chromium
	$(BIN)/python -m pytest -q

bench: $(TEST_STAMP) chromium
	$(BIN)/python scripts/bench_optim.py
	$(BIN)/python scripts/bench_gif.py
	$(BIN)/python scripts/bench_kernels.py

# Lighthouse (mobile, median of 3) on the site served with gzip on 127.0.0.1, as Pages serves it.
bench-site: $(TEST_STAMP) $(NODE_STAMP) chromium
	CHROME_PATH=$${CHROMIUM_PATH:-$$(command -v chromium || echo /usr/bin/chromium)} \
	  $(BIN)/python scripts/bench_site.py

lint: $(TEST_STAMP)
	$(BIN)/ruff check optim_ref scripts tests

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(SITE_STAMP): requirements/site.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements/site.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(TEST_STAMP): requirements/test.lock $(SITE_STAMP)
	$(BIN)/pip install -q -r requirements/test.lock
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright cannot download its own here);
# CHROMIUM_PATH names another build (GitHub's runners ship Chrome, apt's chromium is a snap stub).
chromium:
	@[ -n "$$CHROMIUM_PATH" ] && [ -x "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Re-pin after editing requirements/*.in (needs the registries; rarely run).
lock:
	rm -rf /tmp/optim-ref-lock && $(PYTHON) -m venv /tmp/optim-ref-lock
	/tmp/optim-ref-lock/bin/pip install -q -r requirements/site.in
	/tmp/optim-ref-lock/bin/pip freeze > requirements/site.lock
	/tmp/optim-ref-lock/bin/pip install -q -r requirements/test.in
	/tmp/optim-ref-lock/bin/pip freeze | grep -vxFf requirements/site.lock > requirements/test.lock.new
	{ echo "-r site.lock"; cat requirements/test.lock.new; } > requirements/test.lock && rm requirements/test.lock.new

clean:
	rm -rf site .cache
