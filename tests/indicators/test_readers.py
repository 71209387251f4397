"""Readers of the indicator store's core, on real files: golden values are read from the
published rows themselves (the FingertipsNext extract, ONS Explore Local Statistics)."""

from __future__ import annotations

import gzip
import warnings
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from rescomm import data, stats
from rescomm.indicators import (
    VALUE_COLUMNS,
    IndicatorFileError,
    IndicatorWarning,
    Polarity,
    ValueType,
    read_indicator_file,
    read_metadata,
)

HERE = Path(__file__).parent / "data"
FINGERTIPS_NEXT = data.BUNDLED_DIR / "timeseries_fingertips_next_cm.csv.gz"
ELS = data.BUNDLED_DIR / "timeseries_ons_els_cm.csv.gz"
EXCERPT = HERE / "fingertips_all_data_excerpt.csv"
HALTON, ENGLAND = "E06000006", "E92000001"


def _read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return read_indicator_file(path, **options)


@pytest.fixture(scope="module")
def fingertips_next():
    return _read(FINGERTIPS_NEXT)


@pytest.fixture(scope="module")
def els():
    return _read(ELS)


def _one(values, **key):
    rows = values
    for column, value in key.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_fingertips_next_extract_is_recognised_and_keeps_counts_denominators_and_limits(
        fingertips_next):
    table = fingertips_next
    assert table.layout == "fingertips-next"
    assert list(table.values.columns) == list(VALUE_COLUMNS)
    # England diabetes QOF prevalence 2018/19, as published: 3,319,266 of 47,886,072
    row = _one(table.values, indicator_id="241", area_code=ENGLAND, period="2018/19")
    assert (row["count"], row["denominator"]) == (3319266, 47886072)
    assert row["value"] == pytest.approx(6.93158962798202, abs=1e-12)
    assert row["lower_95"] == pytest.approx(6.92439909041205, abs=1e-12)
    assert row["period_start"] == date(2018, 4, 1)
    meta = table.indicators["241"]
    assert meta.value_type is ValueType.PROPORTION
    assert meta.multiplier == 100  # count / denominator x 100 = value in every row
    assert meta.name.startswith("Diabetes prevalence aged 17 years and over")
    assert table.indicators["20401"].multiplier == 1000  # conceptions per 1,000
    assert table.indicators["92708"].value_type is ValueType.COUNT


def test_every_value_equals_the_published_row(fingertips_next):
    """The tidy table holds each published row's numbers unchanged (checked on every Halton
    row of the source file that the reader keeps)."""
    raw = pd.read_csv(FINGERTIPS_NEXT, dtype=str, keep_default_na=False)
    raw = raw[(raw["AreaCode"] == HALTON) & (raw["IndicatorId"] == "22401")]
    values = fingertips_next.values
    halton = values[(values["area_code"] == HALTON) & (values["indicator_id"] == "22401")]
    assert len(halton) == len(raw.drop_duplicates()) == 18
    for row in raw.itertuples():
        mine = _one(halton, period=f"{row.Year}/{str(int(row.Year) + 1)[-2:]}", sex=row.Sex)
        assert mine["value"] == float(row.Value)
        assert mine["count"] == float(row.Count)
        assert mine["upper_95"] == float(row.UpperCI)


def test_polarity_is_read_from_fingertips_own_trend_wording(fingertips_next):
    assert fingertips_next.indicators["22401"].polarity is Polarity.LOW_IS_GOOD
    assert fingertips_next.indicators["241"].polarity is Polarity.NO_JUDGEMENT


def test_rows_the_extract_cannot_tell_apart_are_left_out_and_said_so():
    with pytest.warns(IndicatorWarning, match=r"row\(s\) left out.*91040"):
        table = read_indicator_file(FINGERTIPS_NEXT)
    assert any("exact duplicate" in note for note in table.notes)
    assert not table.values.duplicated(
        ["indicator_id", "area_code", "area_type", "period", "sex", "age", "category"]).any()


@pytest.mark.parametrize("indicator,polarity", [
    ("22401", "low_is_good"), ("241", "no_judgement"), ("93763", "low_is_good"),
    ("93474", "no_judgement")])
