"""Benchmark the index engine: a full build on all of England (33,755 LSOA21 x 40 indicators).

Pipeline: denominate 10 indicators, group-median imputation by local authority, availability
screen, COINr outlier treatment (Winsorise up to 5 points, log fallback), min-max 0-100,
explicit weights, arithmetic means over 8 domains and 2 sub-indices, then the results table
(score, rank, decile for all 51 nodes). The baseline is a straightforward pandas
implementation of the same pipeline, timed in the same run; the two must agree.

Run: ``python benchmarks/bench_measure.py`` (no timing assertions; prints a table and ratios).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rescomm.measure import MeasureWarning, build  # noqa: E402

N_IND, N_GROUPS = 40, 8


def make_data(seed: int = 7) -> pd.DataFrame:
    """33,755 LSOA21 codes (real codes and LAs when the bundled lookup is present)."""
    try:
        from rescomm.data import load_lsoa21_lookup

        lk = load_lsoa21_lookup()
        lk = lk[lk["lsoa21_code"].str.startswith("E")]
        codes, las = lk["lsoa21_code"].to_numpy(), lk["lad_code"].to_numpy()
    except Exception:  # noqa: BLE001 - benchmark still runs without the bundle
        codes = np.array([f"E01{i:06d}" for i in range(33755)])
        las = np.array([f"E0800{i % 300:04d}" for i in range(33755)])
    n = len(codes)
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    cols = {"lsoa21_code": codes, "la": las, "pop": rng.integers(1000, 3000, n).astype(float)}
    for j in range(N_IND):
        x = np.exp(0.6 * latent * (1 if j % 3 else -1) + rng.normal(scale=0.8, size=n))
        if j < 10:
            x = np.round(x * cols["pop"] / 10)  # counts to denominate
        x[rng.random(n) < 0.01] = np.nan
        cols[f"i{j:02d}"] = x
    return pd.DataFrame(cols)


def make_spec() -> dict:
    groups = [{"id": f"d{g}", "parent": "sub1" if g < 4 else "sub2", "weight": 0.25}
              for g in range(N_GROUPS)]
    groups += [{"id": "sub1", "weight": 0.5}, {"id": "sub2", "weight": 0.5}]
    indicators = []
    for j in range(N_IND):
        item = {"id": f"i{j:02d}", "column": f"i{j:02d}", "parent": f"d{j % N_GROUPS}",
                "direction": 1 if j % 3 else -1, "weight": 0.2}
        if j < 10:
            item["denominator"] = {"column": "pop", "scale": 1000}
        indicators.append(item)
    return {"spec_version": 1, "id": "bench", "polarity": "higher_is_better",
            "area": {"code": "lsoa21_code", "geography": "lsoa21", "la": "la"},
            "groups": groups, "indicators": indicators,
            "steps": {"impute": {"method": "group_median", "by": "la"},
                      "screen": {"min_coverage": 0.5},
                      "treat": {"method": "winsorise", "winmax": 5},
                      "normalise": {"method": "minmax", "range": [0, 100]},
                      "aggregate": {"method": "arithmetic"}}}


# --------------------------------------------------------------------------- pandas baseline
def _winsorise_pandas(s: pd.Series, winmax: int = 5) -> pd.Series:
    def fails(v: pd.Series) -> bool:
        return abs(v.skew()) >= 2 and v.kurt() >= 3.5

    orig = s
    if not fails(s):
        return s
    s = s.copy()
    hi, lo = pd.Index([]), pd.Index([])
    nwin = 0
    while fails(s) and nwin < winmax:
        if s.skew() >= 0:
            hi = s.index[s == s.max()]
            s[hi] = s.drop(hi).max()
        else:
            lo = s.index[s == s.min()]
            s[lo] = s.drop(lo).min()
        nwin = len(hi) + len(lo)
    if fails(s):
        rng = orig.max() - orig.min()
        return np.log(orig - orig.min() + 0.01 * rng)
    return s


def pandas_build(data: pd.DataFrame, spec: dict) -> pd.DataFrame:
    df = data.set_index("lsoa21_code")
    ind = pd.DataFrame({i["id"]: df[i["column"]] for i in spec["indicators"]})
    for i in spec["indicators"]:
        if "denominator" in i:
            d = i["denominator"]
            ind[i["id"]] = ind[i["id"]] / df[d["column"]] * d["scale"]
    ind = ind.fillna(ind.groupby(df["la"]).transform("median"))
    ind = ind[ind.notna().mean(axis=1) >= 0.5]
    ind = ind.apply(_winsorise_pandas)
    for i in spec["indicators"]:
        x = ind[i["id"]] * i["direction"]
        ind[i["id"]] = (x - x.min()) / (x.max() - x.min()) * 100
    scores = ind.copy()
    parents = {i["id"]: i["parent"] for i in spec["indicators"]}
    parents |= {g["id"]: g.get("parent", "index") for g in spec["groups"]}
    weights = {i["id"]: i["weight"] for i in spec["indicators"]}
    weights |= {g["id"]: g["weight"] for g in spec["groups"]}
    for group in [f"d{g}" for g in range(N_GROUPS)] + ["sub1", "sub2", "index"]:
        kids = [k for k, p in parents.items() if p == group]
        w = pd.Series({k: weights[k] for k in kids})
        sub = scores[kids]
        wm = sub.notna().mul(w, axis=1)
        scores[group] = sub.mul(w, axis=1).sum(axis=1) / wm.sum(axis=1)
    out = {"area_code": scores.index}
    for node in scores.columns:
        out[f"{node}_score"] = scores[node].to_numpy()
        rank = scores[node].rank(method="min")
        out[f"{node}_rank"] = rank.to_numpy()
        out[f"{node}_decile"] = np.ceil(rank * 10 / rank.notna().sum()).to_numpy()
    return pd.DataFrame(out)


def _full(spec: dict, data: pd.DataFrame):  # noqa: ANN202
    b = build(spec, data)
    b.results  # noqa: B018 - the results table is part of a full build
    return b


def _time(fn, repeat: int = 5) -> tuple[float, float, object]:
    """Best wall-clock and best CPU (process) time over ``repeat`` runs. CPU time is reported
    too because shared machines make wall-clock times noisy."""
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, result


def main() -> None:
    data, spec = make_data(), make_spec()
    warnings.simplefilter("ignore", MeasureWarning)
    t_build, c_build, b = _time(lambda: _full(spec, data))
    t_pandas, c_pandas, baseline = _time(lambda: pandas_build(data, spec), repeat=2)
    rows = [("full build (all steps + results table)", t_build, c_build, t_pandas, c_pandas)]
    for label, fn in (
        ("rebuild: one weight changed + results",
         lambda: b.rebuild(weights={"i00": 0.4}).results),
        ("rebuild: normalise -> z-score + results",
         lambda: b.rebuild(normalise={"method": "zscore"}).results),
        ("rebuild: geometric aggregation + results",
         lambda: b.rebuild(aggregate={"method": "geometric"}).results),
    ):
        t, c, _ = _time(fn)
        rows.append((label, t, c, None, None))
    mine = b.results.set_index("area_code")["index_score"]
    theirs = baseline.set_index("area_code")["index_score"]
    agree = float(np.nanmax(np.abs(mine - theirs.reindex(mine.index))))
    print(f"England LSOA21: {len(data):,} areas x {N_IND} indicators, {N_GROUPS} domains, "
          f"2 sub-indices; max |index score difference| vs the pandas baseline {agree:.1e}")
    print(f"{'task':<42}{'wall':>8}{'cpu':>8}{'pandas wall':>13}{'cpu':>8}{'ratio':>8}")
    for label, t, c, tp, cp in rows:
        if tp is None:
            print(f"{label:<42}{t:>7.3f}s{c:>7.3f}s{'':>13}{'':>8}"
                  f"{t_build / t:>7.1f}x vs full build")
        else:
            print(f"{label:<42}{t:>7.3f}s{c:>7.3f}s{tp:>12.3f}s{cp:>7.3f}s{tp / t:>7.1f}x")
    verdict = {True: "met", False: "NOT met"}
    print(f"target full build < 1 s: wall {verdict[t_build < 1]}, CPU {verdict[c_build < 1]} "
          f"(best of 5; load average {', '.join(f'{v:.1f}' for v in _load())} on "
          f"{_cpus()} CPUs: wall time is inflated when the machine is shared)")


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def _load() -> tuple[float, ...]:
    import os

    try:
        return os.getloadavg()
    except OSError:  # pragma: no cover - not on every platform
        return ()


if __name__ == "__main__":
    main()
