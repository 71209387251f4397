"""Loading a VCS directory: CSV with a column mapping, ORUK feed sync, Charity Commission
register extract. The files in ``fixtures/`` are hand-written test fixtures in the official
layouts (see ``fixtures/README.md``), not real data; no network is used."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from rescomm.web.assets.files import read_records
from rescomm.web.assets.sources import (
    SourceProblem,
    SyncRefused,
    apply_mapping,
    charity_register_records,
    fetch_oruk,
    parse_mapping,
    preview,
    read_mapping_file,
    sync_feed,
)

FIXTURES = Path(__file__).parent / "fixtures"
CHARITIES = FIXTURES / "publicextract.charity.txt"
CSV_FILE = FIXTURES / "vcs_directory.csv"
MAPPING = "name=Organisation,description=What we do,postcode=Postcode,email=Contact e-mail"
LIVERPOOL, HALTON = "E08000012", "E06000006"


# Column mapping --------------------------------------------------------------------------------

def test_parse_mapping_reads_pairs_and_refuses_unknown_fields():
    assert parse_mapping(["name=Organisation,postcode=Postcode", "url=Website"]) == {
        "name": "Organisation", "postcode": "Postcode", "url": "Website"}
    with pytest.raises(SourceProblem, match="'title' is not a field the importer knows"):
        parse_mapping(["title=Organisation"])
    with pytest.raises(SourceProblem, match="write FIELD=COLUMN"):
        parse_mapping(["Organisation"])
    with pytest.raises(SourceProblem, match="name is mapped twice"):
        parse_mapping(["name=A", "name=B"])


def test_a_mapped_column_missing_from_the_file_names_the_columns_it_has():
    rows = read_records(CSV_FILE)
    with pytest.raises(SourceProblem, match=r"column\(s\) 'Group name' not in the file; its "
                                            r"columns are: 'Ref', 'Organisation'"):
        apply_mapping(rows, {"name": "Group name"}, source="council.csv")


def test_mapping_files_in_json_and_csv(tmp_path):
    (tmp_path / "m.json").write_text('{"name": "Organisation", "postcode": "Postcode"}')
    (tmp_path / "m.csv").write_text("field,column\nname,Organisation\npostcode,Postcode\n")
    expected = {"name": "Organisation", "postcode": "Postcode"}
    assert read_mapping_file(tmp_path / "m.json") == expected
    assert read_mapping_file(tmp_path / "m.csv") == expected
    (tmp_path / "bad.csv").write_text("from,to\nname,Organisation\n")
    with pytest.raises(SourceProblem, match="header must be 'field,column'"):
        read_mapping_file(tmp_path / "bad.csv")


def test_without_an_id_column_ids_come_from_name_and_postcode_and_are_stable():
    rows = read_records(CSV_FILE)
    first = apply_mapping(rows, parse_mapping([MAPPING]), source="Council groups 2025")
    again = apply_mapping(rows, parse_mapping([MAPPING]), source="Council groups 2025")
    assert first.generated_ids
    assert [r["source_id"] for r in first.records] == [r["source_id"] for r in again.records]
    assert first.records[0]["source_id"].startswith("csv:council-groups-2025:")
    assert len({r["source_id"] for r in first.records}) == 5
    assert first.unmapped == ["Ref", "Website", "Ward", "Notes"]


@pytest.mark.django_db
def test_preview_counts_shows_first_records_and_every_problem_without_writing():
    from rescomm.web.assets.models import Service

    mapped = apply_mapping(read_records(CSV_FILE), parse_mapping([MAPPING, "source_id=Ref"]),
                           source="council.csv")
    before = Service.objects.count()
    p = preview(mapped.records, source="council.csv", show=2)
    assert (p.total, p.create, p.update, p.unchanged, p.invalid_records) == (5, 3, 0, 0, 2)
    assert [r["name"] for r in p.first] == ["Test Fixture Lunch Club",
                                            "Test Fixture Carers Circle"]
    assert p.first[0]["postcode"] == "L8 5UD"
    assert {(e.index, e.field) for e in p.errors} == {(3, "postcode"), (4, "email")}
    assert Service.objects.count() == before


# Charity Commission register -----------------------------------------------------------------

def test_charity_register_keeps_registered_main_charities_in_the_area():
    records, stats = charity_register_records(CHARITIES)
    assert (stats.rows, stats.kept, stats.removed, stats.linked, stats.outside_area,
            stats.no_postcode) == (7, 3, 1, 1, 1, 1)
    by_id = {r["source_id"]: r for r in records}
    assert set(by_id) == {"ccew:9990001", "ccew:9990002", "ccew:9990003"}
    cafe = by_id["ccew:9990001"]
    assert cafe["name"] == "Test Fixture Bereavement Cafe"
    assert cafe["postcode"] == "L8 5UD" and cafe["email"].endswith("example.org")
    assert cafe["category"] == "charity" and cafe["asset_kind"] == "group"
    assert cafe["hide_exact_location"] is True
    assert cafe["description"] == ("A weekly drop-in cafe for people who have lost someone "
                                   "close to them.")  # written in capitals in the file
    assert cafe["source"].endswith("(2025-11-30)")
    assert by_id["ccew:9990003"]["postcode"] == "WA7 4QY"  # "wa74qy" in the file


def test_charity_register_filters_by_local_authority_of_the_postcode():
    records, stats = charity_register_records(CHARITIES, lads=[HALTON])
    assert [r["source_id"] for r in records] == ["ccew:9990003"]
    assert stats.outside_area == 3


def test_charity_register_reads_the_zip_and_json_forms(tmp_path):
    archive = tmp_path / "publicextract.charity.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(CHARITIES, "publicextract.charity.txt")
    assert len(charity_register_records(archive)[0]) == 3
    import csv

    with CHARITIES.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    path = tmp_path / "publicextract.charity.json"
    path.write_text(json.dumps(rows), encoding="utf-8-sig")
    assert len(charity_register_records(path)[0]) == 3


def test_a_file_in_another_layout_is_refused_naming_the_missing_columns(tmp_path):
    path = tmp_path / "publicextract.charity.txt"
    path.write_text("name\tpostcode\nA\tL8 5UD\n", encoding="utf-8")
    with pytest.raises(SourceProblem, match="not the Charity Commission register layout: "
                                            "column.s. registered_charity_number"):
        charity_register_records(path)


@pytest.mark.django_db
def test_imported_charities_are_listed_without_an_address_or_position():
    from rescomm.web.assets.importer import import_assets
    from rescomm.web.assets.models import Service

    records, _ = charity_register_records(CHARITIES, lads=[LIVERPOOL])
    result = import_assets(records, source="register")
    assert result.created == 2
    cafe = Service.objects.get(source_id="ccew:9990001")
    assert cafe.hide_exact_location and cafe.organization.name == cafe.name
    sal = cafe.service_at_locations.get()
    assert sal.search_easting is None  # never in a distance search
    assert sal.location.lad_code == LIVERPOOL  # listed in its local authority
    assert import_assets(records, source="register").unchanged == 2


# ORUK feed -------------------------------------------------------------------------------------

def _opener(pages: dict[str, Path], calls: list[str]):
    def fetch(url, timeout):
        calls.append(url)
        return pages[url].read_bytes()
    return fetch


FEED = "https://directory.example.org/api/services?per_page=2"
PAGES = {FEED: FIXTURES / "oruk_page1.json",
         "https://directory.example.org/api/services?per_page=2&page=2":
             FIXTURES / "oruk_page2.json"}


def test_fetch_oruk_follows_every_page():
    calls: list[str] = []
    records = fetch_oruk(FEED, opener=_opener(PAGES, calls))
    assert calls == list(PAGES)
    assert [r["name"] for r in records] == ["Test Fixture Knit and Natter",
                                            "Test Fixture Community Choir",
                                            "Test Fixture Parkrun Volunteers"]
    assert records[0]["source_id"] == "oruk:7e1f0000-0000-4000-8000-000000000001"
    assert records[0]["opening_times"] == "WE 14:00-16:00"
    assert records[0]["postcode"] == "L8 5UD"


def test_fetch_oruk_reports_a_feed_that_is_not_json_or_not_reachable():
    with pytest.raises(SourceProblem, match="did not answer JSON"):
        fetch_oruk(FEED, opener=lambda url, timeout: b"<html>maintenance</html>")

    def down(url, timeout):
        raise OSError("connection refused")
    with pytest.raises(SourceProblem, match="could not read https://directory.example.org"):
        fetch_oruk(FEED, opener=down)
    with pytest.raises(SourceProblem, match="neither an http"):
        fetch_oruk("/nonexistent/feed.json")


def _feed(*names: str) -> list[dict]:
    calls: list[str] = []
    records = fetch_oruk(FEED, opener=_opener(PAGES, calls))
    return [r for r in records if r["name"] in names] if names else records


@pytest.mark.django_db
def test_sync_creates_then_changes_nothing_then_hides_what_vanished_and_brings_it_back():
    from rescomm.web.assets.models import Service, Version

    source = "Test fixture directory"
    first = sync_feed(_feed(), source=source)
    assert (first.created, first.updated, first.unchanged, first.hidden) == (3, 0, 0, [])
    again = sync_feed(_feed(), source=source)
    assert (again.created, again.updated, again.unchanged, again.hidden) == (0, 0, 3, [])
    choir_id = "oruk:7e1f0000-0000-4000-8000-000000000002"
    without_choir = [r for r in _feed() if r["source_id"] != choir_id]
    gone = sync_feed(without_choir, source=source)
    assert gone.hidden == [choir_id]
    choir = Service.objects.get(source_id=choir_id)
    assert choir.asset_status == "hidden"
    assert Version.objects.filter(service=choir, action="status_hidden").exists()
    assert sync_feed(without_choir, source=source).hidden == []  # idempotent
    back = sync_feed(_feed(), source=source)
    assert back.updated == 1
    assert Service.objects.get(source_id=choir_id).asset_status == "published"


@pytest.mark.django_db
def test_sync_refuses_an_empty_feed_or_one_that_lost_most_of_its_services():
    from rescomm.web.assets.models import Service

    source = "Test fixture directory"
    sync_feed(_feed(), source=source)
    with pytest.raises(SyncRefused, match="the feed has no services"):
        sync_feed([], source=source)
    one = _feed("Test Fixture Knit and Natter")
    with pytest.raises(SyncRefused, match="2 of the feed's 3 published assets"):
        sync_feed(one, source=source)
    assert Service.objects.filter(source=source, asset_status="published").count() == 3
    assert len(sync_feed(one, source=source, max_hide_share=1.0).hidden) == 2


@pytest.mark.django_db
def test_sync_leaves_other_feeds_and_other_sources_alone():
    from rescomm.web.assets.models import Service

    sync_feed(_feed(), source="Directory A")
    sync_feed(_feed("Test Fixture Knit and Natter"), source="Directory A", max_hide_share=1.0)
    # the bundled demo assets (another source) are untouched
    assert not Service.objects.exclude(source="Directory A").filter(
        asset_status="hidden", versions__reason__contains="ORUK feed").exists()


@pytest.mark.django_db
def test_sync_dry_run_counts_and_writes_nothing():
    from rescomm.web.assets.models import Service

    result = sync_feed(_feed(), source="Dry", dry_run=True)
    assert (result.created, result.dry_run) == (3, True)
    assert not Service.objects.filter(source="Dry").exists()