def test_recent_trend_on_halton_matches_fingertips_own_marker(fingertips_next, indicator,
                                                              polarity):
    """``rescomm.stats.recent_trend`` on Halton's stored series gives the marker Fingertips
    published with the latest point (the extract's Trend column)."""
    raw = pd.read_csv(FINGERTIPS_NEXT, dtype=str, keep_default_na=False)
    published = raw[(raw["AreaCode"] == HALTON) & (raw["IndicatorId"] == indicator)
                    & (raw["Trend"] != "") & (raw["Category"] == "")]
    series = fingertips_next.values
    series = series[(series["indicator_id"] == indicator) & (series["area_code"] == HALTON)
                    & (series["category"] == "")].copy()
    series["year"] = series["period_start"].map(lambda d: d.year)
    result = stats.recent_trend(series, "year", by=["sex", "age"], value="value",
                                lower_cl="lower_95", upper_cl="upper_95", polarity=polarity)
    expected = {(r.Sex, r.Age): r.Trend for r in published.itertuples()}
    got = {(r.sex, r.age): r.recent_trend for r in result.itertuples()}
    assert expected and got == expected


def test_ons_els_periods_value_types_and_values(els):
    assert els.layout == "ons-els"
    raw = pd.read_csv(ELS, dtype=str, keep_default_na=False)
    first = raw[(raw["areacd"] == "E08000012") & (raw["period"] == "2018-04-01/P1Y")
                & (raw["indicator"] == "Satisfaction")]
    assert len(first) == 1
    row = _one(els.values, indicator_id="ons-els:satisfaction", area_code="E08000012",
               period="2018/19")
    assert (row["value"], row["lower_95"], row["upper_95"]) == (7.5, 7.36, 7.64)
    assert row["value"] == float(first["observation"].iloc[0])
    assert row["period_start"] == date(2018, 4, 1)
    life = els.indicators["ons-els:satisfaction"]
    assert life.value_type is ValueType.MEAN and life.licence.startswith("Open Government")
    claimants = els.indicators["ons-els:claimant-count"]
    assert (claimants.value_type, claimants.multiplier) == (ValueType.PROPORTION, 100)
    assert _one(els.values, indicator_id="ons-els:claimant-count", area_code="E08000012",
                period="2018")["value"] == 3.5
    assert {v.value_type for v in els.indicators.values()} >= {ValueType.PROPORTION,
                                                               ValueType.CRUDE_RATE}
    three_year = els.values[els.values["period"].str.fullmatch(r"\d{4}-\d{2}")]
    assert len(three_year)  # e.g. healthy life expectancy 2018-20


def test_fingertips_all_data_download_layout():
    table = _read(EXCERPT)
    assert table.layout == "fingertips"
    row = _one(table.values, indicator_id="241", area_code=ENGLAND, period="2018/19")
    assert (row["count"], row["denominator"]) == (3319266, 47886072)
    assert row["value"] == pytest.approx(6.93158962798202, abs=1e-12)
    assert row["period_start"] == date(2018, 1, 1)  # Time period Sortable 20180000
    assert table.indicators["241"].multiplier == 100
    assert table.indicators["22401"].polarity is Polarity.LOW_IS_GOOD
    assert set(table.values["area_type"]) == {"England", "Counties & UAs (from Apr 2021)"}


def test_content_hash_ignores_row_order_file_name_and_compression(tmp_path):
    text = EXCERPT.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "other name.csv.gz"
    with gzip.open(shuffled, "wt", encoding="utf-8") as handle:
        handle.write("\n".join([text[0], *reversed(text[1:])]) + "\n")
    assert _read(shuffled).content_hash == _read(EXCERPT).content_hash
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join([text[0], text[1].replace("3005.08042", "3005.08043"),
                                  *text[2:]]) + "\n", encoding="utf-8")
    assert _read(changed).content_hash != _read(EXCERPT).content_hash


# --------------------------------------------------------------------------- bad input
def _excerpt_with(tmp_path, edit) -> Path:
    frame = pd.read_csv(EXCERPT, dtype=str, keep_default_na=False)
    frame = edit(frame)
    path = tmp_path / "download.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_missing_column_is_one_line_naming_the_file_and_column(tmp_path):
    path = _excerpt_with(tmp_path, lambda f: f.drop(columns=["Area Code"]))
    with pytest.raises(IndicatorFileError) as caught:
        read_indicator_file(path, layout="fingertips")
    assert str(caught.value) == (
        f"{path}: no column 'Area Code' (a Fingertips 'all data' file needs Indicator ID, "
        "Indicator Name, Area Code, Area Type, Sex, Age, Time period, Value)")
    assert caught.value.column == "Area Code"


