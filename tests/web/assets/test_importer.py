"""The importer: validation per record and field, idempotence, all-or-nothing."""

from __future__ import annotations

import pytest

from rescomm.web.assets.importer import ImportFailed, import_assets
from rescomm.web.assets.models import AssetStatus, Service, ServiceAtLocation, Version

from .conftest import record


def test_demo_load_imported_the_bundled_assets_of_the_test_areas(db):
    services = Service.objects.filter(source_id__startswith="ods:")
    assert services.exists()
    gp = services.first()
    assert gp.asset_status == AssetStatus.PUBLISHED
    assert gp.licence == "OGL-UK-3.0"
    assert "NHS England" in gp.source
    assert {t.code for t in gp.terms.all()} >= {"human", "built"}
    location = gp.service_at_locations.get().location
    assert location.lad_code in ("E06000006", "E08000012")
    assert location.easting and location.latitude


def test_reimporting_the_same_records_changes_nothing(db):
    import_assets([record("t:1"), record("t:2", name="Other")], source="tests")
    result = import_assets([record("t:1"), record("t:2", name="Other")], source="tests")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert Service.objects.filter(source_id__in=["t:1", "t:2"]).count() == 2
    assert Version.objects.filter(service__source_id="t:1").count() == 1


def test_reimporting_a_changed_record_updates_it_and_adds_a_version(db):
    import_assets([record("t:1")], source="tests")
    result = import_assets([record("t:1", name="Renamed centre", needs="")], source="tests")
    assert (result.created, result.updated) == (0, 1)
    service = Service.objects.get(source_id="t:1")
    assert service.name == "Renamed centre"
    assert not service.terms_of("social_prescribing_needs")
    assert ServiceAtLocation.objects.filter(service=service).count() == 1
    assert [v.action for v in service.versions.all()] == ["import_update", "import"]


def test_postcode_fills_coordinates_and_areas(db):
    import_assets([record("t:1")], source="tests")
    location = Service.objects.get(source_id="t:1").service_at_locations.get().location
    assert location.lsoa21_code == "E01033756"
    assert location.lad_code == "E08000012"
    assert 53.3 < location.latitude < 53.5 and 330_000 < location.easting < 360_000


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"postcode": "NOT A POSTCODE"}, "postcode", "is not a UK postcode"),
        ({"opening_times": "MO 18:00-09:00"}, "opening_times", "not after it opens"),
        ({"opening_times": "MO 25:00-26:00"}, "opening_times", "impossible time"),
        ({"opening_times": "XX 09:00-10:00"}, "opening_times", "unknown day 'XX'"),
        ({"url": "javascript:alert(1)"}, "url", "is not a valid web address"),
        ({"email": "not-an-email"}, "email", "is not a valid email address"),
        ({"capitals": "social;magic"}, "capitals", "unknown code(s) magic"),
        ({"needs": "flying"}, "needs", "unknown code(s) flying"),
        ({"asset_status": "live"}, "asset_status", "choose from"),
        ({"name": ""}, "name", "is required"),
        ({"latitude": 95, "longitude": 0}, "latitude", "is outside"),
        ({"minimum_age": 30, "maximum_age": 10}, "maximum_age", "below the minimum"),
        ({"colour": "red"}, "record", "unknown field(s) colour"),
    ],
)
def test_bad_record_is_refused_with_a_message_per_field_and_nothing_written(
    db, fields, field, message
):
    before = Service.objects.count()
    with pytest.raises(ImportFailed) as failed:
        import_assets([record("t:ok"), record("t:bad", **fields)], source="tests")
    errors = failed.value.errors
    assert [(e.index, e.source_id, e.field) for e in errors] == [(1, "t:bad", field)]
    assert message in errors[0].message
    assert "record 2 (t:bad)" in str(failed.value)
    assert Service.objects.count() == before


def test_duplicate_source_ids_in_one_file_are_refused(db):
    with pytest.raises(ImportFailed, match="repeats record 1"):
        import_assets([record("t:1"), record("t:1")], source="tests")


def test_skip_invalid_imports_the_valid_records_and_returns_the_problems_of_the_rest(db):
    batch = [record("t:1"), record("t:2", email="nope", url="javascript:alert(1)"),
             record("t:3"), record("t:1", name="Repeat"), "not a record"]
    with pytest.raises(ImportFailed):
        import_assets(batch, source="tests")
    assert not Service.objects.filter(source_id__startswith="t:").exists()
    result = import_assets(batch, source="tests", skip_invalid=True)
    assert (result.created, result.skipped_records) == (2, 3)
    assert [(e.index, e.field) for e in result.skipped] == [
        (1, "url"), (1, "email"), (3, "source_id"), (4, "record")]
    assert Service.objects.get(source_id="t:1").name == "Kensington Community Centre"
    assert sorted(Service.objects.filter(source_id__startswith="t:")
                  .values_list("source_id", flat=True)) == ["t:1", "t:3"]


@pytest.mark.django_db(transaction=True)
def test_skip_invalid_still_writes_in_one_transaction(demo_data, monkeypatch):
    from rescomm.web.assets import importer

    real = importer._create_new

    def failing(new, **kwargs):
        real(new[:1], **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_create_new", failing)
    before = Service.objects.count()
    with pytest.raises(RuntimeError, match="disk full"):
        import_assets([record("t:1"), record("t:2", email="nope"), record("t:3")],
                      source="tests", skip_invalid=True)
    assert Service.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_part_way_through_writing_changes_nothing(demo_data, monkeypatch):
    from rescomm.web.assets import importer

    import_assets([record("t:1")], source="tests")
    real = importer._create_new

    def failing(new, **kwargs):
        real(new[:1], **kwargs)  # the first new asset is written, then the disk fills up
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_create_new", failing)
    batch = [record("t:1", name="Changed"), record("t:2"), record("t:3"), record("t:4")]
    before = Service.objects.count()
    with pytest.raises(RuntimeError, match="disk full"):
        import_assets(batch, source="tests")
    assert Service.objects.count() == before
    assert Service.objects.get(source_id="t:1").name == "Kensington Community Centre"
    assert not Service.objects.filter(source_id="t:2").exists()
