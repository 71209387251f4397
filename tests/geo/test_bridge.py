"""LSOA 2011 <-> 2021 bridge: golden values worked by hand, conservation, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.data import load_imd, load_population
from rescomm.geo import AreaCodeError, GeoError, lsoa11_to_lsoa21, lsoa21_to_lsoa11

BRIDGES = {"11to21": (lsoa11_to_lsoa21, "lsoa11_code", "lsoa21_code"),
           "21to11": (lsoa21_to_lsoa11, "lsoa21_code", "lsoa11_code")}


def test_golden_cases_worked_by_hand_from_ons_populations(golden):
    for case, rows in golden["bridge"].groupby("case", sort=False):
        bridge, src, dst = BRIDGES[rows["direction"].iloc[0]]
        data = (rows[["source_code", "source_value"]].drop_duplicates()
                .rename(columns={"source_code": src}).astype({"source_value": float}))
        out = bridge(data, kind=rows["kind"].iloc[0]).set_index(dst)
        expected = rows.drop_duplicates("target_code").set_index("target_code")
        assert sorted(out.index) == sorted(expected.index), case
        for code, row in expected.iterrows():
            assert out.loc[code, "source_value"] == pytest.approx(float(row["expected"]),
                                                                  rel=1e-12), (case, code)
            assert out.loc[code, "change_code"] == row["change_code"], case


def test_counts_are_conserved_across_all_cm_lsoas_both_ways():
    p20 = load_population(2020)[["lsoa11_code", "population"]]
    forward = lsoa11_to_lsoa21(p20)
    assert len(forward) == 1601 and forward["complete"].all()
    assert forward["population"].sum() == pytest.approx(p20["population"].sum(), rel=1e-12)
    p21 = load_population(2021)[["lsoa21_code", "population"]]
    back = lsoa21_to_lsoa11(p21)
    assert len(back) == 1562 and back["complete"].all()
    assert back["population"].sum() == pytest.approx(p21["population"].sum(), rel=1e-12)


def test_change_codes_in_cm_match_the_ons_lookup():
    out = lsoa11_to_lsoa21(load_population(2020)[["lsoa11_code", "population"]])
    assert out["change_code"].value_counts().to_dict() == {"U": 1518, "S": 79, "M": 4}


def test_unchanged_lsoas_carry_values_through_exactly():
    imd = load_imd(2019)[["lsoa11_code", "imd_score"]]
    out = lsoa11_to_lsoa21(imd, kind="rate").set_index("lsoa21_code")
    unchanged = out[out["change_code"] == "U"]
    source = imd.set_index("lsoa11_code")["imd_score"]
    np.testing.assert_array_equal(unchanged["imd_score"], source.loc[unchanged.index])


def test_a_partial_input_marks_merged_destinations_incomplete():
    out = lsoa11_to_lsoa21(pd.DataFrame({"lsoa11_code": ["E01018656"], "n": [10.0]}))
    assert out.to_dict("records") == [
        {"lsoa21_code": "E01034658", "n": 10.0, "change_code": "M", "complete": False}]


def test_missing_values_stay_missing():
    data = pd.DataFrame({"lsoa11_code": ["E01018656", "E01018660", "E01033756"],
                         "n": [np.nan, 5.0, 3.0]})
    out = lsoa11_to_lsoa21(data).set_index("lsoa21_code")
    assert np.isnan(out.loc["E01034658", "n"]) and out.loc["E01033756", "n"] == 3.0


def test_results_describe_their_method():
    out = lsoa11_to_lsoa21(pd.DataFrame({"lsoa11_code": ["E01018326"], "n": [1.0]}), kind="rate")
    assert out.attrs["bridge"]["kind"] == "rate"
    assert out.attrs["bridge"]["destination_weights"].startswith("Census 2021")
    assert out.attrs["bridge"]["source_weights"].startswith("ONS mid-2020")


def test_wrong_year_codes_are_refused_with_a_pointer_to_the_other_bridge():
    data = pd.DataFrame({"lsoa11_code": ["E01035376"], "n": [1.0]})
    with pytest.raises(AreaCodeError, match=r"'E01035376' is a 2021 LSOA code \(new in 2021\); "
                                            r"convert 2021-based data to 2011 LSOAs with "
                                            r"rescomm.geo.lsoa21_to_lsoa11$"):
        lsoa11_to_lsoa21(data)


def test_missing_population_names_the_lsoas_and_the_parameter():
    lookup_split = "E01033468"  # Middlesbrough, split in 2021: no bundled population
    data = pd.DataFrame({"lsoa11_code": [lookup_split], "n": [1.0]})
    from rescomm.data import load_lsoa11_lsoa21_lookup

    lookup = load_lsoa11_lsoa21_lookup()
    children = lookup.loc[lookup["lsoa11_code"] == lookup_split, "lsoa21_code"].tolist()
    assert len(children) > 1, "test needs a split LSOA outside C&M"
    with pytest.raises(GeoError) as info:
        lsoa11_to_lsoa21(data)
    assert str(info.value).startswith(f"no 2021 LSOA population for {children[0]!r}")
    assert str(info.value).endswith("pass population21=<Series of persons indexed by LSOA 2021 "
                                    "code>")
    given_population = pd.Series(1.0, index=children)
    out = lsoa11_to_lsoa21(data, population21=given_population)
    assert out["n"].tolist() == pytest.approx([1 / len(children)] * len(children))
    assert out.attrs["bridge"]["destination_weights"] == "population supplied by the caller"


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (pd.DataFrame({"code": ["E01033756"], "n": [1]}), {}, r"column 'lsoa11_code' is not"),
        (pd.DataFrame({"lsoa11_code": ["E01033756"], "n": ["a"]}), {"values": ["n"]},
         r"not numeric"),
        (pd.DataFrame({"lsoa11_code": ["E01033756"] * 2, "n": [1, 2]}), {},
         r"'E01033756' appears more than once"),
        (pd.DataFrame({"lsoa11_code": ["E01033756"], "n": [1]}), {"kind": "mean"},
         r"kind='mean' is not supported"),
    ],
)
def test_bad_tables_are_refused_with_a_named_reason(data, kwargs, message):
    with pytest.raises(GeoError, match=message):
        lsoa11_to_lsoa21(data, **kwargs)


_CM11 = load_population(2020)["lsoa11_code"].tolist()


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(_CM11), min_size=1, max_size=60, unique=True),
       st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_counts_are_conserved_and_rates_stay_within_their_sources(codes, scale):
    rng = np.random.default_rng(len(codes))
    values = rng.random(len(codes)) * scale
    data = pd.DataFrame({"lsoa11_code": codes, "v": values})
    counts = lsoa11_to_lsoa21(data)
    assert counts["v"].sum() == pytest.approx(values.sum(), rel=1e-9, abs=1e-6)
    rates = lsoa11_to_lsoa21(data, kind="rate")
    assert rates["v"].min() >= values.min() - 1e-9 and rates["v"].max() <= values.max() + 1e-9
    back = lsoa21_to_lsoa11(counts.drop(columns=["change_code", "complete"]))
    assert back["v"].sum() == pytest.approx(values.sum(), rel=1e-9, abs=1e-6)
