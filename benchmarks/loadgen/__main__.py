"""`python -m benchmarks.loadgen [options]`: load a synthetic state into the database in
DATABASE_URL (`--help` lists the sizes)."""

from benchmarks.common import setup_django

setup_django()

from benchmarks.loadgen.cli import main  # noqa: E402 (the loader's imports need Django set up)

main()
