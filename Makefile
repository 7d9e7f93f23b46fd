# Two commands on a fresh clone: `make chat` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Lotse into $(VENV) (first run only; log in $(VENV)/install.log) ..." >&2
	@$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]' > $(VENV)/install.log 2>&1 \
		|| { cat $(VENV)/install.log >&2; exit 1; }
	@touch $(STAMP)

install: $(STAMP)

chat: $(STAMP)
	@$(BIN)/lotse chat

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
