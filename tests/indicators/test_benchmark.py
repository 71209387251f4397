"""Fingertips benchmarking, quintiles and the spine chart's scale and SVG (``rescomm.indicators``).

The golden: physical inactivity in adults (Fingertips 93015, persons 19+, Active Lives
2018/19) for the nine Cheshire & Merseyside authorities, read from the bundled FingertipsNext
extract, benchmarked here against England's value, and checked against the significance
Fingertips published for the same values (the Trafford Data Lab's 2020 snapshot of Fingertips,
``Better``/``Similar``/``Worse`` compared with England).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from tests.reference_data import reference_file
from tests.web.profiles.conftest import FINGERTIPS_NEXT, read

from rescomm.indicators import (
    NOT_COMPARED,
    SpineRow,
    benchmark,
    load_profiles,
    outcome_style,
    quintiles,
    spine_chart_svg,
    spine_row_svg,
    spine_scale,
)

SNAPSHOT = "timeseries/phe_fingertips_la_indicators_trafforddatalab_2020snapshot.csv.gz"
SVG = "{http://www.w3.org/2000/svg}"


# ------------------------------------------------------------------------- benchmark table
@pytest.mark.parametrize(
    ("value", "lower", "upper", "england", "polarity", "expected"),
    [
        (30.0, 25.0, 35.0, 20.0, "high_is_good", "better"),
        (30.0, 25.0, 35.0, 20.0, "low_is_good", "worse"),
        (30.0, 25.0, 35.0, 20.0, "no_judgement", "higher"),
        (10.0, 5.0, 15.0, 20.0, "high_is_good", "worse"),
        (10.0, 5.0, 15.0, 20.0, "low_is_good", "better"),
        (10.0, 5.0, 15.0, 20.0, "no_judgement", "lower"),
        (18.0, 15.0, 22.0, 20.0, "high_is_good", "similar"),
        (18.0, 15.0, 22.0, 20.0, "no_judgement", "similar"),
        # England's value on a limit is inside the interval (limits included)
        (25.0, 20.0, 30.0, 20.0, "high_is_good", "similar"),
        (15.0, 10.0, 20.0, 20.0, "low_is_good", "similar"),
        # equal values
        (20.0, 19.0, 21.0, 20.0, "low_is_good", "similar"),
        # no confidence interval: not compared, whatever the distance
        (90.0, math.nan, math.nan, 20.0, "high_is_good", NOT_COMPARED),
        (90.0, 80.0, math.nan, 20.0, "high_is_good", NOT_COMPARED),
        (math.nan, 1.0, 2.0, 20.0, "high_is_good", NOT_COMPARED),
        (30.0, 25.0, 35.0, math.nan, "high_is_good", NOT_COMPARED),
    ],
)
def test_benchmark_against_the_england_value(value, lower, upper, england, polarity, expected):
    assert benchmark(value, lower, upper, england, polarity=polarity) == expected


def test_the_england_interval_is_not_used_only_its_value():
    # the area's interval 20.5-22 misses England's value 20.0 though it would overlap an
    # England interval of 19-21: Fingertips compares with the value, so it is different
    assert benchmark(21.0, 20.5, 22.0, 20.0, polarity="high_is_good") == "better"


def test_a_target_is_a_comparator_value():
    assert list(benchmark([70.0, 80.0, 86.0], [65.0, 76.0, 84.0], [74.0, 84.0, 88.0], 80.0,
                          polarity="high_is_good")) == ["worse", "similar", "better"]


def test_99_8_limits_are_wider_so_fewer_areas_differ():
    # same value and England; the wider 99.8% interval makes 'worse' at 95% 'similar'
    assert benchmark(23.8, 21.9, 25.8, 21.4, polarity="low_is_good") == "worse"
    assert benchmark(23.8, 21.3, 26.5, 21.4, polarity="low_is_good") == "similar"


def test_bad_polarity_and_limits_are_refused():
    with pytest.raises(ValueError, match="polarity must be one of"):
        benchmark(1.0, 0.0, 2.0, 1.0, polarity="up")
    with pytest.raises(ValueError, match="lower must be <= upper"):
        benchmark(1.0, 3.0, 2.0, 1.0, polarity="high_is_good")


def test_styles_differ_in_shape_as_well_as_colour():
    outcomes = ["better", "similar", "worse", "higher", "lower", NOT_COMPARED]
    assert len({outcome_style(o).shape for o in outcomes}) == len(outcomes)
    assert len({outcome_style(o).fill for o in outcomes}) == len(outcomes)
    with pytest.raises(ValueError, match="unknown benchmark outcome 'good'"):
        outcome_style("good")


# ------------------------------------------------------------------------------ quintiles
def test_quintiles_follow_polarity():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert list(quintiles(values, polarity="high_is_good")) == [
        "worst", "worst", "worse", "worse", "middle", "middle", "better", "better", "best",
        "best"]
    assert list(quintiles(values, polarity="low_is_good"))[:2] == ["best", "best"]
    assert list(quintiles(values, polarity="no_judgement"))[-1] == "highest"


def test_quintiles_need_five_values_and_skip_missing_ones():
    assert list(quintiles([1.0, 2.0, 3.0, math.nan], polarity="high_is_good")) == [
        NOT_COMPARED] * 4
    out = quintiles([1.0, 2.0, math.nan, 3.0, 4.0, 5.0], polarity="no_judgement")
    assert out[2] == NOT_COMPARED
    assert list(out[[0, 5]]) == ["lowest", "highest"]


# ------------------------------------------------------------------------------ the spine
def test_spine_is_centred_on_england_and_symmetric():
    s = spine_scale([10.0, 14.0, 18.0, 30.0], 20.0, polarity="high_is_good")
    assert (s.worst, s.best, s.half_width, s.flipped) == (10.0, 30.0, 10.0, False)
    assert s.position(20.0) == 0.5
    assert s.position(10.0) == 0.0 and s.position(30.0) == 1.0
    assert s.q25 == pytest.approx(13.0) and s.q75 == pytest.approx(21.0)  # numpy linear


def test_the_further_extreme_sets_the_scale_and_the_nearer_falls_short():
    s = spine_scale([15.0, 18.0, 40.0], 20.0, polarity="high_is_good")
    assert s.half_width == 20.0
    assert s.position(40.0) == 1.0
    assert s.position(15.0) == pytest.approx(0.375)


def test_high_is_bad_is_flipped_so_worse_is_left():
    s = spine_scale([15.0, 18.0, 40.0], 20.0, polarity="low_is_good")
    assert (s.worst, s.best, s.flipped) == (40.0, 15.0, True)
    assert s.position(40.0) == 0.0  # worst on the left
    assert s.position(15.0) == pytest.approx(0.625)


def test_no_judgement_puts_low_left():
    s = spine_scale([15.0, 18.0, 40.0], 20.0, polarity="no_judgement")
    assert s.position(15.0) < 0.5 < s.position(40.0)
    assert not s.judged


def test_all_areas_equal_to_england_sit_in_the_centre():
    s = spine_scale([20.0, 20.0], 20.0, polarity="high_is_good")
    assert s.half_width == 0 and s.position(20.0) == 0.5
    assert s.position(None) is None and s.position(math.nan) is None


def test_spine_refuses_missing_england_or_areas():
    with pytest.raises(ValueError, match="England's value"):
        spine_scale([1.0], math.nan, polarity="high_is_good")
    with pytest.raises(ValueError, match="at least one comparison area"):
        spine_scale([math.nan], 1.0, polarity="high_is_good")


def _row(**kw):
    s = spine_scale([15.0, 18.0, 22.0, 40.0], 20.0, polarity="low_is_good")
    return SpineRow(**{"indicator": "Falls <&>", "period": "2023/24", "area_name": "Halton",
                       "value": 40.0, "outcome": "worse", "scale": s, **kw})


def test_row_svg_is_valid_with_title_desc_and_the_numbers():
    svg = spine_row_svg(_row(region_value=21.0, region_name="North West"), ident="r1")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "r1-t r1-d"
    assert root.find(f"{SVG}title").text == "Spine chart: Falls <&>, 2023/24"
    desc = root.find(f"{SVG}desc").text
    assert "Halton 40.0, worse than England; England 20.0; worst 40.0" in desc
    assert "best 15.0 of 4 areas. North West 21.0." in desc
    rect = root.findall(f"{SVG}rect")  # the worse marker is a square, at the left end
    assert rect[-1].get("fill") == "#C00000" and float(rect[-1].get("x")) < 10


def test_chart_svg_has_every_row_and_the_caption():
    rows = [_row(), _row(value=None, outcome=NOT_COMPARED, indicator="Other"),
            _row(scale=None, indicator="Nothing")]
    svg = spine_chart_svg(rows, title="Halton", caption="Bars: the 9 C&M authorities.")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Falls <&> (2023/24)" in texts and "Other (2023/24)" in texts
    assert "no data to compare" in texts
    assert "Bars: the 9 C&M authorities." in root.find(f"{SVG}desc").text


# ----------------------------------------------------------------------------- profiles
def test_bundled_profiles_load():
    profiles = load_profiles()
    assert "health-and-wellbeing" in profiles
    ids = [i.indicator_id for i in profiles["health-and-wellbeing"].indicators]
    assert "93015" in ids and len(ids) == len(set(ids))


@pytest.mark.parametrize(("text", "message"), [
    ("profiles: [{slug: a, name: A, indicators: [1], colour: red}]", "unknown key"),
    ("profiles: [{slug: a, indicators: [1]}]", "needs a slug and a name"),
    ("profiles: [{slug: a, name: A}]", "lists no indicators"),
    ("profiles: [{slug: a, name: A, indicators: [1]}, {slug: a, name: B, indicators: [2]}]",
     "used twice"),
    ("profiles: [{slug: a, name: A, indicators: [{sex: Male}]}]", "indicator 1: needs an id"),
])
def test_bad_profile_definitions_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        load_profiles(text)


# ------------------------------------------------------------------------------- golden
def test_matches_fingertips_published_significance_for_physical_inactivity():
    values = read(FINGERTIPS_NEXT).values
    sel = values[(values.indicator_id == "93015") & (values.period == "2018")
                 & (values.sex == "Persons") & (values.age == "19+ yrs")
                 & (values.category == "")]
    england = sel.loc[sel.area_code == "E92000001", "value"].item()
    las = sel[sel.area_type == "Counties and Unitary Authorities"].set_index("area_code")
    assert len(las) == 9
    ours = pd.Series(benchmark(las.value, las.lower_95, las.upper_95, england,
                               polarity="low_is_good"), index=las.index)
    snap = pd.read_csv(reference_file(SNAPSHOT))
    snap = snap[(snap.fingertips_indicator_id == 93015) & (snap.period == "2018/19")
                & snap.area_code.isin(las.index)].set_index("area_code")
    assert len(snap) == 9
    # the same values (published to 1 decimal place) ...
    assert np.allclose(snap.value.reindex(las.index), las.value.round(1))
    # ... and the same significance: Knowsley, Liverpool and Sefton worse, six similar
    assert ours.to_dict() == snap.significance.str.lower().reindex(las.index).to_dict()
    assert sorted(ours[ours == "worse"].index) == ["E08000011", "E08000012", "E08000014"]
