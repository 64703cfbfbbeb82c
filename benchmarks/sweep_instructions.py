"""What batches of the reminder sweep cost in Python, counted in machine instructions rather than
seconds: the count is the same from run to run whatever else the machine is doing (valgrind's
callgrind counts what the process executes, not how long it waits for a core), so a change to the
sweep's Python can be measured to a fraction of a percent on a shared machine. PostgreSQL's share
is not counted; `benchmarks.sweep_batch` gives it in CPU seconds.

Runs `benchmarks.sweep_batch` under `valgrind --tool=callgrind` with counting off while Django
starts and the batches are planned, switches it on just before the first batch and reads the total
when the process ends (about a minute for three batches):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a fresh copy of bridge_100k> \\
        python -m benchmarks.sweep_instructions --now 2026-12-04T19:56:00+00:00 --first 10 --batches 3

Use a fresh copy each time: the batches commit (`--commit`).
"""

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.sweep_batch import batch_arguments


def main() -> None:
    arguments = batch_arguments(__doc__, batches=3).parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is needed (Debian's package valgrind: apt-get install valgrind).")

    with tempfile.TemporaryDirectory() as handshake:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={handshake}/callgrind.out",
            sys.executable,
            "-m",
            "benchmarks.sweep_batch",
            f"--now={arguments.now}",
            f"--first={arguments.first}",
            f"--batches={arguments.batches}",
            "--commit",
            f"--handshake={handshake}",
        ]
        process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        while not Path(handshake, "ready").exists():
            if process.poll() is not None:
                _, errors = process.communicate()
                raise SystemExit(f"benchmarks.sweep_batch ended before the batches:\n{errors}")
            time.sleep(0.2)
        # valgrind runs the program in its own process: the pid is the program's.
        subprocess.run(  # noqa: S603 - fixed arguments
            ["callgrind_control", "--instr=on", str(process.pid)], check=True, capture_output=True
        )
        Path(handshake, "go").touch()
        output, errors = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"benchmarks.sweep_batch failed:\n{errors}")
    collected = re.search(r"Collected : (\d+)", errors)
    if collected is None:
        raise SystemExit(f"No instruction count in valgrind's output:\n{errors}")
    instructions = int(collected.group(1))
    print(output.strip())
    print(
        f"{instructions:,} instructions in Python for {arguments.batches} batches "
        f"({instructions / arguments.batches / 1e9:.3f} G a batch, the first batch's warm-up included)"
    )


if __name__ == "__main__":
    main()
