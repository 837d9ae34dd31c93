# The two everyday commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck check clean bench fuzz

run: $(VENV)/.installed
	$(BIN)/lang-portal serve

test: $(VENV)/.installed
	$(BIN)/python -m pytest --cov --cov-report=term

# The long fuzzing run (docs/reliability.md): 500 generated requests per operation and mode
# in-process, and schemathesis's own run with every check and phase (the stateful one too, which
# the suite leaves out for time), 100 per operation, against a live server.
fuzz: $(VENV)/.installed
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/python -m pytest tests/reliability/test_fuzz_openapi.py
	FUZZ_EXAMPLES=$${SCHEMATHESIS_EXAMPLES:-100} SCHEMATHESIS_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/python -m pytest tests/reliability/test_schemathesis_all_checks.py

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

typecheck: $(VENV)/.installed
	$(BIN)/mypy

check: lint typecheck test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The load benchmark (docs/performance.md): ~20 min (+5 the first time: datasets); BENCH_ARGS=--quick: ~7.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
