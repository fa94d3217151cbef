# esmbot: `make run` chats with the bot in this terminal; `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LOCK   := requirements-dev.lock
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)

.PHONY: setup lock run serve test lint typecheck pytest check-catalog bench soak clean

setup: $(STAMP)

# Exactly the locked versions, each checked against its hash; then esmbot itself, editable.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# Pin every dependency again from pyproject.toml (uv's resolver; the result is plain pip input).
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m devtools.lock

run: setup
	$(BIN)/esmbot chat

serve: setup
	$(BIN)/esmbot serve

check-catalog: setup
	$(BIN)/esmbot catalog check

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

# Throughput and latency against the bare aiohttp ceiling, timers, matching, memory (~12 min);
# BENCH_QUICK=1 for a smoke run. Prints a table and writes benchmarks/results.json.
bench: setup
	$(BIN)/python -m benchmarks

# The fault test (~10 min): 200 conversations through Slack events for a minute with three
# kill -9 of esmbot serve, then a 5-minute Slack outage; counted at the fake Slack. Not part
# of `make test`. SOAK_ARGS for other sizes, e.g. SOAK_ARGS="--seconds 120 --outage-seconds 60".
soak: setup
	$(BIN)/python -m benchmarks.soak $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .esmbot .pytest_cache .mypy_cache .ruff_cache
