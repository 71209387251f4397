"""Benchmark rescomm.stats kernels against same-run baselines: ``python benchmarks/bench_stats.py``.

* ``wilson_ci`` and ``byars_ci`` on 1,000,000 rows against a bare numpy evaluation of the same
  formula (no validation, no policies). Target: within 2x of bare numpy.
* DSR for 10,000 areas x 19 ESP2013 age bands: the ``phe_dsr`` table wrapper (from a long
  table) and the ``dsr`` kernel (from a grid), against a straightforward pandas
  ``groupby(...).apply`` implementation of the same Dobson formula. Target: < 0.05 s.

Figures are the best of several repeats; nothing here is asserted in the test suite.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import chdtri, ndtri

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rescomm.stats import ESP2013, byars_ci, dsr, phe_dsr, wilson_ci  # noqa: E402

ROWS = 1_000_000
AREAS = 10_000


def best(fn: Callable[[], object], repeats: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bare_wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    z2 = z * z
    centre = 2 * x + z2
    half = z * np.sqrt(z2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z2)
    return (centre - half) / denom, (centre + half) / denom


def bare_byars(x: np.ndarray, z: float, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    small = x < 10
    xs = x[small]
    with np.errstate(invalid="ignore"):
        lower[small] = np.where(xs > 0, chdtri(2 * xs, 1 - alpha / 2) / 2, 0.0)
    upper[small] = chdtri(2 * xs + 2, alpha / 2) / 2
    return lower, upper


def pandas_dsr(long: pd.DataFrame) -> pd.DataFrame:
    total_w = ESP2013.sum()

    def one(g: pd.DataFrame) -> pd.Series:
        ratio = g["stdpop"] / g["pop"]
        value = (g["count"] * ratio).sum() / total_w
        var = (g["count"] * ratio**2).sum() / total_w**2
        o = g["count"].sum()
        lo, up = byars_ci(o)
        scale = np.sqrt(var / o)
        return pd.Series({"value": value * 1e5,
                          "lowercl": (value + scale * (lo - o)) * 1e5,
                          "uppercl": (value + scale * (up - o)) * 1e5})

    return long.groupby("area").apply(one, include_groups=False)


def main() -> None:
    rng = np.random.default_rng(2013)
    n = rng.integers(1, 5000, ROWS).astype(float)
    x = np.floor(n * rng.random(ROWS))
    counts = rng.poisson(60, ROWS).astype(float)
    z = float(ndtri(0.975))

    rows = []
    t_kernel = best(lambda: wilson_ci(x, n))
    t_bare = best(lambda: bare_wilson(x, n, z))
    np.testing.assert_allclose(wilson_ci(x, n)[0], bare_wilson(x, n, z)[0])
    rows.append(("wilson_ci, 1,000,000 rows", t_kernel, "bare numpy formula", t_bare))

    t_kernel = best(lambda: byars_ci(counts))
    t_bare = best(lambda: bare_byars(counts, z, 0.05))
    np.testing.assert_allclose(byars_ci(counts)[1], bare_byars(counts, z, 0.05)[1])
    rows.append(("byars_ci, 1,000,000 rows", t_kernel, "bare numpy formula", t_bare))

    bands = len(ESP2013)
    pop = rng.integers(200, 5000, (AREAS, bands)).astype(float)
    cnt = rng.poisson(pop * 0.01).astype(float)
    long = pd.DataFrame({
        "area": np.repeat([f"E{i:08d}" for i in range(AREAS)], bands),
        "count": cnt.ravel(),
        "pop": pop.ravel(),
        "stdpop": np.tile(ESP2013, AREAS),
    })
    # areas in shuffled order (bands stay in ESP2013 order within each area)
    order = rng.permutation(AREAS)
    long = long.iloc[(order[:, None] * bands + np.arange(bands)).ravel()].reset_index(drop=True)
    t_pandas = best(lambda: pandas_dsr(long), repeats=2)
    t_table = best(lambda: phe_dsr(long, "count", "pop", by="area"))
    t_grid = best(lambda: dsr(cnt, pop))
    ours = phe_dsr(long, "count", "pop", by="area").set_index("area")
    ref = pandas_dsr(long)
    np.testing.assert_allclose(ours.loc[ref.index, "value"], ref["value"])
    np.testing.assert_allclose(ours.loc[ref.index, "uppercl"], ref["uppercl"])
    rows.append(("phe_dsr, 10,000 areas x 19 bands (long table)", t_table,
                 "pandas groupby/apply", t_pandas))
    rows.append(("dsr kernel, 10,000 x 19 grid", t_grid, "pandas groupby/apply", t_pandas))

    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'rescomm (s)':>12}  {'baseline':<22} {'baseline (s)':>12}"
          f"  {'ratio':>7}")
    for name, ours_t, base_name, base_t in rows:
        print(f"{name:<{width}}  {ours_t:12.5f}  {base_name:<22} {base_t:12.5f}"
              f"  {ours_t / base_t:7.3f}")
    print("\nratio = rescomm time / baseline time (below 1 is faster). Targets: kernels within "
          "2x of bare numpy; DSR for 10,000 areas under 0.05 s.")


if __name__ == "__main__":
    main()
