"""The fixed cost of one small index build: ``python benchmarks/bench_small_build.py [--runs N]``.

COINr's ASEM example (51 countries x 49 indicators, 10 groups; ``tests/measure/specs/asem.yaml``
on ``shared/data/reference/coinr_asem/ASEM_iData.rda``): ``build(spec_file, data)`` from the YAML
file to the results table, as a user or the test suite calls it. COINr builds the same coin in
0.19-0.21 s (``build_example_coin()``, measured outside this script). Target: < 20 ms.

Same-run baseline: the arithmetic alone, that is the same steps' array kernels
(``denominate``, ``impute_grouped_matrix``, ``treat``, ``normalise``, ``aggregate``) called
directly on the arrays in the same order, with no spec parsing, no checks, no log and no results
table; the structure (columns, parents, weights) is looked up before timing. The two must give
the same index scores. The difference between the two is the engine's fixed cost per build.
Figures are medians of ``--runs`` runs (default 50), wall and CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rescomm.measure import (  # noqa: E402
    MeasureWarning,
    aggregate,
    build,
    denominate,
    normalise,
    treat,
)
from rescomm.measure._impute import impute_grouped_matrix  # noqa: E402

SPEC = ROOT / "tests" / "measure" / "specs" / "asem.yaml"
DATA = ROOT.parent / "shared" / "data" / "reference" / "coinr_asem" / "ASEM_iData.rda"
TARGET = 0.020


def kernels_only(data, plan) -> np.ndarray:
    """Index scores of the ASEM build from the step kernels alone (see the module docstring)."""
    x = data[plan["columns"]].to_numpy(dtype=float)
    for j, column in plan["denominators"].items():
        x[:, j] = denominate(x[:, j], data[column].to_numpy(dtype=float))[0]
    x, _ = impute_grouped_matrix(x, plan["groups"], stat="mean")
    scores: dict[str, np.ndarray] = {}
    for j, ind in enumerate(plan["indicators"]):
        treated = treat(x[:, j], method="winsorise", winmax=5, skew_thresh=2.0,
                        kurt_thresh=3.5, fallback="log_ct").values
        scores[ind] = normalise(treated * plan["direction"][j], method="minmax", range=(0, 100))
    for group, children, weights in plan["aggregation"]:
        block = np.column_stack([scores[c] for c in children])
        scores[group] = aggregate(block, weights, method="arithmetic", missing="skip").score
    return scores["index"]


def plan_of(build_result) -> dict:
    spec = build_result.spec
    inds = spec.indicators
    cols = build_result.columns_used
    order = [n for n in reversed(spec.node_ids) if not spec.is_indicator(n)]
    return {
        "indicators": [i.id for i in inds],
        "columns": [cols[i.id] for i in inds],
        "denominators": {j: cols[f"{i.id}.denominator"] for j, i in enumerate(inds)
                         if i.denominator is not None},
        "direction": [i.direction for i in inds],
        "groups": build_result._prep.frame["EurAsia_group"].to_numpy(object),
        "aggregation": [(g, spec.children(g),
                         np.array([spec.weight(c) for c in spec.children(g)], dtype=float))
                        for g in order],
    }


def timed(fn, runs: int) -> tuple[float, float]:
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(f"{DATA} not found (the reference data in ../shared/data); skipped")
        return 0
    import rdata

    data = rdata.read_rda(str(DATA))["ASEM_iData"]
    warnings.simplefilter("ignore", MeasureWarning)
    result = build(SPEC, data)
    plan = plan_of(result)
    ours = result.results["index_score"].to_numpy()
    floor = kernels_only(data, plan)
    diff = float(np.nanmax(np.abs(ours - floor)))
    w, c = timed(lambda: build(SPEC, data), args.runs)
    wk, ck = timed(lambda: kernels_only(data, plan), args.runs)
    import os

    print(f"ASEM, 51 x 49, {args.runs} runs each; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; max |index score difference| {diff:.1e}")
    print(f"{'task':<52}{'wall':>9}{'CPU':>9}")
    print(f"{'build(asem.yaml, data) -> results':<52}{w * 1000:>7.1f}ms{c * 1000:>7.1f}ms")
    print(f"{'baseline: the same steps kernels only':<52}{wk * 1000:>7.1f}ms{ck * 1000:>7.1f}ms")
    print(f"fixed cost per build (build - kernels): {(c - ck) * 1000:.1f} ms CPU; "
          f"build / kernels {c / ck:.1f}x; target build < {TARGET * 1000:.0f} ms: "
          f"{'met' if c < TARGET else 'NOT met'} (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
