# Shortcuts for the scripts in scripts/, which hold the real logic (and work without make).
#   make run                 demo on http://127.0.0.1:8000 (BRIDGE_PORT=... to change)
#   make test                all checks; pass pytest options with ARGS="-k reminders -x"
#   make lint                ruff, mypy and the import layers only
#   make bench               benchmarks at a state's size (docs/performance.md); ARGS="--only endpoints"

.PHONY: run test lint bench

run:
	bash scripts/run

test:
	bash scripts/test $(ARGS)

lint:
	bash scripts/test --lint

bench:
	bash scripts/bench $(ARGS)
