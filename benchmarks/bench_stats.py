"""Benchmark rescomm.stats against same-run baselines: ``python benchmarks/bench_stats.py``.

* Kernels: ``wilson_ci`` and ``byars_ci`` on 1,000,000 rows against a bare numpy evaluation of
  the same formula (no validation, no policies).
* Table wrappers on 1,000,000 rows with zero counts (5% of counts are 0): ``rate`` (Byar's,
  exact below 10), ``proportion`` (Wilson) and ``phe_dsr`` (52,632 areas x 19 ESP2013 bands,
  text area codes, 7% zero counts), each against a bare numpy/scipy evaluation of the same
  formula on arrays already in order (no table, no checks, no labels). Target: within 2x. For
  ``phe_dsr`` also against the bare formula that reads the area codes itself (``pd.factorize``
  and a stable sort), the same task as the wrapper's.
* DSR for 10,000 areas x 19 bands: ``phe_dsr`` and the ``dsr`` kernel against a pandas
  ``groupby(...).apply`` implementation of the same Dobson formula.
* ``phe_sii`` for 10,000 groups x 10 deciles with 10,000 repetitions (target: under 10 s on 2
  cores) against PHEindicatormethods' algorithm one group at a time (per-quantile normal draws,
  ``solve(m m') m`` times the draws, sort), timed on 20 groups and scaled to 10,000.

Figures are the best of several repeats, wall-clock and CPU time (all threads) both, because
the benchmark machine may be shared: the header shows the load average. Each baseline is
checked to give the same answer. Nothing here is asserted in the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import chdtri, ndtri

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rescomm.stats import (  # noqa: E402
    ESP2013,
    byars_ci,
    dsr,
    phe_dsr,
    phe_sii,
    proportion,
    rate,
    wilson_ci,
)

ROWS = 1_000_000
AREAS = 10_000
Z = float(ndtri(0.975))


def best(fn: Callable[[], object], repeats: int = 7) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds (all threads) of ``repeats`` runs after a warm-up."""
    fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus)