def test_a_rate_with_a_zero_denominator_names_line_indicator_area_and_period(tmp_path):
    def zero(frame):
        frame.loc[3, "Denominator"] = "0"
        return frame

    path = _excerpt_with(tmp_path, zero)
    meta = tmp_path / "meta.yaml"
    meta.write_text("indicators:\n  - id: 22401\n    name: Falls admissions 65+\n"
                    "    value_type: directly standardised rate\n    multiplier: 100000\n",
                    encoding="utf-8")
    with pytest.raises(IndicatorFileError) as caught:
        read_indicator_file(path, metadata=meta)
    assert str(caught.value) == (
        f"{path}: line 5, column 'Denominator': denominator 0 for directly standardised rate "
        "indicator 22401 (area E06000006, period 2021/22): a rate or proportion needs a "
        "positive denominator")
    assert caught.value.line == 5


def test_a_value_that_is_not_a_number(tmp_path):
    def text(frame):
        frame.loc[0, "Value"] = "n/a"
        return frame

    path = _excerpt_with(tmp_path, text)
    with pytest.raises(IndicatorFileError, match=r"line 2, column 'Value': 'n/a' is not a "
                                                 r"number \(1 such value\(s\)\)$"):
        read_indicator_file(path)


def test_limits_the_wrong_way_round(tmp_path):
    def swap(frame):
        frame.loc[1, ["Lower CI 95.0 limit", "Upper CI 95.0 limit"]] = ["10", "1"]
        return frame

    path = _excerpt_with(tmp_path, swap)
    with pytest.raises(IndicatorFileError, match=r"line 3, column 'Lower CI 95.0 limit': the "
                                                 r"lower 95% limit is above the upper one$"):
        read_indicator_file(path)


def test_two_different_values_for_one_key_are_refused(tmp_path):
    def clash(frame):
        extra = frame.iloc[[0]].copy()
        extra["Value"] = "1.5"
        return pd.concat([frame, extra], ignore_index=True)

    path = _excerpt_with(tmp_path, clash)
    with pytest.raises(IndicatorFileError, match=r"line 26: a second, different value for "
                                                 r"indicator_id 22401, area_code E06000006"):
        read_indicator_file(path)


def test_an_unknown_file_layout_asks_for_metadata(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="give --metadata FILE.yaml naming its "
                                                 "columns$"):
        read_indicator_file(path)


# --------------------------------------------------------------------------- generic tables
TABLE_META = """
indicators:
  - id: bad-health
    name: People in bad or very bad health
    definition: Census 2021 TS037, bad or very bad health, all usual residents
    source: Office for National Statistics, Census 2021
    licence: Open Government Licence v3.0
    polarity: high is bad
    value_type: proportion
    multiplier: 100
    unit: "%"
    period: "2021"
    area_type: LSOA 2021
    columns:
      area_code: lsoa21_code
      numerator: bad_health_n
      denominator: persons_n
"""


def test_generic_table_computes_values_and_wilson_limits(tmp_path):
    inputs = data.load_indicator_inputs() if hasattr(data, "load_indicator_inputs") else \
        pd.read_parquet(data.bundled_path("indicators_lsoa21_cm"))
    path = tmp_path / "census.csv"
    inputs[["lsoa21_code", "bad_health_n", "persons_n"]].head(50).to_csv(path, index=False)
    meta = tmp_path / "census.yaml"
    meta.write_text(TABLE_META, encoding="utf-8")
    table = read_indicator_file(path, metadata=meta)
    assert table.layout == "table"
    info = table.indicators["bad-health"]
    assert info.polarity is Polarity.LOW_IS_GOOD and info.value_type is ValueType.PROPORTION
    first = inputs.iloc[0]
    row = _one(table.values, area_code=first["lsoa21_code"])
    x, n = float(first["bad_health_n"]), float(first["persons_n"])
    assert row["value"] == pytest.approx(x / n * 100)
    lower, upper = stats.wilson_ci(x, n, confidence=0.998)
    assert (row["lower_99_8"], row["upper_99_8"]) == pytest.approx((lower * 100, upper * 100))
    assert row["period"] == "2021" and row["area_type"] == "LSOA 2021"


