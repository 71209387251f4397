"""Benchmark asset coverage for every C&M LSOA (1,601) x 10 asset groups.

``python benchmarks/bench_coverage.py``. Prints, for each figure, the vectorised time (best of
several runs) next to a naive per-row loop measured in the same run, and the ratio. The naive
loop computes the same numbers (checked) one LSOA, or one postcode, at a time with NumPy. The
per-postcode baseline is timed on a sample of postcodes and scaled linearly (said so in the table).
Timings include no data loading (loading is shown on its own line).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rescomm.data import load_population, load_postcodes  # noqa: E402
from rescomm.geo import _coverage as C  # noqa: E402


def best_of(fn, repeat: int = 5) -> tuple[float, float, object]:
    """Best wall-clock and best CPU time (this process, all threads) over ``repeat`` runs."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, out


def naive_centres(centres, points, pop, masks, radius, thresholds):
    """Per-LSOA loop: nearest distance, distinct assets within the radius, catchment, desert."""
    o = centres[["easting", "northing"]].to_numpy()
    a = points[["easting", "northing"]].to_numpy()
    ids = points["source_id"].to_numpy()
    rows = []
    for i in range(len(o)):
        row = {"area_code": centres["area_code"].iat[i]}
        d_oo = np.hypot(o[:, 0] - o[i, 0], o[:, 1] - o[i, 1])
        catchment = pop[d_oo <= radius].sum()
        for g, mask in masks.items():
            d = np.hypot(a[mask, 0] - o[i, 0], a[mask, 1] - o[i, 1])
            row[f"{g}_nearest_m"] = d.min()
            row[f"{g}_per_1000"] = 1000 * len(set(ids[mask][d <= radius])) / catchment
            row[f"{g}_desert"] = d.min() > thresholds.get(g, thresholds["default"])
        rows.append(row)
    return pd.DataFrame(rows)


def naive_postcode_means(live, points, masks):
    """Per-postcode loop: nearest distance to each group."""
    a = points[["easting", "northing"]].to_numpy()
    xy = live[["easting", "northing"]].to_numpy()
    out = np.empty((len(xy), len(masks)))
    for k in range(len(xy)):
        for j, mask in enumerate(masks.values()):
            out[k, j] = np.hypot(a[mask, 0] - xy[k, 0], a[mask, 1] - xy[k, 1]).min()
    return out


def main() -> None:
    t0 = time.perf_counter()
    centres = C.population_weighted_centres()
    points = C.asset_points()
    pcs = load_postcodes()
    pop_s = load_population(2021).set_index("lsoa21_code")["population"]
    load_s = time.perf_counter() - t0
    pop = pop_s.reindex(centres["area_code"]).to_numpy(dtype="float64")
    groups = list(C.DEFAULT_GROUPS)
    masks = C._resolve_groups(points, groups)
    live = pcs[pcs["terminated"].isna() & pcs["lsoa21_code"].isin(set(centres["area_code"]))]

    kw = {"centres": centres, "points": points, "population": pop_s, "postcodes": pcs}
    t_centre, c_centre, cov_c = best_of(lambda: C.coverage(distance_from="centre", **kw))
    t_pc, c_pc, _ = best_of(lambda: C.coverage(distance_from="postcodes", **kw))

    t, c = time.perf_counter(), time.process_time()
    naive = naive_centres(centres, points, pop, masks, C.DEFAULT_RADIUS_M,
                          C.DEFAULT_THRESHOLDS_M)
    t_naive_c, c_naive_c = time.perf_counter() - t, time.process_time() - c
    for g in groups:  # same numbers
        np.testing.assert_allclose(naive[f"{g}_nearest_m"], cov_c[f"{g}_nearest_m"], atol=1e-6)
        np.testing.assert_allclose(naive[f"{g}_per_1000"], cov_c[f"{g}_per_1000"], atol=1e-9)
        assert (naive[f"{g}_desert"].to_numpy() == cov_c[f"{g}_desert"].to_numpy()).all()

    sample = live.sample(2000, random_state=1)
    t, c = time.perf_counter(), time.process_time()
    naive_pc = naive_postcode_means(sample, points, masks)
    scale = len(live) / len(sample)
    t_naive_pc = (time.perf_counter() - t) * scale
    c_naive_pc = (time.process_time() - c) * scale
    check = C.area_mean_nearest_distance  # kernel on the same sample, for the equality check
    k = pd.DataFrame(naive_pc, columns=[f"{g}_nearest_m" for g in groups])
    k["area"] = sample["lsoa21_code"].to_numpy()
    expected = k.groupby("area").mean()
    got = check(sample, sample["lsoa21_code"], points, groups=masks)
    np.testing.assert_allclose(got[expected.columns], expected, atol=1e-6)

    n, g = len(centres), len(groups)
    print(f"asset coverage: {n:,} C&M LSOAs x {g} groups, {len(points):,} destination points "
          f"({(points['category'] == 'green_space').sum():,} green-space access points), "
          f"{len(live):,} live postcodes")
    print(f"(data loading, once per process: {load_s:.2f} s wall)")
    print(f"{'figure':46} {'clock':5} {'vectorised':>11} {'naive loop':>11} {'ratio':>7}")
    rows = [
        ("coverage(distance_from='centre')", "wall", t_centre, t_naive_c),
        ("  [naive: loop per LSOA]", "cpu", c_centre, c_naive_c),
        ("coverage(distance_from='postcodes')", "wall", t_pc, t_naive_pc + t_naive_c),
        ("  [naive: loop per postcode* + per LSOA]", "cpu", c_pc, c_naive_pc + c_naive_c),
    ]
    for name, clock, fast, slow in rows:
        print(f"{name:46} {clock:5} {fast:10.3f}s {slow:10.2f}s {slow / fast:6.0f}x")
    print("wall = best elapsed of 5 runs; cpu = best CPU time of this process (all threads), "
          "which is what to read on a busy machine.")
    print("* per-postcode loop timed on 2,000 postcodes and scaled to all live postcodes.")
    print(f"target < 1 s for {n:,} LSOAs x {g} groups (CPU): "
          f"{'met' if max(c_centre, c_pc) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
