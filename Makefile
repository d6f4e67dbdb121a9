# bipin: two commands on a fresh machine.
#   make run   set up and run the main job on the bundled demo data (outbox under var/)
#   make test  set up with the test extras and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: run test browser imap serve lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@# bytecode for bipin's own modules now, as pip did for the packages (the first run would compile ~150)
	$(BIN)/python -m compileall -q flows
	@# a migrated Prefect database for new homes (~5 s first server start instead of ~18 s); optional
	$(BIN)/python -m flows.run.prefect_server.template || echo "bipin: no Prefect template; a new home's first server start migrates (slower)"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# bipin's commands record their runs on a local Prefect server kept in the background under var/prefect
# (started by the first command, reused after; `bipin server stop` or `make clean` stops it).
run: $(STAMP)
	$(BIN)/bipin run

test: $(STAMP) browser imap
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

# The pull tests start a real IMAP server: Debian's dovecot-imapd, run unprivileged from a throw-away
# configuration on a free port of 127.0.0.1 (tests/pull_servers.py). Installed once (needs root, as on CI).
imap:
	@if ! command -v dovecot >/dev/null && [ ! -x /usr/sbin/dovecot ]; then \
	  echo "bipin: installing dovecot-imapd (apt)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q dovecot-imapd >/dev/null \
	    || { apt-get update -q >/dev/null && apt-get install -y -q dovecot-imapd >/dev/null; }; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	@if [ -x $(BIN)/bipin ]; then $(BIN)/bipin server stop || true; fi
	rm -rf var

# make serve: a local Prefect server on 127.0.0.1 (SQLite under var/prefect, telemetry off) and every
# deployment served on its schedule, from one process (flows/run/serve.py) that owns the server: Ctrl-C or
# SIGTERM stops both. It reuses bipin's background server when one is running. See docs/OPERATIONS.md.
PREFECT_PORT ?= 4200
serve: $(STAMP)
	@PREFECT_PORT=$(PREFECT_PORT) exec $(BIN)/python -m flows.run.serve
