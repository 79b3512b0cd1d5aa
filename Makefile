# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_STAMP := node_modules/.package-lock.json

.PHONY: run test test-matrix lint bench clean translations screenshots docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(WEB_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 18 or newer) is needed for the web pages' libraries"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

run: $(STAMP) $(WEB_STAMP)
	$(BIN)/smartcity db upgrade
	$(BIN)/smartcity demo
	$(BIN)/smartcity run --host 127.0.0.1 --port 5000

test: $(STAMP) $(WEB_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The in-tree plugins, as setup.cfg declares them.
IN_TREE_PLUGINS = $(shell $(BIN)/python -c 'from core.plugins import entry_points; \
  print(*(ep.name for ep in entry_points() if ep.value.startswith("plugins.")))')

# The suite once per in-tree plugin, that plugin left out of every app (SMARTCITY_TEST_WITHOUT):
# the core and the other plugins must work without it; the tests that need it are deselected.
# On SQLite only, two legs at a time (CI has two cores), each leg's output shown when it ends;
# every leg runs even when one fails. Under a parent `make -jN` (CI: `make -j2 test test-matrix`)
# the legs share the parent's job slots instead, so a leg runs beside `make test`.
test-matrix: $(STAMP) $(WEB_STAMP)
	@started=$$(date +%s); \
	$(MAKE) --no-print-directory $(if $(findstring jobserver,$(MAKEFLAGS)),,-j2) -k \
	  --output-sync=target $(addprefix test-without-,$(IN_TREE_PLUGINS)); status=$$?; \
	echo "=== test-matrix: $$(( $$(date +%s) - started )) s"; exit $$status

# One leg of the matrix: `make test-without-cctv`. Legs running side by side each get a Redis
# database of their own (15, 14, ...), since some tests empty theirs.
test-without-%: $(STAMP) $(WEB_STAMP)
	@index=$$(echo $(IN_TREE_PLUGINS) | tr ' ' '\n' | grep -nx '$*' | cut -d: -f1); \
	redis=$${SMARTCITY_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}; \
	started=$$(date +%s); echo "=== without $*"; \
	SMARTCITY_TEST_WITHOUT=$* SMARTCITY_TEST_DATABASES=sqlite \
	SMARTCITY_TEST_REDIS_URL=$${redis%/*}/$$((15 - $${index:-0})) \
	  $(BIN)/pytest -q -p no:cacheprovider; status=$$?; \
	echo "=== without $*: $$(( $$(date +%s) - started )) s"; exit $$status

bench: $(STAMP)
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/live.py
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/cctv.py
	$(BIN)/python bench/open311.py

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .mypy_cache .ruff_cache

# Core and every plugin with a translations folder keep a catalogue of their own texts.
CATALOGUES := core $(patsubst %/translations,%,$(wildcard plugins/*/translations))

# After changing user-facing text: extract each folder's texts, merge them into its Indonesian
# catalogue (translate the new entries in <folder>/translations/id/LC_MESSAGES/messages.po),
# compile. A plugin's first catalogue: mkdir <plugin>/translations, then run this.
translations: $(STAMP)
	@set -e; for folder in $(CATALOGUES); do \
	  $(BIN)/pybabel --quiet extract -F babel.cfg -k _ -k t --no-location --omit-header \
	    -o $$folder/translations/messages.pot $$folder; \
	  $(BIN)/pybabel --quiet update -i $$folder/translations/messages.pot -d $$folder/translations \
	    -l id --init-missing --ignore-pot-creation-date; \
	  $(BIN)/pybabel compile -d $$folder/translations -l id --statistics; \
	done

# The README's screenshots, taken by the journey test in a real browser.
screenshots: $(STAMP) $(WEB_STAMP)
	SMARTCITY_SCREENSHOTS=1 $(BIN)/pytest tests/test_journey.py

# The hook reference in docs/plugins.md, rendered from the docstrings of core/hookspecs.py
# (a test fails while it is out of date).
docs: $(STAMP)
	$(BIN)/python -m core.hookdocs docs/plugins.md
