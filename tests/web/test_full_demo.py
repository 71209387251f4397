"""The asset map at real size: every bundled Cheshire & Merseyside asset (3,733, the whole of
what ``rescomm load-demo`` imports), not the Halton and Liverpool subset of the other tests.

Faults that only appear at this size (SQLite's expression-depth limit on a prefetch over 1,000
or more rows, long ``IN`` lists) are tested here, on whichever database the run uses. The assets
are imported once for the module inside an outer transaction that is rolled back at the end,
so the rest of the suite keeps its subset; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from django.db import transaction

from rescomm.data import CM_LOCAL_AUTHORITIES


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    """Every bundled asset imported (through the importer ``load_demo`` uses); the number of
    published assets."""
    from rescomm.web.assets.importer import demo_records, import_demo_assets
    from rescomm.web.assets.models import AssetStatus, Service

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            records = demo_records()
            import_demo_assets(records=records)
            published = Service.objects.filter(asset_status=AssetStatus.PUBLISHED).count()
            assert published >= len(records) > 3000
            yield published
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def full(full_demo, db):
    return full_demo


def test_the_coverage_page_answers_for_every_local_authority(client, full):
    """Regression: every area answered 500 ("Expression tree is too large") on SQLite with
    the full demo: published assets were read with a prefetch over all of them."""
    assert len(CM_LOCAL_AUTHORITIES) == 9
    for code, name in CM_LOCAL_AUTHORITIES.items():
        response = client.get("/assets/coverage/", {"area": code})
        assert response.status_code == 200, (code, response.status_code)
        rows = {r["group"]: r for r in response.context["rows"]}
        assert rows["GP practice"]["areas"] > 0, code
        assert 0 < rows["GP practice"]["median_m"] < 5000, code
        assert name.encode() in response.content


def _export(tmp_path, suffix: str):
    from rescomm.cli.assets import assets

    out = tmp_path / f"assets{suffix}"
    result = CliRunner().invoke(assets, ["export", "--out", str(out)])
    return result, out


def test_export_writes_every_published_asset_as_oruk_json(tmp_path, full):
    """Regression: the export crashed with a traceback from 1,000 assets on SQLite."""
    result, out = _export(tmp_path, ".json")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{out}: {full} published assets"
    services = json.loads(out.read_text(encoding="utf-8"))
    assert len(services) == full
    assert len({s["id"] for s in services}) == full
    assert all(s["service_at_locations"] for s in services)
    assert [p.name for p in tmp_path.iterdir()] == ["assets.json"]  # no temporary file left


def test_export_writes_every_published_asset_as_csv(tmp_path, full):
    """Regression: the CSV export crashed and left a header-only file behind."""
    result, out = _export(tmp_path, ".csv")
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == full
    assert len({r["source_id"] for r in rows}) == full
    assert all(r["easting"] and r["northing"] for r in rows)  # every bundled asset is located
