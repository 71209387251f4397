"""Benchmark publishing an index to the web app, and reading it back, on a fresh SQLite database.

``.venv/bin/python benchmarks/bench_publish.py [--runs N]``

What ``rescomm load-demo`` adds for the index pages: IMD 2025 rebuilt for the 1,601 bundled
Cheshire & Merseyside LSOAs, N Monte Carlo runs (default 200) of its rank, and the publication
(``rescomm.web.insight.publish.publish``: every area x node value and every area x indicator
contribution, bulk inserts in one transaction). Each figure is printed next to a baseline
measured in the same run:

- publishing: the same rows saved one ``Model.objects.create`` at a time (in one transaction,
  rolled back), the straightforward ORM way;
- the idempotent re-run (``publish_demo`` finding the same checksum) next to the full publish;
- the map page of one domain, first (renders and caches the SVG) and second request.

This is a benchmark, not a test: it asserts correctness (row counts), never speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="Monte Carlo runs (default 200)")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="rescomm-bench-publish-")
    os.environ["RESCOMM_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rescomm.web.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from rescomm.web.areas.services import load_demo
    from rescomm.web.insight import publish as service
    from rescomm.web.insight.models import (
        IndexContribution,
        IndexNode,
        IndexRun,
        IndexValue,
    )

    load_demo()
    build, build_t = timed(service.build_framework, "imd2025")
    uncertainty, mc_t = timed(service.run_uncertainty, build, n=args.runs, seed=1)
    run, publish_t = timed(
        service.publish, build, uncertainty=uncertainty, source="benchmark", published_by="bench"
    )
    values = IndexValue.objects.filter(run=run).count()
    contributions = IndexContribution.objects.filter(run=run).count()
    assert values == len(build.area_codes) * len(build.spec.node_ids), values
    assert contributions == len(build.area_codes) * len(build.spec.indicators), contributions

    # baseline: the same rows, one INSERT per object, in a transaction that is rolled back
    value_rows = list(IndexValue.objects.filter(run=run).values())
    contribution_rows = list(IndexContribution.objects.filter(run=run).values())

    class Rollback(Exception):
        pass

    def per_row() -> None:
        with transaction.atomic():
            copy = IndexRun.objects.create(
                framework="bench-copy", name=run.name, polarity=run.polarity, source="bench",
                published_by="bench", area_count=run.area_count)
            nodes = {}
            for node in IndexNode.objects.filter(run=run):
                old = node.pk
                node.pk = None
                node.run = copy
                node.save()
                nodes[old] = node.pk
            for row in value_rows:
                IndexValue.objects.create(**{**row, "id": None, "run_id": copy.pk,
                                             "node_id": nodes[row["node_id"]]})
            for row in contribution_rows:
                IndexContribution.objects.create(**{**row, "id": None, "run_id": copy.pk,
                                                    "indicator_id": nodes[row["indicator_id"]]})
            raise Rollback

    started = time.perf_counter()
    try:
        per_row()
    except Rollback:
        pass
    per_row_t = time.perf_counter() - started

    _, demo_first_t = timed(service.publish_demo, frameworks=["imd2025"], n=args.runs, seed=1)
    _, demo_again_t = timed(service.publish_demo, frameworks=["imd2025"], n=args.runs, seed=1)

    client = Client()
    first, map_first_t = timed(client.get, "/index/imd2025/", {"node": "income"})
    second, map_again_t = timed(client.get, "/index/imd2025/", {"node": "income"})
    assert first.status_code == second.status_code == 200
    profile, profile_t = timed(client.get, f"/index/imd2025/{build.area_codes[0]}/")
    assert profile.status_code == 200

    rows = values + contributions
    print(f"IMD 2025, {len(build.area_codes):,} C&M LSOAs x {len(build.spec.node_ids)} nodes, "
          f"{args.runs} Monte Carlo runs; SQLite in {home}")
    print(f"{'task':<58} {'seconds':>9} {'baseline':>9} {'ratio':>7}")

    def line(task: str, seconds: float, baseline: float | None = None) -> None:
        base = f"{baseline:9.3f}" if baseline is not None else " " * 9
        ratio = f"{baseline / seconds:6.1f}x" if baseline else ""
        print(f"{task:<58} {seconds:9.3f} {base} {ratio:>7}")

    line("build (rescomm.measure.build)", build_t)
    line(f"uncertainty, {args.runs} runs", mc_t)
    line(f"publish {rows:,} rows (bulk, one transaction) vs per-row", publish_t, per_row_t)
    line("publish_demo, unchanged inputs vs full publish_demo", demo_again_t, demo_first_t)
    line("map page of one domain, cached SVG vs first render", map_again_t, map_first_t)
    line("area profile page", profile_t)


if __name__ == "__main__":
    main()
