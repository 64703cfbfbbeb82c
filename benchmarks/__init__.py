"""Benchmarks of Bridge at a state's size. Run them with `make bench` (scripts/bench); see
docs/performance.md for what is measured and the results."""
