"""Benchmark the WARM workflow on all England (33,755 LSOAs) when ../shared/data is present,
else on the bundled C&M inputs (1,601 LSOAs).

``python benchmarks/bench_warm.py``. Prints, for each step, the time (best of several runs)
next to a straightforward pandas implementation of the same numbers measured in the same run
(checked equal), and the ratio:

* assets vs vulnerabilities against the LA (pooled proportions, Wilson intervals, residual
  z-scores) vs a pandas ``groupby().transform`` + formula version, for every area x indicator;
* statistical neighbours (k = 10) vs a pandas/numpy version that computes each area's distance
  row in a loop over areas (timed on a sample and scaled linearly, said so in the table).

Assembling the indicator table and building the index are timed on their own (no baseline).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from rescomm.data import load_indicators, read_indicators  # noqa: E402
from rescomm.measure import (  # noqa: E402
    assets_vulnerabilities,
    build,
    statistical_neighbours,
)

SHARED = REPO.parent / "shared" / "data"


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def pandas_av(b, table: pd.DataFrame) -> pd.Series:
    """Same statuses as assets_vulnerabilities(comparator='la') with plain pandas."""
    from scipy.stats import norm

    frame = table.set_index("lsoa21_code").loc[b.area_codes]
    statuses = []
    for ind in b.spec.indicators:
        good = ind.direction
        x = frame[ind.source.column].astype(float)
        la = frame["lad_code"].astype(str)
        if ind.denominator is not None:
            n = frame[ind.denominator.ref.column].astype(float)
            e = x.groupby(la).transform("sum") / n.groupby(la).transform("sum")
            p = x / n
            z = norm.ppf(0.975)
            centre = (2 * x + z**2) / (2 * (n + z**2))
            half = z * np.sqrt(z**2 + 4 * x * (1 - p)) / (2 * (n + z**2))
            lo, hi = centre - half, centre + half
            better = (hi < e) if good < 0 else (lo > e)
            worse = (lo > e) if good < 0 else (hi < e)
        else:
            e = x.groupby(la).transform("mean")
            r = x - e
            s = r.std(ddof=1)
            zz = r / s if s > 1e-9 * x.std(ddof=0) else r * np.nan
            better, worse = good * zz > norm.ppf(0.975), good * zz < -norm.ppf(0.975)
        st = np.where(better, "asset", np.where(worse, "vulnerability", "as expected"))
        st = np.where(x.isna() | e.isna(), "not compared", st)
        statuses.append(pd.Series(st, index=frame.index))
    return pd.concat(statuses, ignore_index=True)


def loop_neighbours(table: pd.DataFrame, variables: list[str], k: int, rows: np.ndarray):
    cols = []
    for v in variables:
        a, _, d = v.partition("/")
        cols.append(table[a] / table[d] if d else table[a])
    z = pd.concat(cols, axis=1)
    z = ((z - z.mean()) / z.std(ddof=1)).to_numpy()
    out = []
    for i in rows:
        dist = np.sqrt(((z - z[i]) ** 2).sum(axis=1))
        dist[i] = np.inf
        out.append(np.argsort(dist, kind="stable")[:k])
    return np.array(out)


def main() -> None:
    england = (SHARED / "indicators").is_dir()
    t_read, table = best_of(lambda: read_indicators(SHARED) if england else load_indicators(),
                            repeat=1 if england else 3)
    t_build, b = best_of(lambda: build("warm", table))
    n = len(b.results)
    k_ind = len(b.spec.indicators)
    t_av, av = best_of(lambda: assets_vulnerabilities(b, comparator="la"))
    t_pav, pav = best_of(lambda: pandas_av(b, table), repeat=1)
    agree = float((av["status"].to_numpy() == pav.to_numpy()).mean())
    variables = ["imd_score", "aged_65plus_n/persons_ts007_n",
                 "social_rented_hh_n/households_ts054_n"]
    t_nb, nb = best_of(lambda: statistical_neighbours(table, variables, k=10))
    sample = np.arange(0, len(table), max(1, len(table) // 500))
    t_loop, loop = best_of(lambda: loop_neighbours(table, variables, 10, sample), repeat=1)
    t_loop_all = t_loop * len(table) / len(sample)
    mine = nb["neighbour_code"].to_numpy().reshape(len(table), 10)[sample]
    codes = table["lsoa21_code"].to_numpy()
    same = float((mine == codes[loop]).mean())
    where = "all England" if england else "bundled C&M"
    print(f"WARM workflow on {where}: {n:,} LSOAs x {k_ind} indicators")
    print(f"{'step':<44}{'rescomm':>10}{'baseline':>12}{'ratio':>8}")
    print(f"{'assemble the indicator table':<44}{t_read:>9.2f}s{'-':>12}{'':>8}")
    print(f"{'build warm (all steps, results table)':<44}{t_build:>9.2f}s{'-':>12}{'':>8}")
    print(f"{'assets vs vulnerabilities vs LA':<44}{t_av:>9.2f}s{t_pav:>11.2f}s"
          f"{t_pav / t_av:>7.1f}x   (statuses equal: {agree:.2%})")
    print(f"{'statistical neighbours, k = 10':<44}{t_nb:>9.2f}s{t_loop_all:>11.2f}s"
          f"{t_loop_all / t_nb:>7.1f}x   (loop timed on {len(sample)} areas, scaled; "
          f"same neighbours: {same:.2%})")


if __name__ == "__main__":
    main()
