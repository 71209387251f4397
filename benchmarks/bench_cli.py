"""Start-up time of the ``rescomm`` command line: ``python benchmarks/bench_cli.py [--runs N]``.

Each command is run as a fresh process, ``--runs`` times (default 15), interleaved with the
baseline so both see the same machine load: the baseline is ``python -c "import pandas"`` with
the same interpreter, the least any command that touches a table must pay. The figures are the
median wall time and the median CPU time (user + system) of each command; the ratios are
command / baseline. On a shared machine the CPU ratio is the steadier of the two (wall time
includes waiting for a CPU); the target is judged on the wall-time ratio when the load average
is below the number of CPUs, else on the CPU ratio.

Targets: ``rescomm --help`` and ``rescomm geo lookup "L1 8JQ"`` within 1.5x the baseline (the
command imports numpy/pandas/scipy/shapely/pyproj only where it needs them: ``--help`` none of
them, ``geo lookup`` pandas and pyarrow but not scipy, shapely or pyproj). Nothing here is
asserted in the test suite; ``tests/cli/test_cli_startup.py`` checks what each command imports.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5

#: name -> argv (after the interpreter); the first is the baseline.
COMMANDS: dict[str, list[str]] = {
    'python -c "import pandas" (baseline)': ["-c", "import pandas"],
    "rescomm --help": ["-m", "rescomm", "--help"],
    'rescomm geo lookup "L1 8JQ"': ["-m", "rescomm", "geo", "lookup", "L1 8JQ"],
    "rescomm geo lookup --json L1 8JQ WA7 4AB": ["-m", "rescomm", "geo", "lookup", "--json",
                                                  "L1", "8JQ", "WA7", "4AB"],
    "rescomm index frameworks": ["-m", "rescomm", "index", "frameworks"],
}
#: Commands that have a target ratio.
TARGETED = ("rescomm --help", 'rescomm geo lookup "L1 8JQ"')


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``python argv``."""
    c0, t0 = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _children_cpu() - c0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for command in COMMANDS.values():  # warm the file cache and the .pyc files
        run_once(command, env)
    wall: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            w, c = run_once(command, env)
            wall[name].append(w)
            cpu[name].append(c)
    load = os.getloadavg()[0]
    busy = load >= (os.cpu_count() or 1)
    print(f"{args.runs} runs each, interleaved; load average {load:.1f} on {os.cpu_count()} "
          f"CPUs: target judged on the {'CPU' if busy else 'wall'}-time ratio")
    base_wall = statistics.median(next(iter(wall.values())))
    base_cpu = statistics.median(next(iter(cpu.values())))
    print(f"{'command':<44} {'wall':>7} {'ratio':>6} {'CPU':>7} {'ratio':>6}  target")
    missed = []
    for name in COMMANDS:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        rw, rc = w / base_wall, c / base_cpu
        target = ""
        if name in TARGETED:
            ok = (rc if busy else rw) <= TARGET
            target = f"<= {TARGET}x {'met' if ok else 'MISSED'}"
            if not ok:
                missed.append(name)
        print(f"{name:<44} {w:>6.3f}s {rw:>5.2f}x {c:>6.3f}s {rc:>5.2f}x  {target}")
    return 1 if missed else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
