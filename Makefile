# bipin: two commands on a fresh machine.
#   make run   set up and run the main job on the bundled demo data (outbox under var/)
#   make test  set up with the test extras and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: run test browser serve lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	PREFECT_HOME=$(CURDIR)/var/prefect $(BIN)/bipin run

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# Tests render every email in Debian's chromium at phone width and print PDFs with it; CJK glyphs
# come from fonts-wqy-microhei. Installed once (needs root, as on the CI image).
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
	  echo "bipin: installing chromium and fonts-wqy-microhei (apt)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q chromium fonts-wqy-microhei >/dev/null \
	    || { apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null; }; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf var

# make serve: a local Prefect server on 127.0.0.1 (SQLite under var/prefect, telemetry off) and every
# deployment served on its schedule (flows/serve.py waits for the server, prints the UI address).
# Ctrl-C stops both. See docs/OPERATIONS.md.
PREFECT_PORT ?= 4200
SERVE_HOME := $(CURDIR)/var/prefect
serve: $(STAMP)
	@mkdir -p $(SERVE_HOME)
	@echo "bipin: starting Prefect server on 127.0.0.1:$(PREFECT_PORT) (database $(SERVE_HOME)/prefect.db, log $(SERVE_HOME)/server.log)"
	@export PREFECT_HOME=$(SERVE_HOME) \
	  PREFECT_API_DATABASE_CONNECTION_URL="sqlite+aiosqlite:///$(SERVE_HOME)/prefect.db" \
	  PREFECT_API_URL=http://127.0.0.1:$(PREFECT_PORT)/api; \
	PREFECT_UI_ENABLED=true $(BIN)/prefect server start --host 127.0.0.1 --port $(PREFECT_PORT) \
	  > $(SERVE_HOME)/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m flows.serve
