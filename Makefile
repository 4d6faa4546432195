# Lumen: `make run` serves the product locally, `make test` runs the whole suite.
# Both set up everything they need on a fresh machine (virtualenv, packages, database).

PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint format bench audit install browser db-stop clean medquad-extract llm

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_starter
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Lumen: http://127.0.0.1:8000  (web + task worker; Ctrl-C stops both)"
	DEBUG=1 PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: install browser
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
# other version (or a range) would download gigabytes of CUDA wheels.
install: $(STAMP)
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Lumen needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e ".[ml,llm,dev]"
	touch $@

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
