"""Load test of the ORUK proximity search against a real server (gunicorn + PostgreSQL).

``.venv/bin/python benchmarks/load_oruk_api.py [--assets 100000] [--clients 20] [--requests 2000]``

Self-contained and loopback only:

1. creates a fresh PostgreSQL database ``rescomm_bench_<pid>`` (``--pg`` server, default
   ``postgres://postgres@127.0.0.1:5432``) and runs ``rescomm migrate`` against it;
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
5. prints p50/p95/p99 latency and throughput for both, then stops the server and drops the
   database (in a ``finally``).

This is a benchmark, not a test: it checks every answer is HTTP 200, never the speed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
RESCOMM = [sys.executable, "-m", "rescomm"]


def pg(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as conn:
        conn.execute(sql)


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


def port_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:``port`` (else the health check and the load would
    reach that other server, not ours)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server not healthy in time")


def run_load(port: int, paths: list[str], clients: int, max_seconds: float) -> dict:
    """GET every path (shared queue) from ``clients`` threads; per-request latency in seconds."""
    lock = threading.Lock()
    queue = iter(enumerate(paths))
    lat = np.full(len(paths), np.nan)
    status: dict[int, int] = {}
    sizes: list[int] = []
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            i, path = item
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                code = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                code, body = -1, b""
            lat[i] = time.perf_counter() - t
            with lock:
                status[code] = status.get(code, 0) + 1
                if len(sizes) < 200 and code == 200 and path.startswith("/api/"):
                    sizes.append(json.loads(body).get("total_items", 0))
        conn.close()

    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(worker) for _ in range(clients)]:
            f.result()
    wall = time.perf_counter() - t
    done = lat[~np.isnan(lat)]
    return {"lat": done, "wall": wall, "status": status, "totals": sizes}


def report(label: str, res: dict) -> tuple[str, ...]:
    lat = res["lat"] * 1000
    return (label, f"{len(lat):,}", f"{np.percentile(lat, 50):.1f} ms",
            f"{np.percentile(lat, 95):.1f} ms", f"{np.percentile(lat, 99):.1f} ms",
            f"{len(lat) / res['wall']:.1f} req/s", f"{res['wall']:.1f} s",
            ", ".join(f"{k}: {v}" for k, v in sorted(res["status"].items())))


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
    args = parser.parse_args()
    if not port_free(args.port):
        sys.exit(f"port {args.port} is already in use on 127.0.0.1 (another server would answer "
                 "instead of ours): choose a free one with --port")
    rng = np.random.default_rng(20251128)
    name = f"rescomm_bench_{os.getpid()}"
    url = f"{args.pg}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    server = None
    load0 = os.getloadavg()[0]
    pg(args.pg, f'CREATE DATABASE "{name}"')
    try:
        t = time.perf_counter()
        subprocess.run([*RESCOMM, "migrate", "--database-url", url], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        migrate_t = time.perf_counter() - t
        print(f"database {name}: migrated in {migrate_t:.1f} s; importing {args.assets:,} "
              "assets", flush=True)
        fill_t, created = fill(url, args.assets, rng)

        from rescomm.data import load_postcodes

        live = load_postcodes().query("terminated.isna()")["postcode"].to_numpy(dtype=object)
        postcodes = rng.choice(live, args.requests)
        api = [f"/api/oruk/service_at_locations?postcode={pc.replace(' ', '+')}"
               f"&proximity={args.proximity:g}" for pc in postcodes]

        server = subprocess.Popen(
            [*RESCOMM, "serve", "--host", "127.0.0.1", "--port", str(args.port), "--workers",
             str(args.workers), "--database-url", url],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_healthy(args.port, server)
        # Warm up each worker (imports, bundled postcode index, DB connection) outside timings.
        run_load(args.port, api[:40], args.clients, args.max_seconds)
        load_start = os.getloadavg()[0]
        base = run_load(args.port, ["/healthz"] * args.requests, args.clients, args.max_seconds)
        ours = run_load(args.port, api, args.clients, args.max_seconds)
        load_end = os.getloadavg()[0]
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        pg(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"server stopped; database {name} dropped")

    print(f"\nORUK API load test ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}; load "
          f"average {load0:.1f} before, {load_start:.1f} at start of load, {load_end:.1f} at "
          "end; client threads run on the same machine as the server and PostgreSQL)")
    print(f"{created:,} assets imported via import_assets in {fill_t:.1f} s "
          f"({min(created, 3_733):,} real bundled + {max(created - 3_733, 0):,} SYNTHETIC "
          f"jittered copies); gunicorn {args.workers} workers x 4 threads; {args.clients} "
          f"clients; up to {args.requests:,} requests or {args.max_seconds:g} s per run")
    totals = ours["totals"]
    if totals:
        print(f"matches within {args.proximity:g} m (first {len(totals)} answers): median "
              f"{np.median(totals):.0f}, max {max(totals)}")
    header = ("endpoint", "requests", "p50", "p95", "p99", "throughput", "wall", "status")
    rows = [report("/healthz (baseline, same run)", base),
            report(f"service_at_locations?postcode&proximity={args.proximity:g}", ours)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))
    p95 = [np.percentile(r["lat"], 95) for r in (base, ours)]
    print(f"p95 ratio API / healthz: {p95[1] / p95[0]:.1f}x")


if __name__ == "__main__":
    main()