def test_generic_table_with_a_missing_column_names_it_and_its_role(tmp_path):
    path = tmp_path / "census.csv"
    path.write_text("lsoa21_code,bad_health_n\nE01012345,3\n", encoding="utf-8")
    meta = tmp_path / "census.yaml"
    meta.write_text(TABLE_META, encoding="utf-8")
    with pytest.raises(IndicatorFileError) as caught:
        read_indicator_file(path, metadata=meta)
    assert str(caught.value) == (f"{path}: no column 'persons_n' (indicator bad-health of the "
                                 "metadata reads it as its denominator)")


@pytest.mark.parametrize("edit,message", [
    (("polarity: high is bad", "polarity: sideways"),
     "indicator bad-health: polarity 'sideways' is not one of high_is_good, low_is_good, "
     "no_judgement"),
    (("multiplier: 100", "multiplier: -5"),
     "indicator bad-health: multiplier -5 is not a positive number"),
    (("    unit:", "    colour: red\n    unit:"),
     "indicator 1: unknown key 'colour'"),
    (("      denominator: persons_n", "      denom: persons_n"),
     "indicator bad-health: unknown column name 'denom' under `columns`"),
])
def test_metadata_faults_name_the_indicator_and_key(tmp_path, edit, message):
    meta = tmp_path / "m.yaml"
    meta.write_text(TABLE_META.replace(*edit), encoding="utf-8")
    with pytest.raises(IndicatorFileError) as caught:
        read_metadata(meta)
    assert str(caught.value).startswith(f"{meta}: {message}")


def test_metadata_overrides_what_the_file_says_even_back_to_a_default(tmp_path):
    meta = tmp_path / "m.yaml"
    meta.write_text("indicators:\n  - id: '22401'\n    name: Falls admissions 65+\n"
                    "    polarity: no_judgement\n    definition: Emergency admissions\n",
                    encoding="utf-8")
    table = _read(EXCERPT, metadata=meta)
    falls = table.indicators["22401"]
    assert falls.polarity is Polarity.NO_JUDGEMENT  # the file's trend wording said low_is_good
    assert (falls.name, falls.definition) == ("Falls admissions 65+", "Emergency admissions")
    assert falls.multiplier is None and falls.source.startswith("Office for Health")
    assert table.indicators["241"].multiplier == 100  # not named: as the file says


def test_compare_areas_has_every_cm_authority_and_england_with_limits(fingertips_next):
    """The bundled extract holds, for its latest falls period, all nine C&M authorities and
    England, each with 95% limits: what a compare-areas chart needs."""
    cm = set(data.CM_LOCAL_AUTHORITIES)
    values = fingertips_next.values
    falls = values[(values["indicator_id"] == "22401") & (values["sex"] == "Persons")
                   & (values["category"] == "")]
    latest = falls[falls["period_start"] == falls["period_start"].max()]
    assert cm | {ENGLAND} <= set(latest["area_code"])
    assert latest[["value", "lower_95", "upper_95"]].notna().all().all()


def test_bundled_lsoa_population_through_its_metadata_matches_fingertips_resident_population(
        fingertips_next):
    """The SAPE LSOA table, read as a generic table with its bundled metadata YAML, sums over
    Halton's LSOAs to Fingertips' own resident population for Halton (two independent
    publications of the ONS mid-year estimates)."""
    sape = read_indicator_file(data.BUNDLED_DIR / "timeseries_sape_lsoa11_cm.csv.gz",
                               metadata=data.BUNDLED_DIR / "timeseries_sape_lsoa11_cm.yaml")
    assert sape.layout == "table" and len(sape.values) == 1562 * 3
    meta = sape.indicators["ons-sape:population-lsoa11"]
    assert meta.value_type is ValueType.COUNT and meta.geography == "LSOA 2011"
    lookup = pd.read_parquet(data.bundled_path("lookup_lsoa11"))
    halton = set(lookup.loc[lookup["lad_code"] == HALTON, "lsoa11_code"])
    sums = sape.values[sape.values["area_code"].isin(halton)].groupby("period")["value"].sum()
    ft = fingertips_next.values
    resident = ft[(ft["indicator_id"] == "92708") & (ft["area_code"] == HALTON)
                  & (ft["sex"] == "Persons") & (ft["age"] == "All ages")]
    published = dict(zip(resident["period"], resident["value"], strict=True))
    assert sums["2019"] == published["2019"] == 129410
    assert sums["2020"] == published["2020"]
