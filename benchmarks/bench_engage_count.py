"""Benchmark ``rescomm engage`` counting: ``python benchmarks/bench_engage_count.py``.

A SYNTHETIC approval election (labelled so in its META ``description``): 100,000 voters and 200
projects by default, each voter approving 1 to 10 projects drawn with Zipf-like popularity, costs
between 5,000 and 400,000 and a budget of a fifth of the total cost. It is written to a temporary
``.pb`` file and:

* read by ``read_pabulib`` (our line-by-line check, then pabutools' parser), against the
  same-run baseline of reading the file and splitting every line on ``;`` (no checks, no
  objects);
* counted by ``greedy`` and ``equal-shares --completion none`` (and with ``--with-add1`` also
  ``equal-shares`` with its default ``add1`` completion, which reruns Equal Shares once per unit
  of money added to every voter's share: tens of minutes at this size, docs/engage.md), each
  against the same-run baseline of tallying the votes per project in plain Python (a lower
  bound for any rule: each must at least look at every vote).

The issue's target (issue 15): both rules count 100,000 voters x 200 projects in under 10 s.
Figures are wall-clock seconds of one run (each step takes seconds; the machine may be shared:
the header shows the load average). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rescomm.engage import count, read_pabulib  # noqa: E402


def synthetic_election(voters: int, projects: int, seed: int = 15) -> str:
    rng = random.Random(seed)
    costs = [rng.randrange(5_000, 400_001, 500) for _ in range(projects)]
    budget = sum(costs) // 5
    weights = [1 / (rank + 1) ** 0.8 for rank in range(projects)]
    ids = [str(i + 1) for i in range(projects)]
    lines = ["META", "key;value",
             "description;SYNTHETIC benchmark election (random ballots, not a real vote)",
             "country;none", "unit;synthetic", "instance;benchmark",
             f"num_projects;{projects}", f"num_votes;{voters}", f"budget;{budget}",
             "vote_type;approval", "rule;greedy",
             "PROJECTS", "project_id;cost;name"]
    lines += [f"{ids[i]};{costs[i]};Synthetic project {ids[i]}" for i in range(projects)]
    lines += ["VOTES", "voter_id;vote"]
    for voter in range(voters):
        chosen = set(rng.choices(ids, weights=weights, k=rng.randint(1, 10)))
        lines.append(f"{voter + 1};{','.join(sorted(chosen, key=int))}")
    return "\n".join(lines) + "\n"


def timed(label: str, function, baseline: float | None = None):
    start = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - start
    ratio = f"{seconds / baseline:8.1f}x" if baseline else ""
    print(f"{label:<58} {seconds:9.3f} s {ratio}", flush=True)
    return value, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--with-add1", action="store_true",
                        help="also count equal-shares with add1 completion (the slowest)")
    args = parser.parse_args(argv)
    print(f"engage count: {args.voters:,} voters x {args.projects} projects (SYNTHETIC); "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.pb"
        path.write_text(synthetic_election(args.voters, args.projects), encoding="utf-8")
        print(f"file: {path.stat().st_size / 1e6:.1f} MB")

        def split_only():
            return [line.split(";") for line in path.read_text(encoding="utf-8").splitlines()]

        _, read_base = timed("baseline: read the file and split its lines", split_only)
        election, _ = timed("read_pabulib (check + pabutools parse)", lambda: read_pabulib(path),
                            read_base)

        def tally():
            rows = split_only()
            start = rows.index(["VOTES"]) + 2
            totals: dict[str, int] = {}
            for row in rows[start:]:
                for project in row[1].split(","):
                    totals[project] = totals.get(project, 0) + 1
            return totals

        totals, tally_base = timed("baseline: tally votes per project (plain Python)", tally)
        assert totals == {k: v for k, v in election.votes.items() if v}
        runs = [("greedy", "add1"), ("equal-shares", "none")]
        if args.with_add1:
            runs.append(("equal-shares", "add1"))
        for rule, completion in runs:
            label = rule if rule == "greedy" else f"{rule} --completion {completion}"
            result, _ = timed(f"count {label}",
                              lambda r=rule, c=completion: count(election, r, completion=c),
                              tally_base)
            print(f"    {len(result.selected)} projects, cost {int(result.total_cost):,} of "
                  f"{int(result.budget):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
