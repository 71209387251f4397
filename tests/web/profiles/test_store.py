"""The indicator store: releases are content-addressed, all or nothing, and comparable."""

from __future__ import annotations

import copy

import pytest
from django.db import IntegrityError

from rescomm.indicators import diff_values
from rescomm.web.profiles import store
from rescomm.web.profiles.models import Indicator, IndicatorValue, Release

pytestmark = pytest.mark.django_db
HALTON = "E06000006"


def test_loading_stores_every_value_and_the_metadata(fingertips_next_table):
    outcome = store.load_table(fingertips_next_table, source="test")
    assert outcome.created
    release = outcome.release
    assert release.row_count == len(fingertips_next_table.values) == \
        IndicatorValue.objects.filter(release=release).count()
    assert release.content_hash == fingertips_next_table.content_hash
    assert any("left out" in note for note in release.notes)
    falls = Indicator.objects.get(indicator_id="22401")
    assert (falls.polarity, falls.value_type) == ("low_is_good", "directly_standardised_rate")
    assert falls.current_release == release
    stored = store.release_values(release)
    assert len(diff_values(fingertips_next_table.values, stored).changed) == 0
    row = IndicatorValue.objects.get(release=release, indicator__indicator_id="241",
                                     area_code="E92000001", period="2018/19")
    assert (row.count, row.denominator) == (3319266, 47886072)


def test_the_same_content_twice_is_one_release(excerpt_table):
    first = store.load_table(excerpt_table, source="a")
    again = store.load_table(copy.deepcopy(excerpt_table), source="b")
    assert first.created and not again.created
    assert again.release == first.release
    assert Release.objects.count() == 1
    assert IndicatorValue.objects.count() == len(excerpt_table.values)


def test_a_failing_load_writes_nothing(excerpt_table, monkeypatch):
    table = copy.deepcopy(excerpt_table)
    table.values = table.values.copy()
    # a second row with the same key passes no reader, but if it reached the database the
    # unique constraint stops it: the whole release is rolled back
    table.values = table.values._append(table.values.iloc[0])
    with pytest.raises(IntegrityError):
        store.load_table(table, source="broken")
    assert Release.objects.count() == 0 and IndicatorValue.objects.count() == 0
    assert Indicator.objects.count() == 0


def test_a_new_release_of_an_indicator_becomes_its_current_one_and_diff_says_what_changed(
        excerpt_table):
    old = store.load_table(excerpt_table, source="old").release
    table = copy.deepcopy(excerpt_table)
    values = table.values
    latest = values["period"] == "2023/24"
    values = values[~(latest & (values["indicator_id"] == "241"))].copy()  # a period removed
    changed = (values["indicator_id"] == "22401") & (values["area_code"] == HALTON) & \
        (values["period"] == "2018/19")
    values.loc[changed, "value"] = values.loc[changed, "value"] + 1
    values.loc[values["period"] == "2019/20", "value"] *= 1 + 1e-9  # below the tolerance
    table.values = values.reset_index(drop=True)
    new = store.load_table(table, source="new").release
    assert new.pk != old.pk
    assert Indicator.objects.get(indicator_id="22401").current_release == new
    result = store.diff(old, new)
    assert result.periods_removed == [("241", "2023/24")]
    assert result.rows_removed == 2 and result.rows_added == 0
    assert list(result.changed["area_code"]) == [HALTON]
    assert result.changed.iloc[0]["change"] == pytest.approx(1)
    assert result.indicators_added == [] and result.areas_removed == []
    assert store.diff(old, old).is_empty
