"""``load_demo_indicators`` (what ``rescomm load-demo`` runs): one release per bundled series,
nothing written the second time."""

from __future__ import annotations

import pytest

from rescomm.web.profiles.models import Indicator, IndicatorValue, Release
from rescomm.web.profiles.public import load_demo_indicators

pytestmark = pytest.mark.django_db


def test_the_demo_loads_each_bundled_series_once():
    lines = []
    first = load_demo_indicators(progress=lines.append)
    assert [o.created for o in first] == [True, True, True]
    assert [r.file_name for r in Release.objects.order_by("pk")] == [
        "timeseries_fingertips_next_cm.csv.gz", "timeseries_ons_els_cm.csv.gz",
        "timeseries_sape_lsoa11_cm.csv.gz"]
    assert IndicatorValue.objects.count() == sum(o.release.row_count for o in first)
    assert Indicator.objects.get(indicator_id="ons-sape:population-lsoa11").source.startswith(
        "Office for National Statistics")
    assert any("loaded as release" in line for line in lines)
    again = load_demo_indicators()
    assert [o.created for o in again] == [False, False, False]
    assert [o.release for o in again] == [o.release for o in first]
    assert Release.objects.count() == 3


def test_a_release_of_the_same_content_loaded_by_hand_is_found_by_its_content(
        fingertips_next_table):
    from rescomm.web.profiles import store

    mine = store.load_table(fingertips_next_table, source="by hand").release
    outcomes = load_demo_indicators()
    assert [o.created for o in outcomes] == [False, True, True]
    assert outcomes[0].release == mine
