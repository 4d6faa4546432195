# Lumen: `make run` serves the product locally, `make test` runs the whole suite.
# Both set up everything they need on a fresh machine (virtualenv, packages, database).

PYTHON   ?= python3.11
VENV     ?= .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed-stamp
PROCFILE ?= Procfile.dev

# "==> [12s] what is happening": one line per step with the seconds since `make` started, so
# a first run (minutes of installing) is never silent and a slow step shows which one it is.
START := $(shell date +%s)
step   = @echo "==> [$$(( $$(date +%s) - $(START) ))s] $(1)"

.PHONY: run serve test lint format bench audit install browser db-stop clean medquad-extract llm

run: install
	$(call step,Starting the embedded database and applying migrations)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	$(call step,Loading the starter corpus (the first run also embeds it: about a minute))
	DEBUG=1 $(BIN)/python manage.py load_starter
	$(call step,Creating the demo accounts)
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@$(MAKE) --no-print-directory serve START=$(START)

# The web server and task worker. Ctrl-C stops both; the embedded database keeps running on
# purpose (the next start takes seconds instead of a fresh server), so say so and how to stop it.
serve:
	$(call step,Lumen: http://127.0.0.1:8000  (web + task worker; Ctrl-C stops both))
	@trap 'echo; echo "Lumen stopped. The embedded database is still running (.lumen/), so the next start is quick; stop it with: make db-stop"; exit 0' INT TERM; \
	DEBUG=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f $(PROCFILE) start

test: install browser
	$(call step,Lint and migrations check and then the whole test suite)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/pytest tests/bench -o addopts="--reuse-db -p no:cacheprovider" -s

# Known vulnerabilities in the installed packages (PyPI's advisory database; needs network).
audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --skip-editable --progress-spinner off --desc on

# Operators only: regenerate knowledge/starter/medquad.jsonl.xz from a MedQuAD checkout (the
# product itself reads only that shipped extract, never the checkout).
MEDQUAD ?= ../shared/data/medquad
medquad-extract: install
	DEBUG=1 $(BIN)/python manage.py medquad_extract $(MEDQUAD)

# llama-cpp-python builds llama.cpp from source for a portable CPU (no -march=native, so the
# wheel pip caches runs on any x86-64 runner): ~8 min on 2 cores the first time only.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

# torch first, pinned to the CPU build that this kind of machine has on local disk; any
# other version (or a range) would download gigabytes of CUDA wheels. pip is not --quiet: on
# a fresh clone this is most of the first run's ~6 minutes, and its progress shows it moving.
install: $(STAMP)
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Lumen needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(call step,Installing Python packages into $(VENV) (first run: about 5 minutes; later runs skip this))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --progress-bar on --upgrade pip
	$(call step,Installing torch (CPU build))
	$(BIN)/pip install --progress-bar on torch==2.13.0
	$(call step,Installing Lumen and its packages (the first run also builds llama.cpp: about 8 minutes on 2 cores))
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --progress-bar on -e ".[ml,llm,dev]"
	touch $@
	$(call step,Packages installed)

# Browser tests drive Debian's Chromium through Playwright; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The local generator: SmolLM2-135M on llama.cpp's OpenAI-compatible server, loopback only.
# LORA=path/to/adapter.gguf serves a trained adapter beside the base model.
LLM_PORT ?= 8081
llm: install
	$(BIN)/python -m lumen.generation.local_server --port $(LLM_PORT) $(if $(LORA),--lora $(LORA))

db-stop:
	$(BIN)/python -m lumen.embedded_db stop

clean: db-stop
	rm -rf $(VENV) .lumen staticfiles
