"""The coverage page (``/assets/coverage/?area=``) at demo size, on SQLite, in process.

``python benchmarks/bench_coverage_page.py [--rounds 5] [--home DIR]``. Sets up a SQLite
database like ``rescomm demo`` does (``migrate`` and the full ``load_demo``: 3,733 assets in
the nine Cheshire & Merseyside local authorities) in a temporary folder, or reuses the one in
``--home`` (a ``$RESCOMM_HOME`` where ``rescomm load-demo`` ran), then requests the page through
Django's test client (middleware, view, template; no HTTP server) for each of the nine areas:

- cold: the cache emptied before every request, so each one reads the published assets and
  computes the coverage (what the first visitor after an asset change waits for);
- warm: each page again right after, from the cache (every later visitor);
- the first request of the process, which also loads the bundled tables.

The baseline, measured in the same run through the same client, is ``GET /healthz`` (one
database round trip). The target is p95 < 1 s for the cold requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="requests per area and mode")
    parser.add_argument("--home", type=Path, default=None,
                        help="a RESCOMM_HOME with the demo loaded (default: load one)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="rescomm-bench-coverage-"))
    os.environ["RESCOMM_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rescomm.web.settings.dev"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from rescomm.data import CM_LOCAL_AUTHORITIES
    from rescomm.web.assets.models import AssetStatus, Service

    setup_test_environment()
    if args.home is None:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        from rescomm.web.areas.services import load_demo

        load_demo()
        print(f"demo loaded into {home} in {time.perf_counter() - t:.1f} s")
    published = Service.objects.filter(asset_status=AssetStatus.PUBLISHED).count()
    client = Client()

    def get(url: str, cpu: list[float] | None = None) -> float:
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - t) * 1000
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    urls = {code: f"/assets/coverage/?area={code}" for code in CM_LOCAL_AUTHORITIES}
    cache.clear()
    first = get(urls["E06000006"])
    for _ in range(20):
        get("/healthz")
    healthz, cold, warm = [], {c: [] for c in urls}, {c: [] for c in urls}
    healthz_cpu, cold_cpu, warm_cpu = [], [], []
    for _ in range(args.rounds):
        for code, url in urls.items():
            healthz.append(get("/healthz", healthz_cpu))
            cache.clear()
            cold[code].append(get(url, cold_cpu))
            warm[code].append(get(url, warm_cpu))  # the same page again, now cached
    all_cold = [v for vs in cold.values() for v in vs]
    all_warm = [v for vs in warm.values() for v in vs]
    print(f"/assets/coverage/?area= on SQLite, {published:,} published assets, "
          f"{args.rounds} rounds x {len(urls)} areas; load average "
          f"{os.getloadavg()[0]:.1f} (wall times include waiting for other work; CPU times of "
          "this process do not)")
    print(f"{'request':<44}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")

    def line(label: str, values: list[float]) -> None:
        print(f"{label[:43]:<44}{statistics.median(values):>10.1f}"
              f"{percentile(values, 95):>10.1f}{max(values):>10.1f}")

    line("GET /healthz (baseline)", healthz)
    for code, name in CM_LOCAL_AUTHORITIES.items():
        line(f"cold {code} {name}", cold[code])
    line("cold, all areas", all_cold)
    line("warm (cached), all areas", all_warm)
    line("CPU: GET /healthz (baseline)", healthz_cpu)
    line("CPU: cold, all areas", cold_cpu)
    line("CPU: warm, all areas", warm_cpu)
    print(f"{'first request of the process (cold)':<44}{first:>10.1f}")
    p95, h95 = percentile(all_cold, 95), percentile(healthz, 95)
    print(f"cold p95 {p95:.0f} ms wall ({percentile(cold_cpu, 95):.0f} ms CPU) = "
          f"{p95 / h95:.0f}x the /healthz p95; target p95 < 1,000 ms: "
          f"{'met' if p95 < 1000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
