"""Benchmark "the 10 assets nearest a postcode" over 100,000 asset points (library, no server).

``.venv/bin/python benchmarks/bench_assets.py [--points N] [--queries N]``

The points are the 3,733 real bundled C&M assets (``rescomm.data.load_assets()``) plus synthetic
copies of them, each moved by a random 0-1,500 m jitter and kept only if it still falls inside a
C&M LSOA, up to 100,000 points (the output says how many are synthetic). The queries are 1,000
random live C&M postcodes. Each query is timed one at a time, as a web request would make it:

- ``PointIndex.nearest(k=10)`` on the postcode's grid reference;
- the same plus ``rescomm.geo.lookup_postcode`` (postcode text -> grid reference -> nearest 10);

next to a brute-force NumPy baseline in the same run (distance to every point, ``argpartition``,
sort the 10), which is checked to give the same distances. Target: p95 < 10 ms per query.
Coverage (``rescomm.geo.coverage``) has its own benchmark, ``bench_coverage.py``; it is not
repeated here. This is a benchmark, not a test: it asserts correctness, never speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rescomm.data import load_assets, load_postcodes  # noqa: E402
from rescomm.geo import LsoaLocator, PointIndex, lookup_postcode, lookup_postcodes  # noqa: E402

TARGET_P95 = 0.010  # seconds per query


def asset_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """``(easting, northing, n_real)``: the real assets then jittered copies inside C&M."""
    assets = load_assets().dropna(subset=["easting", "northing"])
    ex = assets["easting"].to_numpy(float)
    ny = assets["northing"].to_numpy(float)
    n_real = min(len(ex), n)
    xs, ys = [ex[:n_real]], [ny[:n_real]]
    have = n_real
    locator = LsoaLocator.bundled(2021)
    while have < n:
        m = int((n - have) * 1.3) + 100
        pick = rng.integers(0, len(ex), m)
        radius = rng.uniform(0, 1_500, m)
        angle = rng.uniform(0, 2 * np.pi, m)
        cx = ex[pick] + radius * np.cos(angle)
        cy = ny[pick] + radius * np.sin(angle)
        inside = locator.locate(cx, cy) != None  # noqa: E711
        cx, cy = cx[inside][: n - have], cy[inside][: n - have]
        xs.append(cx)
        ys.append(cy)
        have += len(cx)
    return np.concatenate(xs), np.concatenate(ys), n_real


def pct(a: np.ndarray, q: float) -> float:
    return float(np.percentile(a, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    args = parser.parse_args()
    rng = np.random.default_rng(20251127)

    t = time.perf_counter()
    px, py, n_real = asset_points(args.points, rng)
    make_t = time.perf_counter() - t
    t = time.perf_counter()
    index = PointIndex(px, py)
    build_t = time.perf_counter() - t

    live = load_postcodes().query("terminated.isna()")["postcode"].to_numpy(dtype=object)
    postcodes = rng.choice(live, args.queries, replace=False)
    found = lookup_postcodes(postcodes)
    assert (found["status"].astype(str) == "ok").all()
    qx = found["easting"].to_numpy(float)
    qy = found["northing"].to_numpy(float)
    lookup_postcode(postcodes[0])  # bundled index loaded outside the timings

    n = args.queries
    ours = np.empty(n)
    ours_pc = np.empty(n)
    brute = np.empty(n)
    for i in range(n):
        t0 = time.perf_counter()
        _, dist = index.nearest(qx[i], qy[i], k=10)
        t1 = time.perf_counter()
        rec = lookup_postcode(postcodes[i])
        index.nearest(float(rec.easting), float(rec.northing), k=10)
        t2 = time.perf_counter()
        d = np.hypot(px - qx[i], py - qy[i])
        near = np.argpartition(d, 10)[:10]
        near = near[np.argsort(d[near])]
        t3 = time.perf_counter()
        ours[i], ours_pc[i], brute[i] = t1 - t0, t2 - t1, t3 - t2
        assert np.allclose(d[near], dist)

    print(f"rescomm assets nearest-10 benchmark ({os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f})")
    print(f"{len(px):,} asset points: {n_real:,} real bundled C&M assets + "
          f"{len(px) - n_real:,} SYNTHETIC jittered copies (0-1.5 km, kept inside C&M LSOAs); "
          f"made in {make_t:.2f} s, PointIndex built in {build_t * 1000:.1f} ms")
    print(f"{n:,} queries: random live C&M postcodes, one query at a time, nearest 10\n")
    header = ("per query", "rescomm p50", "p95", "brute-force p50", "p95", "ratio p95",
              "target p95 < 10 ms")
    rows = []
    for label, arr in (("PointIndex.nearest(k=10)", ours),
                       ("lookup_postcode + nearest(k=10)", ours_pc)):
        rows.append((label, f"{pct(arr, 50) * 1e3:.3f} ms", f"{pct(arr, 95) * 1e3:.3f} ms",
                     f"{pct(brute, 50) * 1e3:.3f} ms", f"{pct(brute, 95) * 1e3:.3f} ms",
                     f"{pct(brute, 95) / pct(arr, 95):.1f}x faster",
                     "yes" if pct(arr, 95) < TARGET_P95 else "NO"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
    t = time.perf_counter()
    index.nearest(qx, qy, k=10)
    batch = time.perf_counter() - t
    print(f"\nall {n:,} queries in one batched nearest() call: {batch * 1e3:.1f} ms "
          f"(brute force, sum of per-query times: {brute.sum() * 1e3:.0f} ms)")
    print("coverage: see bench_coverage.py (not repeated here)")


if __name__ == "__main__":
    main()
