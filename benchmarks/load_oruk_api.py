"""Load test of the ORUK proximity search against a real server (gunicorn + PostgreSQL).

``.venv/bin/python benchmarks/load_oruk_api.py [--assets 100000] [--clients 20] [--requests 2000]``

Self-contained and loopback only:

1. creates a fresh PostgreSQL database ``rescomm_bench_<pid>`` (or ``--database``; ``--pg``
   server, default ``postgres://postgres@127.0.0.1:5432``) and runs ``rescomm migrate`` against
   it;
2. fills it with ``--assets`` published assets through the app's own importer
   (``rescomm.web.assets.importer.import_assets``, bulk inserts, in chunks of 10,000): the
   3,733 real bundled C&M assets plus SYNTHETIC jittered copies (0-1.5 km, kept inside C&M);
3. starts ``rescomm serve --port 8765 --workers 2 --database-url ...`` on 127.0.0.1 and waits
   for ``/healthz``;
4. runs ``--clients`` concurrent client threads (``http.client``, one keep-alive connection per
   thread) for ``--requests`` requests in total or ``--max-seconds`` at most, first against
   ``/healthz`` (the baseline: the same server, workers and load, a database round trip but no
   search), then against
   ``/api/oruk/service_at_locations?postcode=<random live C&M postcode>&proximity=1000``;
5. stops the server and drops the database (also on an error), then prints p50/p95/p99
   latency and throughput for both.

The server, client and table code is shared with ``load_referrals.py`` (``_loadlib.py``).

This is a benchmark, not a test: it checks every answer is HTTP 200, never the speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from _loadlib import (
    Request,
    migrate,
    p95,
    port_free,
    print_table,
    report,
    rescomm_server,
    run_clients,
    scratch_database,
)


def synthetic_records(n: int, rng: np.random.Generator) -> list[dict]:
    """Import records: the real bundled assets, then jittered copies inside C&M up to ``n``."""
    from rescomm.geo import LsoaLocator, bng_to_wgs84
    from rescomm.web.assets.importer import demo_records

    real = demo_records().reset_index(drop=True)
    real = real.astype(object).where(real.notna(), None)
    base = real.to_dict("records")
    out = base[:n]
    locator = LsoaLocator.bundled(2021)
    ex = real["easting"].to_numpy(float)
    ny = real["northing"].to_numpy(float)
    i = 0
    while len(out) < n:
        m = int((n - len(out)) * 1.3) + 100
        pick = rng.integers(0, len(base), m)
        r, a = rng.uniform(0, 1_500, m), rng.uniform(0, 2 * np.pi, m)
        x, y = np.round(ex[pick] + r * np.cos(a)), np.round(ny[pick] + r * np.sin(a))
        lsoa = locator.locate(x, y)
        lon, lat = bng_to_wgs84(x, y)
        for j in np.flatnonzero(lsoa != None)[: n - len(out)]:  # noqa: E711
            rec = dict(base[pick[j]])
            i += 1
            rec.update(source_id=f"bench:{i}", name=f"{rec['name']} (synthetic copy {i})",
                       organization=None, organization_id=None, postcode=None,
                       easting=float(x[j]), northing=float(y[j]),
                       latitude=round(float(lat[j]), 6), longitude=round(float(lon[j]), 6),
                       lsoa21_code=str(lsoa[j]), source="rescomm benchmark (synthetic)",
                       is_example=True)
            out.append(rec)
    return out


def fill(database_url: str, n: int, rng: np.random.Generator) -> tuple[float, int]:
    from rescomm.cli.web import configure_django

    configure_django(database_url)
    from django.db import connections

    from rescomm.web.assets.importer import import_assets

    t = time.perf_counter()
    records = synthetic_records(n, rng)
    created = 0
    for start in range(0, len(records), 10_000):
        chunk = records[start:start + 10_000]
        created += import_assets(chunk, source="benchmark", audited=False).created
        print(f"  imported {start + len(chunk):,} / {len(records):,} "
              f"({time.perf_counter() - t:.0f} s)", flush=True)
    connections.close_all()
    return time.perf_counter() - t, created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--proximity", type=float, default=1000.0)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432",
                        help="PostgreSQL server (no database name); loopback expected")
    parser.add_argument("--database", default=None,
                        help="name of the scratch database to create on that server and drop "
                             "afterwards (it must not exist); default rescomm_bench_<pid>")
    args = parser.parse_args()
    if not port_free(args.port):
        sys.exit(f"port {args.port} is already in use on 127.0.0.1 (another server would answer "
                 "instead of ours): choose a free one with --port")
    rng = np.random.default_rng(20251128)
    load0 = os.getloadavg()[0]
    with scratch_database(args.pg, args.database) as url:
        migrate_t = migrate(url)
        print(f"database {url.rsplit('/', 1)[1]}: migrated in {migrate_t:.1f} s; importing "
              f"{args.assets:,} assets", flush=True)
        fill_t, created = fill(url, args.assets, rng)

        from rescomm.data import load_postcodes

        live = load_postcodes().query("terminated.isna()")["postcode"].to_numpy(dtype=object)
        postcodes = rng.choice(live, args.requests)
        api = [Request("GET", f"/api/oruk/service_at_locations?postcode={pc.replace(' ', '+')}"
                              f"&proximity={args.proximity:g}") for pc in postcodes]
        healthz = [Request("GET", "/healthz")] * args.requests
        totals: list[int] = []

        def count_matches(i: int, status: int, body: bytes) -> None:
            if len(totals) < 200 and status == 200:
                totals.append(json.loads(body).get("total_items", 0))

        with rescomm_server(url, port=args.port, workers=args.workers):
            # Warm up each worker (imports, bundled postcode index, DB connection) outside
            # timings.
            run_clients(args.port, api[:40], clients=args.clients, max_seconds=args.max_seconds)
            load_start = os.getloadavg()[0]
            base = run_clients(args.port, healthz, clients=args.clients,
                               max_seconds=args.max_seconds)
            ours = run_clients(args.port, api, clients=args.clients,
                               max_seconds=args.max_seconds, on_response=count_matches)
            load_end = os.getloadavg()[0]

    print(f"\nORUK API load test ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}; load "
          f"average {load0:.1f} before, {load_start:.1f} at start of load, {load_end:.1f} at "
          "end; client threads run on the same machine as the server and PostgreSQL)")
    print(f"{created:,} assets imported via import_assets in {fill_t:.1f} s "
          f"({min(created, 3_733):,} real bundled + {max(created - 3_733, 0):,} SYNTHETIC "
          f"jittered copies); gunicorn {args.workers} workers x 4 threads; {args.clients} "
          f"clients; up to {args.requests:,} requests or {args.max_seconds:g} s per run")
    if totals:
        print(f"matches within {args.proximity:g} m (first {len(totals)} answers): median "
              f"{np.median(totals):.0f}, max {max(totals)}")
    print_table([report("/healthz (baseline, same run)", base),
                 report(f"service_at_locations?postcode&proximity={args.proximity:g}", ours)])
    print(f"p95 ratio API / healthz: {p95(ours) / p95(base):.1f}x")

if __name__ == "__main__":
    main()
