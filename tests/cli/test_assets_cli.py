"""`rescomm assets import|coverage`: one importer, clear per-record errors, CSV/GeoJSON out."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.reference_data import requires, shared_data_dir

from rescomm.cli.assets import assets

SHARED_ASSETS = shared_data_dir() / "assets"
NORTH_LINCS = SHARED_ASSETS / "oruk_services_north_lincolnshire_2024-12.json.gz"
BRISTOL = SHARED_ASSETS / "oruk_services_bristol_2024-12.json.gz"
needs_oruk_exports = requires("assets/oruk_services_north_lincolnshire_2024-12.json.gz",
                              "assets/oruk_services_bristol_2024-12.json.gz")


def run(*args):
    return CliRunner().invoke(assets, [str(a) for a in args])


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


ROW = {"source_id": "csv:1", "name": "Garston Allotments", "category": "allotment",
       "capitals": "natural;social", "needs": "physical_activity", "postcode": "L1 8JQ",
       "opening_times": "SA 10:00-12:00", "source": "Council survey 2025",
       "licence": "OGL-UK-3.0"}


@pytest.mark.django_db
def test_import_csv_twice_creates_then_leaves_unchanged(tmp_path):
    from rescomm.web.assets.models import Service

    path = write_csv(tmp_path / "assets.csv", [ROW, {**ROW, "source_id": "csv:2",
                                                     "name": "Second"}])
    first = run("import", path)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "assets.csv: 2 created, 0 updated, 0 unchanged"
    second = run("import", path)
    assert second.output.strip() == "assets.csv: 0 created, 0 updated, 2 unchanged"
    service = Service.objects.get(source_id="csv:1")
    assert service.source == "Council survey 2025"
    assert service.schedules.get().byday == "SA"


@pytest.mark.django_db
def test_import_with_a_bad_row_lists_each_problem_and_imports_nothing(tmp_path):
    from rescomm.web.assets.models import Service

    bad = {**ROW, "source_id": "csv:bad", "email": "nope", "opening_times": "MO 17:00-09:00"}
    path = write_csv(tmp_path / "assets.csv", [{**ROW, "email": ""}, bad])
    result = run("import", path)
    assert result.exit_code == 2
    assert "record 2 (csv:bad): email: 'nope' is not a valid email address" in result.stderr
    assert "record 2 (csv:bad): opening_times: closes at 09:00" in result.stderr
    assert "2 problem(s) in assets.csv; nothing was imported" in result.stderr
    assert not Service.objects.filter(source_id__startswith="csv:").exists()


@pytest.mark.django_db
def test_malformed_json_is_one_clear_line(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{"contents": [ {"id": 1,', encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 2
    assert result.stderr.startswith("rescomm: error: feed.json is not valid JSON:")


@pytest.mark.django_db
def test_import_an_oruk_page_of_services(tmp_path):
    from rescomm.web.assets.models import Service

    page = {"total_items": 1, "contents": [{
        "id": "3f0c2a8e-6d49-4c53-9f19-0d9a3b0e0c11", "name": "Men's Shed", "status": "active",
        "description": "<p>Woodwork &amp; company</p>",
        "organization": {"id": "7d1f5c1e-1f6e-4a43-9a57-1f3d2c4b5a69", "name": "Shed Trust"},
        "service_at_locations": [{"location": {
            "latitude": 53.4, "longitude": -2.98,
            "addresses": [{"address_1": "2 Yard", "city": "Liverpool", "postal_code": "L1 8JQ"}],
        }}],
        "schedules": [{"byday": "WE", "opens_at": "10:00", "closes_at": "13:00"}],
    }]}
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    result = run("import", path)
    assert result.exit_code == 0, result.output
    service = Service.objects.get(source_id="oruk:3f0c2a8e-6d49-4c53-9f19-0d9a3b0e0c11")
    assert service.description == "Woodwork & company"
    assert service.organization.name == "Shed Trust"


@pytest.mark.django_db
@needs_oruk_exports
@pytest.mark.parametrize(("path", "problems"), [(NORTH_LINCS, 1), (BRISTOL, 9)])
def test_real_oruk_exports_with_bad_records_are_refused_whole(tmp_path, path, problems):
    """The real North Lincolnshire and Bristol exports hold a few invalid records (an e-mail
    ending in a dot, web addresses like 'https://http:www...', a service without a name):
    each is named, and nothing is imported."""
    from rescomm.web.assets.models import Service

    feed = tmp_path / "feed.json"
    feed.write_bytes(gzip.decompress(path.read_bytes()))
    before = Service.objects.count()
    result = run("import", feed)
    assert result.exit_code == 2
    assert f"{problems} problem(s) in feed.json; nothing was imported" in result.stderr
    assert Service.objects.count() == before


@pytest.mark.django_db
@needs_oruk_exports
@pytest.mark.parametrize(("path", "services", "problems"),
                         [(NORTH_LINCS, 738, 1), (BRISTOL, 819, 9)])
def test_skip_invalid_imports_the_valid_records_of_real_exports_and_reports_the_rest(
        tmp_path, path, services, problems):
    """--skip-invalid on the real exports: every valid service is imported, in one go; each
    invalid one is in the report with why, and is not in the database."""
    from rescomm.web.assets.models import Service

    feed = tmp_path / "feed.json"
    feed.write_bytes(gzip.decompress(path.read_bytes()))
    ids = [f"oruk:{s['id']}" for s in json.loads(feed.read_text(encoding="utf-8"))]
    assert len(ids) == services
    report = tmp_path / "skipped.csv"
    result = run("import", feed, "--skip-invalid", "--report", report)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert len(rows) == problems
    assert all(r["field"] and r["problem"] and int(r["record"]) >= 1 for r in rows)
    skipped = {int(r["record"]) - 1 for r in rows}
    imported = set(Service.objects.filter(source_id__startswith="oruk:")
                   .values_list("source_id", flat=True))
    kept = {ids[i] for i in range(services) if i not in skipped}
    assert imported == kept  # a repeated id keeps its first, valid record
    assert result.output.strip() == (
        f"feed.json: {len(kept)} created, 0 updated, 0 unchanged; {len(skipped)} invalid "
        f"record(s) skipped ({problems} problem(s), listed in {report})")
    again = run("import", feed, "--skip-invalid", "--report", report)
    assert f"0 created, 0 updated, {len(kept)} unchanged" in again.output


@pytest.mark.django_db
def test_skip_invalid_on_a_csv_names_each_skipped_record_and_its_problem(tmp_path,
                                                                         monkeypatch):
    from rescomm.web.assets.models import Service

    bad = {**ROW, "source_id": "csv:bad", "name": "Bad Hall", "email": "nope",
           "opening_times": "MO 17:00-09:00"}
    path = write_csv(tmp_path / "assets.csv", [{**ROW, "email": ""}, bad])
    monkeypatch.chdir(tmp_path)
    result = run("import", path, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated, 0 unchanged; 1 invalid record(s) skipped (2 problem(s), " \
           "listed in assets-skipped.csv)" in result.output
    rows = list(csv.DictReader((tmp_path / "assets-skipped.csv").open(encoding="utf-8")))
    assert [(r["record"], r["source_id"], r["name"], r["field"]) for r in rows] == [
        ("2", "csv:bad", "Bad Hall", "email"), ("2", "csv:bad", "Bad Hall", "opening_times")]
    assert rows[0]["problem"] == "'nope' is not a valid email address"
    assert set(Service.objects.filter(source_id__startswith="csv:")
               .values_list("source_id", flat=True)) == {"csv:1"}
    refused = run("import", path, "--report", tmp_path / "r.csv")
    assert refused.exit_code == 2 and "--report goes with --skip-invalid" in refused.stderr


@pytest.mark.parametrize("suffix", [".csv", ".geojson"])
def test_coverage_of_halton_from_the_bundled_data(tmp_path, suffix):
    out = tmp_path / f"coverage{suffix}"
    result = run("coverage", "--area", "E06000006", "--out", out)
    assert result.exit_code == 0, result.output
    assert "80 areas in E06000006" in result.output
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert len(rows) == 80 and "gp_practice_nearest_m" in rows[0]
    else:
        data = json.loads(out.read_text(encoding="utf-8"))
        assert len(data["features"]) == 80


@pytest.mark.django_db
def test_coverage_from_the_database_uses_published_assets(tmp_path):
    out = tmp_path / "coverage.csv"
    result = run("coverage", "--area", "E06000006", "--out", out, "--assets", "db",
                 "--group", "gp_practice", "--group", "social")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 80
    assert float(rows[0]["gp_practice_nearest_m"]) < 5000


def test_coverage_refuses_an_unknown_area_and_a_bad_output(tmp_path):
    result = run("coverage", "--area", "E09999999", "--out", tmp_path / "c.csv")
    assert result.exit_code == 2 and "no LSOAs for local authority 'E09999999'" in result.stderr
    result = run("coverage", "--area", "E06000006", "--out", tmp_path / "c.xlsx")
    assert result.exit_code == 2 and "--out must end in .csv or .geojson" in result.stderr


@pytest.mark.django_db
def test_review_reminders_dry_run_counts_and_sends_nothing(mailoutbox):
    from rescomm.web.assets.importer import import_assets

    import_assets([{**ROW, "source_id": "csv:due", "review_due": "2020-01-01",
                    "email": "owner@example.org"}], source="tests")
    result = run("review-reminders", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 due (1 overdue): would send 1 reminder(s)" in result.output
    assert mailoutbox == []
    result = run("review-reminders")
    assert "sent 1 reminder(s)" in result.output and len(mailoutbox) == 1


@pytest.mark.django_db
def test_review_reminders_escalate_overdue_reviews_to_moderators_once(mailoutbox):
    from tests.web.ladder import ladder_user

    from rescomm.web.assets.importer import import_assets

    import_assets([{**ROW, "source_id": "csv:late", "review_due": "2020-01-01"}],
                  source="tests")
    quiet = run("review-reminders")
    assert "1 overdue asset(s) not escalated: no active moderator has an e-mail address" \
        in quiet.output
    moderator = ladder_user("moderator")
    moderator.email = "mod@example.org"
    moderator.save()
    dry = run("review-reminders", "--dry-run")
    assert "would escalate 1 overdue asset(s) to 1 moderator(s)" in dry.output
    assert mailoutbox == []
    first = run("review-reminders", "--escalate-after", "30")
    assert first.exit_code == 0, first.output
    assert "escalated 1 overdue asset(s) to 1 moderator(s); 0 escalated before" in first.output
    assert "sent 0 delayed decision e-mail(s)" in first.output
    second = run("review-reminders")
    assert "escalated 0 overdue asset(s) to 1 moderator(s); 1 escalated before" in second.output
    assert [m.to for m in mailoutbox] == [["mod@example.org"]]


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_export_then_import_round_trips_without_duplicates(tmp_path, suffix):
    from rescomm.web.assets.models import Service

    run("import", write_csv(tmp_path / "in.csv", [ROW]))
    out = tmp_path / f"export{suffix}"
    result = run("export", "--out", out)
    assert result.exit_code == 0, result.output
    published = Service.objects.filter(asset_status="published").count()
    assert f"{published} published assets" in result.output
    if suffix == ".csv":
        again = run("import", out)
        assert again.exit_code == 0, again.stderr
        # the same records: nothing created (no duplicates), nothing even updated
        assert again.output.strip() == f"export.csv: 0 created, 0 updated, {published} unchanged"
        assert Service.objects.filter(asset_status="published").count() == published
    else:
        data = json.loads(out.read_text(encoding="utf-8"))
        mine = next(s for s in data if s["name"] == ROW["name"])
        assert mine["schedules"][0]["byday"] == "SA"


def test_review_reminders_help_mentions_hiding():
    assert "--hide-after" in run("review-reminders", "--help").output


@pytest.mark.django_db
def test_documents_check_finds_stale_ones_and_the_default_builds_missing_ones(tmp_path):
    from rescomm.web.assets.models import Phone, Service

    path = write_csv(tmp_path / "assets.csv", [{**ROW, "phone": "0151 000 0000"}])
    assert run("import", path).exit_code == 0
    service = Service.objects.get(source_id="csv:1")
    fresh = run("documents", "--check")
    assert fresh.exit_code == 0, fresh.output
    assert fresh.output.strip().endswith("0 asset(s) with stale stored documents")
    Phone.objects.filter(service=service).update(number="0000")  # behind the writers' back
    stale = run("documents", "--check")
    assert stale.exit_code == 1
    assert f"stale: {service.id}" in stale.output
    assert run("documents", "--rebuild").exit_code == 0
    assert run("documents", "--check").exit_code == 0
    Service.objects.filter(pk=service.pk).update(oruk_document="")
    built = run("documents")
    assert built.output.strip() == "1 asset(s) written"
    assert run("documents", "--check").exit_code == 0
    both = run("documents", "--check", "--rebuild")
    assert both.exit_code == 2 and "not both" in both.output


def write_cp1252_csv(path: Path) -> Path:
    write_csv(path, [{**ROW, "name": "Café in the Park"}])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    return path


@pytest.mark.django_db
def test_a_csv_that_is_not_utf8_is_one_line_naming_the_line_and_the_fix(tmp_path):
    from rescomm.web.assets.models import Service

    result = run("import", write_cp1252_csv(tmp_path / "excel.csv"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert ("excel.csv is not UTF-8 text (line 2: byte 0xe9 at offset" in result.output
            and "--encoding cp1252" in result.output)
    assert not Service.objects.filter(source_id="csv:1").exists()


@pytest.mark.django_db
def test_encoding_reads_a_csv_saved_by_excel(tmp_path):
    from rescomm.web.assets.models import Service

    result = run("import", "--encoding", "cp1252", write_cp1252_csv(tmp_path / "excel.csv"))
    assert result.exit_code == 0, result.output
    assert Service.objects.get(source_id="csv:1").name == "Café in the Park"


@pytest.mark.parametrize(("args", "message"), [
    ((), "bad.json is not UTF-8 text (line 1: byte 0xe9 at offset 19); save it as UTF-8 "
         "(JSON is always UTF-8)"),
    (("--encoding", "cp1252"), "bad.json: JSON is always UTF-8; the encoding is for CSV files"),
    (("--encoding", "klingon"), "--encoding klingon: not an encoding Python knows"),
])
@pytest.mark.django_db
def test_json_must_be_utf8_and_an_unknown_encoding_is_named(tmp_path, args, message):
    path = tmp_path / "bad.json"
    path.write_bytes('[{"source_id": "Caf\xe9"}]'.encode("cp1252"))
    result = run("import", *args, path)
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_a_failed_export_leaves_no_partial_file_and_keeps_the_previous_one(
        tmp_path, monkeypatch, suffix):
    """Regression: a crash half way left a header-only CSV behind. The export writes a
    temporary file and renames it only when complete."""
    from django.db import DatabaseError

    from rescomm.web.assets import documents, export

    run("import", write_csv(tmp_path / "in.csv", [ROW, {**ROW, "source_id": "csv:2"}]))
    out = tmp_path / f"export{suffix}"
    out.write_text("previous export\n", encoding="utf-8")
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk I/O error")
        return real(*args, **kwargs)

    if suffix == ".csv":
        real = export.csv_row
        monkeypatch.setattr(export, "csv_row", fail_on_second)
    else:  # documents are stored; make every one missing so that each is built (and fails)
        from rescomm.web.assets.models import Service

        Service.objects.update(oruk_document="")
        real = documents.dumps
        monkeypatch.setattr(documents, "dumps", fail_on_second)
    result = run("export", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"rescomm: error: could not read the assets from the "
                                     f"database (disk I/O error); {out} was not written")
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export" + suffix, "in.csv"]


def test_export_into_a_missing_folder_is_one_clear_line(tmp_path):
    result = run("export", "--out", tmp_path / "nowhere" / "assets.csv")
    assert result.exit_code == 2
    assert "folder" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "nowhere").exists()
