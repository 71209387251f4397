"""Benchmark publishing an index to the web app, and reading it back, on a fresh SQLite database.

``.venv/bin/python benchmarks/bench_publish.py [--runs N] [--no-england] [--england-publish]``

What ``rescomm load-demo`` adds for the index pages: IMD 2025 rebuilt for the 1,601 bundled
Cheshire & Merseyside LSOAs, N Monte Carlo runs (default 200) of its rank, and the publication
(``rescomm.web.insight.publish.publish``: every area x node value and every area x indicator
contribution, bulk inserts in one transaction). Each figure is printed next to a baseline
measured in the same run:

- publishing: the same rows saved one ``Model.objects.create`` at a time (in one transaction,
  rolled back), the straightforward ORM way;
- the idempotent re-run (``publish_demo`` finding the same checksum) next to the full publish;
- the map page of one domain, first (renders and caches the SVG) and second request.

Then the contributions of every area (what ``publish`` stores per area x indicator) for the
``warm`` framework, on the 1,601 bundled C&M LSOAs and on all 33,755 English LSOAs (the official
files from ``../shared/data`` when present, else SYNTHETIC: bundled C&M rows resampled onto the
English LSOA 2021 codes and their LAs), each next to the per-area loop in the same run:

- ``Build.explain_all()`` vs ``Build.explain(area)`` called for every area (checked equal);
- the publishing columns (``publish._contribution_columns``) vs the earlier implementation,
  which called ``Build.explain`` once per area (checked equal);
- (C&M; England with ``--england-publish``) the whole ``publish`` of ``warm`` vs the same publish
  with the previous per-area rows.

This is a benchmark, not a test: it asserts correctness (row counts, equal numbers), never speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "src"))


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def per_area_rows(build, progress):
    """The earlier ``publish._contribution_rows``: ``Build.explain`` once per area, one dict
    per row; returned as the columns ``publish._contribution_columns`` gives."""
    from rescomm.web.insight.publish import _number

    rows = []
    codes = [str(code) for code in build.area_codes]
    step = max(1, len(codes) // 4)
    keys = ["raw", "normalised", "weight", "effective_weight", "contribution", "share"]
    for n, code in enumerate(codes, start=1):
        table = build.explain(code)
        columns = [table[key].tolist() for key in keys]
        for j, indicator in enumerate(table["indicator"].tolist()):
            fields = {key: _number(column[j]) for key, column in zip(keys, columns, strict=True)}
            rows.append((indicator, {"area_code": code, **fields}))
        if n % step == 0 or n == len(codes):
            progress(f"{build.spec.id}: contributions {n:,}/{len(codes):,} areas")
    columns = {"indicator": [indicator for indicator, _ in rows]}
    for key in ["area_code", *keys]:
        columns[key] = [fields[key] for _, fields in rows]
    return columns


def explain_loop(build):
    """``Build.explain`` for every area, concatenated (the per-area baseline)."""
    import pandas as pd

    return pd.concat([build.explain(str(code)) for code in build.area_codes],
                     ignore_index=True)


def england_warm_table():
    """All English LSOAs: the official files when ``../shared/data`` has them, else SYNTHETIC
    (bundled C&M rows drawn with replacement onto the English LSOA 2021 codes and LAs)."""
    import numpy as np

    from rescomm.data import load_indicators, load_lsoa21_lookup, read_indicators

    if (SHARED / "indicators").is_dir():
        return read_indicators(SHARED), "all England, official files"
    lookup = load_lsoa21_lookup()
    lookup = lookup[lookup["lsoa21_code"].str.startswith("E")]
    bundled = load_indicators()
    draw = np.random.default_rng(7).integers(0, len(bundled), len(lookup))
    table = bundled.iloc[draw].reset_index(drop=True)
    for column in ("lsoa21_code", "lad_code"):
        table[column] = lookup[column].to_numpy()
    return table, "all England, SYNTHETIC (C&M rows resampled)"


def contributions_bench(build, where, *, publish_too, line):
    """explain_all vs the explain loop, and the publishing rows vs the per-area version."""
    import pandas as pd

    from rescomm.web.insight import publish as service

    quiet = lambda text: None  # noqa: E731
    n, m = len(build.area_codes), len(build.spec.indicators)
    table, all_t = timed(build.explain_all)
    looped, loop_t = timed(explain_loop, build)
    pd.testing.assert_frame_equal(table.drop(columns="area_code"), looped,
                                  check_exact=False, rtol=1e-12, atol=1e-12)
    rows, rows_t = timed(service._contribution_columns, build, quiet)
    before, before_t = timed(per_area_rows, build, quiet)
    assert rows == before, "vectorised and per-area publishing columns differ"
    print(f"\nwarm on {where}: {n:,} LSOAs x {m} indicators = {n * m:,} contributions")
    line("Build.explain_all() vs Build.explain per area", all_t, loop_t)
    line("publishing columns vs per-area rows", rows_t, before_t)
    if publish_too:
        options = {"source": "benchmark", "published_by": "bench"}
        service.publish(build, **options)  # so that both timed publishes replace a run
        original = service._contribution_columns
        service._contribution_columns = per_area_rows
        try:
            _, old_t = timed(service.publish, build, **options)
        finally:
            service._contribution_columns = original
        run, new_t = timed(service.publish, build, **options)
        assert run.contributions.count() == n * m
        line("publish warm (explain_all) vs publish with per-area rows", new_t, old_t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="Monte Carlo runs (default 200)")
    parser.add_argument("--no-england", action="store_true",
                        help="skip the all-England contributions (about a minute)")
    parser.add_argument("--england-publish", action="store_true",
                        help="also publish warm for all England to SQLite, both ways")
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

    import warnings

    from rescomm.measure import MeasureWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        warm = service.build_framework("warm")
        contributions_bench(warm, "the bundled C&M inputs", publish_too=True, line=line)
        if not args.no_england:
            table, where = england_warm_table()
            england, england_t = timed(service.build_framework, "warm", table)
            contributions_bench(england, where, publish_too=args.england_publish, line=line)
            line("(build warm for England)", england_t)


if __name__ == "__main__":
    main()
