"""Run every benchmark in this folder, one after another: ``python benchmarks/run_all.py``.

Each ``bench_*.py`` script prints its own table, with each figure next to a baseline measured in
the same run (a naive per-row loop or a straightforward pandas implementation) and the ratio.
Benchmarks are never timing assertions in the test suite. Pass names to run a subset:
``python benchmarks/run_all.py geo stats``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    status = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        status |= subprocess.call([sys.executable, str(script)])
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
