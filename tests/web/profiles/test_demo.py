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
    assert Release.objects.count() == 3