def bare_wilson(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    z2 = Z * Z
    centre = 2 * x + z2
    half = Z * np.sqrt(z2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z2)
    return x / n, (centre - half) / denom, (centre + half) / denom


def bare_byars(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - Z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + Z / (3 * np.sqrt(x + 1))) ** 3
    small = x < 10
    xs = x[small]
    with np.errstate(invalid="ignore"):
        lower[small] = np.where(xs > 0, chdtri(2 * xs, 0.975) / 2, 0.0)
    upper[small] = chdtri(2 * xs + 2, 0.025) / 2
    return lower, upper


def bare_rate(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
    per = 100_000 / n
    lower, upper = bare_byars(x)
    return x * per, lower * per, upper * per


def bare_dsr(count: np.ndarray, pop: np.ndarray, bands: int) -> tuple[np.ndarray, ...]:
    """Dobson DSR per 100,000 for rows already grouped by area, bands in ESP2013 order."""
    c, p = count.reshape(-1, bands), pop.reshape(-1, bands)
    ratio = ESP2013 / p
    w = ESP2013.sum()
    value = (c * ratio).sum(axis=1) / w
    var = (c * ratio * ratio).sum(axis=1) / w**2
    total = c.sum(axis=1)
    lower, upper = bare_byars(total)
    small = total < 10
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var / total)
    out = (value, value + scale * (lower - total), value + scale * (upper - total))
    return tuple(np.where(small, np.nan, a) * 100_000 for a in out)


def bare_dsr_table(long: pd.DataFrame, bands: int) -> tuple[np.ndarray, ...]:
    """The same from the long table: area codes read with pd.factorize and a stable sort."""
    codes, _ = pd.factorize(long["area"], sort=True)
    order = np.argsort(codes, kind="stable")
    return bare_dsr(long["count"].to_numpy()[order], long["pop"].to_numpy()[order], bands)


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


def phe_style_sii(value: np.ndarray, pop: np.ndarray, se: np.ndarray, repetitions: int,
                  rng: np.random.Generator) -> tuple[float, float, float]:
    """One group as PHEindicatormethods' SimulationFunc does it: a normal draw per quantile
    and repetition, (m m')^-1 m times the square-root-weighted draws, sort, pick."""
    a = pop / pop.sum()
    b = np.cumsum(a) - a / 2
    m = np.vstack([np.sqrt(a), b * np.sqrt(a)])
    inv_m = np.linalg.solve(m @ m.T, m)
    sii = (inv_m @ (value * np.sqrt(a)))[1]
    draws = value + se * rng.standard_normal((repetitions, value.size))
    slopes = np.sort((inv_m @ (draws * np.sqrt(a)).T)[1])
    lo, hi = round(repetitions * 0.025), round(repetitions * 0.975)
    return sii, slopes[lo - 1], slopes[hi - 1]


def wrapper_rows(rows: list, rng: np.random.Generator) -> None:
    n = rng.integers(1, 5000, ROWS).astype(float)
    counts = rng.poisson(60, ROWS).astype(float)
    counts[rng.random(ROWS) < 0.05] = 0
    cases = np.floor(n * rng.random(ROWS))
    cases[rng.random(ROWS) < 0.05] = 0
    table = pd.DataFrame({"x": counts, "n": n})
    ours = rate(table, "x", "n")
    for col, ref in zip(["value", "lowercl", "uppercl"], bare_rate(counts, n), strict=True):
        np.testing.assert_allclose(ours[col], ref, rtol=1e-12)
    rows.append(("rate (Byar's), 1,000,000 rows", best(lambda: rate(table, "x", "n")),
                 "bare numpy/scipy", best(lambda: bare_rate(counts, n))))
    table = pd.DataFrame({"x": cases, "n": n})
    ours = proportion(table, "x", "n")
    for col, ref in zip(["value", "lowercl", "uppercl"], bare_wilson(cases, n), strict=True):
        np.testing.assert_allclose(ours[col], ref, rtol=1e-12)
    rows.append(("proportion (Wilson), 1,000,000 rows",
                 best(lambda: proportion(table, "x", "n")),
                 "bare numpy", best(lambda: bare_wilson(cases, n))))
    bands = len(ESP2013)
    areas = ROWS // bands + 1
    pop = rng.integers(50, 3000, (areas, bands)).astype(float)
    cnt = rng.poisson(pop * 0.004).astype(float)
    codes = np.array([f"E{i:08d}" for i in range(areas)], dtype=object)
    long = pd.DataFrame({"area": np.repeat(codes, bands), "count": cnt.ravel(),
                         "pop": pop.ravel()})
    c, p = long["count"].to_numpy(), long["pop"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = phe_dsr(long, "count", "pop", by="area")
        for col, ref in zip(["value", "lowercl", "uppercl"], bare_dsr(c, p, bands),
                            strict=True):
            np.testing.assert_allclose(ours[col], ref, rtol=1e-12)
        timing = best(lambda: phe_dsr(long, "count", "pop", by="area"))
        name = f"phe_dsr, {areas:,} areas x 19 bands ({len(long):,} rows)"
        rows.append((name, timing, "bare numpy/scipy", best(lambda: bare_dsr(c, p, bands))))
        np.testing.assert_allclose(bare_dsr_table(long, bands)[1], ours["lowercl"], rtol=1e-12)
        rows.append((name, timing, "same, + pd.factorize",
                     best(lambda: bare_dsr_table(long, bands))))


def sii_rows(rows: list, rng: np.random.Generator, groups: int, repetitions: int) -> None:
    q = 10
    pop = rng.integers(5000, 20000, (groups, q)).astype(float)
    life = 74 + np.linspace(0, 8, q) + rng.normal(0, 1, (groups, q))
    se = rng.uniform(0.3, 2.0, (groups, q))
    long = pd.DataFrame({"area": np.repeat(np.arange(groups), q), "decile": np.tile(
        np.arange(1, q + 1), groups), "pop": pop.ravel(), "le": life.ravel(),
        "se": se.ravel()})
    rate_v = np.exp(-5 + 0.05 * np.arange(q) + rng.normal(0, 0.05, (groups, q)))
    long["rate"] = rate_v.ravel()
    long["rate_lo"], long["rate_hi"] = long["rate"] * 0.9, long["rate"] * 1.1
    sample = 20
    ref = [phe_style_sii(life[g], pop[g], se[g], repetitions, rng) for g in range(sample)]
    ours = phe_sii(long[long["area"] < sample], "decile", "pop", by="area", value="le",
                   se="se", repetitions=repetitions, seed=1)
    np.testing.assert_allclose(ours["sii"], [r[0] for r in ref], rtol=1e-10)
    width = np.array([r[2] - r[1] for r in ref])
    assert (np.abs(ours["sii_lowercl"] - [r[1] for r in ref]) < 0.05 * width).all()
    wall, cpu = best(lambda: [phe_style_sii(life[g], pop[g], se[g], repetitions, rng)
                              for g in range(sample)], repeats=2)
    base = (wall * groups / sample, cpu * groups / sample)
    name = f"phe_sii, {groups:,} groups x {q} x {repetitions:,} reps"
    cases = [("", dict(value="le", se="se")),
             (", with RII", dict(value="le", se="se", rii=True)),
             (", rates (log scale, per-decile draws)",
              dict(value="rate", lower_cl="rate_lo", upper_cl="rate_hi", value_type=1)),
             (", rates, log transform", dict(value="rate", lower_cl="rate_lo",
                                             upper_cl="rate_hi", value_type=1, transform=True))]
    for label, kwargs in cases:
        timing = best(lambda kw=kwargs: phe_sii(long, "decile", "pop", by="area",
                                               repetitions=repetitions, seed=2, **kw),
                      repeats=2)
        rows.append((name + label, timing, "PHE's loop, scaled", base))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sii-groups", type=int, default=10_000)
    parser.add_argument("--sii-repetitions", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(2013)
    n = rng.integers(1, 5000, ROWS).astype(float)
    x = np.floor(n * rng.random(ROWS))
    counts = rng.poisson(60, ROWS).astype(float)
    rows: list = []
    np.testing.assert_allclose(wilson_ci(x, n)[0], bare_wilson(x, n)[1])
    rows.append(("wilson_ci, 1,000,000 rows", best(lambda: wilson_ci(x, n)),
                 "bare numpy formula", best(lambda: bare_wilson(x, n))))
    np.testing.assert_allclose(byars_ci(counts)[1], bare_byars(counts)[1])
    rows.append(("byars_ci, 1,000,000 rows", best(lambda: byars_ci(counts)),
                 "bare numpy formula", best(lambda: bare_byars(counts))))
    wrapper_rows(rows, rng)

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
    ours = phe_dsr(long, "count", "pop", by="area").set_index("area")
    ref = pandas_dsr(long)
    np.testing.assert_allclose(ours.loc[ref.index, "value"], ref["value"])
    np.testing.assert_allclose(ours.loc[ref.index, "uppercl"], ref["uppercl"])
    rows.append(("phe_dsr, 10,000 areas x 19 bands (shuffled)",
                 best(lambda: phe_dsr(long, "count", "pop", by="area")),
                 "pandas groupby/apply", t_pandas))
    rows.append(("dsr kernel, 10,000 x 19 grid", best(lambda: dsr(cnt, pop)),
                 "pandas groupby/apply", t_pandas))
    sii_rows(rows, rng, args.sii_groups, args.sii_repetitions)

    load = os.getloadavg()
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"times in seconds, best of several runs: wall (CPU, all threads)\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'rescomm':>17}  {'baseline':<20} {'baseline time':>17}"
          f"  {'ratio wall (CPU)':>16}")
    for name, (wall, cpu), base_name, (b_wall, b_cpu) in rows:
        print(f"{name:<{width}}  {wall:8.4f} ({cpu:6.4f})  {base_name:<20} "
              f"{b_wall:8.4f} ({b_cpu:6.4f})  {wall / b_wall:7.2f} ({cpu / b_cpu:5.2f})")
    print("\nratio = rescomm time / baseline time (below 1 is faster). Targets: wrappers within "
          "2x of bare numpy; DSR for 10,000 areas under 0.05 s; phe_sii for 10,000 groups x "
          "10,000 repetitions under 10 s on 2 cores.")


if __name__ == "__main__":
    main()
