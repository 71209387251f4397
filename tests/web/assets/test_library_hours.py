"""Library opening times in the demo load: ``load_demo(library_hours=FILE)`` stores each
matched library's staffed hours as ``Schedule`` rows, once, and the asset page shows them.

Hand-checked hours from the staged Libraries Hacked file are in
``tests/data/test_library_hours.py``; the tests reading that file skip where it is absent.
The small file written in ``tmp_path`` is invented test input: real library names and postcodes
from the bundle (so that they match), made-up hours.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.libraries_hacked_file import write_hours
from tests.reference_data import reference_file

from rescomm.cli import cli
from rescomm.web.areas import services
from rescomm.web.areas.models import DataLoad
from rescomm.web.assets.models import Schedule, Service

from ..factories import HALTON, LIVERPOOL


@pytest.fixture
def invented_hours(tmp_path) -> Path:
    return write_hours(tmp_path / "libraries.csv", [
        {"Library name": "Central Library", "Postcode": "L3 8EW",
         "Monday staffed hours": "10:00-12:00,13:00-15:00", "Tuesday staffed hours": "10:00-12:00",
         "Saturday staffed hours": "09:00-12:30"},
        {"Library name": "Halton Lea", "Postcode": "WA7 2PF",
         "Sunday staffed hours": "11:00-24:00"},
    ])


@pytest.fixture
def real_hours() -> Path:
    return reference_file("assets/libraries_uk_librarieshacked_schema.csv")


def times_of(name: str, postcode: str) -> list[tuple[str, time, time]]:
    service = Service.objects.get(
        name=name, category="library",
        service_at_locations__location__addresses__postal_code=postcode)
    return sorted(((s.byday, s.opens_at, s.closes_at) for s in service.schedules.all()),
                  key=lambda t: (Schedule.DAYS.index(t[0][:2]), t[1]))


@pytest.mark.django_db
def test_demo_load_with_hours_creates_each_librarys_schedules_once(invented_hours):
    assert not Schedule.objects.filter(service__category="library").exists()
    first = services.load_demo(lads=[HALTON, LIVERPOOL], library_hours=invented_hours)
    assert first.loaded is True
    assert times_of("Central Library", "L3 8EW") == [
        ("MO,TU", time(10), time(12)), ("MO", time(13), time(15)),
        ("SA", time(9), time(12, 30))]
    assert times_of("Halton Lea", "WA7 2PF") == [("SU", time(11), time(23, 59))]
    count = Schedule.objects.count()

    again = services.load_demo(lads=[HALTON, LIVERPOOL], library_hours=invented_hours)
    assert again.loaded is False and again.checksum == first.checksum
    forced = services.load_demo(lads=[HALTON, LIVERPOOL], library_hours=invented_hours,
                                force=True)
    assert forced.loaded is True and Schedule.objects.count() == count
    assert Service.objects.get(name="Halton Lea").versions.count() == 2  # load + hours, once

    without = services.load_demo(lads=[HALTON, LIVERPOOL])
    assert without.loaded is True and without.checksum != first.checksum
    assert not Schedule.objects.filter(service__category="library").exists()


@pytest.mark.django_db
def test_the_asset_page_lists_a_librarys_times_monday_first(client, invented_hours):
    services.load_demo(lads=[HALTON, LIVERPOOL], library_hours=invented_hours)
    service = Service.objects.get(name="Central Library", category="library")
    html = client.get(f"/assets/{service.id}/").content.decode()
    shown = [html.index(text) for text in ("Monday, Tuesday: 10:00 to 12:00",
                                           "Monday: 13:00 to 15:00", "Saturday: 09:00 to 12:30")]
    assert shown == sorted(shown)
    assert "We do not know the opening times" not in html


@pytest.mark.django_db
def test_an_unreadable_hours_file_is_a_command_error_and_changes_nothing(tmp_path):
    bad = write_hours(tmp_path / "bad.csv", [
        {"Library name": "Central Library", "Postcode": "L3 8EW",
         "Wednesday staffed hours": "10:00-09:00"}])
    before = DataLoad.objects.get().checksum
    with pytest.raises(CommandError, match=r"line 2 \('Central Library'\), column 'Wednesday "
                       r"staffed hours': cannot read '10:00-09:00'"):
        call_command("load_demo", "--lad", HALTON, "--lad", LIVERPOOL, "--no-index",
                     "--library-hours", str(bad))
    assert DataLoad.objects.get().checksum == before
    with pytest.raises(CommandError, match="not found"):
        call_command("load_demo", "--no-index", "--library-hours", str(tmp_path / "no.csv"))


@pytest.mark.django_db
def test_rescomm_load_demo_reports_a_bad_hours_file_in_one_line_with_status_2(tmp_path):
    bad = write_hours(tmp_path / "bad.csv", [
        {"Library name": "Halton Lea", "Postcode": "WA7 2PF", "Monday staffed hours": "9-5"}])
    result = CliRunner().invoke(cli, ["load-demo", "--library-hours", str(bad)])
    assert result.exit_code == 2, result.output
    assert "rescomm: error: " in result.output
    assert "line 2 ('Halton Lea'), column 'Monday staffed hours': cannot read '9-5'" in (
        result.output)


@pytest.mark.django_db
def test_demo_load_with_the_real_file_gives_liverpool_and_halton_libraries_their_hours(
        real_hours):
    from rescomm.data import load_assets

    services.load_demo(lads=[HALTON, LIVERPOOL], library_hours=real_hours)
    # file line 2002 (Liverpool Central Library) and 1419 (Halton Lea), read by eye
    assert times_of("Central Library", "L3 8EW") == [
        ("MO,TU,WE,TH,FR", time(9), time(20)), ("SA", time(9), time(17)),
        ("SU", time(10), time(17))]
    assert times_of("Halton Lea", "WA7 2PF") == [
        ("MO,WE,FR", time(10), time(17)), ("TU,TH", time(9), time(19)),
        ("SA", time(10), time(14, 30))]
    assets = load_assets(library_hours=real_hours)
    here = assets[assets["lad_code"].isin([HALTON, LIVERPOOL]) & assets["opening_times"].notna()]
    timed = Service.objects.filter(category="library", schedules__isnull=False).distinct()
    assert timed.count() == len(here) > 20
