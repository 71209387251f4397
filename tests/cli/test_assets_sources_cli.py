"""`rescomm assets import --map/--dry-run/--format charity-register` and `rescomm assets sync`
with the hand-written test fixtures of tests/web/assets/fixtures (not real data; no network)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rescomm.cli.assets import assets

FIXTURES = Path(__file__).parents[1] / "web" / "assets" / "fixtures"
MAP = "name=Organisation,description=What we do,postcode=Postcode,email=Contact e-mail"


def run(*args):
    return CliRunner().invoke(assets, [str(a) for a in args])


@pytest.mark.django_db
def test_dry_run_shows_counts_first_records_and_problems_by_row_and_column():
    from rescomm.web.assets.models import Service

    before = Service.objects.count()
    result = run("import", FIXTURES / "vcs_directory.csv", "--map", MAP, "--map",
                 "source_id=Ref", "--set", "category=community_group", "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "columns not imported: Website, Ward, Notes" in out
    assert ("vcs_directory.csv: 5 record(s): would create 3, update 0, leave 0 unchanged; "
            "2 invalid") in out
    assert "  1. source_id: G-001; name: Test Fixture Lunch Club;" in out
    assert ("problem: row 4 (line 5): column 'Postcode' (postcode): 'XX9 9XX9' is not a UK "
            "postcode") in out
    assert ("problem: row 5 (line 6): column 'Contact e-mail' (email): 'not-an-address' is not "
            "a valid email address") in out
    assert "nothing was written (--dry-run)" in out
    assert Service.objects.count() == before


@pytest.mark.django_db
def test_mapped_import_is_all_or_nothing_or_skips_invalid_with_a_report(tmp_path):
    from rescomm.web.assets.models import Service

    path = FIXTURES / "vcs_directory.csv"
    refused = run("import", path, "--map", MAP)
    assert refused.exit_code == 2
    assert "row 4 (line 5): column 'Postcode' (postcode)" in refused.stderr
    assert not Service.objects.filter(source_id__startswith="csv:").exists()
    report = tmp_path / "skipped.csv"
    done = run("import", path, "--map", MAP, "--set", "category=community_group",
               "--skip-invalid", "--report", report)
    assert done.exit_code == 0, done.output
    assert "3 created, 0 updated, 0 unchanged; 2 invalid record(s) skipped" in done.output
    assert "Test Fixture Bad E-mail Group" in report.read_text()
    lunch = Service.objects.get(name="Test Fixture Lunch Club")
    assert lunch.category == "community_group" and lunch.source_id.startswith("csv:")
    again = run("import", path, "--map", MAP, "--set", "category=community_group",
                "--skip-invalid", "--report", report)
    assert "0 created, 0 updated, 3 unchanged" in again.output


def test_mapping_mistakes_are_one_clear_line():
    path = FIXTURES / "vcs_directory.csv"
    result = run("import", path, "--map", "name=Group")
    assert result.exit_code == 2
    assert "column(s) 'Group' not in the file; its columns are: 'Ref', 'Organisation'" in (
        result.stderr)
    assert "'title' is not a field" in run("import", path, "--map", "title=Ref").stderr
    assert "--set goes with --map" in run("import", path, "--set", "category=x").stderr


@pytest.mark.django_db
def test_charity_register_import_is_recognised_by_name_and_filtered_to_the_area(tmp_path):
    from rescomm.web.assets.models import Service

    result = run("import", FIXTURES / "publicextract.charity.txt", "--area", "E08000012")
    assert result.exit_code == 0, result.output
    assert ("publicextract.charity.txt: 7 charities read; 2 registered in the area; left out: "
            "1 removed, 1 linked (subsidiary) entries, 2 outside the area, 1 without a postcode"
            ) in result.output
    assert "2 created" in result.output
    assert Service.objects.get(source_id="ccew:9990002").name == "Test Fixture Men's Shed CIO"
    bad = run("import", FIXTURES / "publicextract.charity.txt", "--area", "E09000001")
    assert bad.exit_code == 2 and "not a local authority of the bundled postcodes" in bad.stderr
    renamed = tmp_path / "charities.txt"
    shutil.copy(FIXTURES / "publicextract.charity.txt", renamed)
    dry = run("import", renamed, "--format", "charity-register", "--dry-run")
    assert "would create 1, update 0, leave 2 unchanged" in dry.output


@pytest.mark.django_db
def test_sync_from_a_saved_feed_file_then_again_changes_nothing(tmp_path):
    import json

    page1 = json.loads((FIXTURES / "oruk_page1.json").read_text())
    page2 = json.loads((FIXTURES / "oruk_page2.json").read_text())
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(page1["contents"] + page2["contents"]))
    first = run("sync", feed, "--source", "Fixture feed")
    assert first.exit_code == 0, first.output
    assert ("Fixture feed: 3 service(s) in the feed: created 3, updated 0, 0 unchanged, hid 0 "
            "no longer in the feed; 0 invalid left out") in first.output
    second = run("sync", feed, "--source", "Fixture feed")
    assert "created 0, updated 0, 3 unchanged, hid 0" in second.output
    feed.write_text(json.dumps(page1["contents"]))
    dry = run("sync", feed, "--source", "Fixture feed", "--dry-run")
    assert "would hide 1 no longer in the feed" in dry.output
    refused = run("sync", feed, "--source", "Fixture feed", "--max-hide", "10")
    assert refused.exit_code == 2 and "--max-hide 33" in refused.stderr
    done = run("sync", feed, "--source", "Fixture feed")
    assert "hid 1 no longer in the feed" in done.output


def test_sync_of_a_missing_file_is_one_clear_line():
    result = run("sync", "no-such-feed.json", "--source", "X")
    assert result.exit_code == 2
    assert "neither an http(s) address nor a file" in result.stderr
