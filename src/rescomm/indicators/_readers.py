"""Read indicator files into one tidy table: the Fingertips layouts, ONS ELS and generic tables.

Every reader returns an :class:`IndicatorTable`: the indicators' metadata and one row per
indicator, area, period, sex, age and category (:data:`VALUE_COLUMNS`). Readers check what
they read and raise :class:`IndicatorFileError` naming the file, the line (1 is the header)
and the column: nothing is returned from a file with a fault.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ._errors import IndicatorFileError, IndicatorWarning
from ._meta import (
    IndicatorMeta,
    Polarity,
    ValueType,
    parse_value_type,
    read_metadata,
)

#: Columns of the tidy value table, in order.
VALUE_COLUMNS = (
    "indicator_id", "area_code", "area_name", "area_type", "period", "period_start", "sex",
    "age", "category", "count", "denominator", "value", "lower_95", "upper_95", "lower_99_8",
    "upper_99_8", "note",
)
#: One value per key: the same indicator, area (of one area type), period, sex, age, category.
KEY_COLUMNS = ("indicator_id", "area_code", "area_type", "period", "sex", "age", "category")
NUMBER_COLUMNS = ("count", "denominator", "value", "lower_95", "upper_95", "lower_99_8",
                  "upper_99_8")
TEXT_COLUMNS = tuple(c for c in VALUE_COLUMNS if c not in NUMBER_COLUMNS and c != "period_start")

#: Longest text the store keeps in each key column.
MAX_LENGTHS = {"indicator_id": 120, "area_code": 32, "area_type": 100, "period": 60, "sex": 40,
               "age": 60, "category": 200}

LAYOUTS = ("fingertips", "fingertips-next", "ons-els", "table")

#: The classic Fingertips "all data" CSV (the site's download and ``/api/all_data/csv/...``):
#: column -> tidy name. Columns it also has (Parent Code, Recent Trend, Compared to ...,
#: New data, ...) are not read.
FINGERTIPS_COLUMNS = {
    "Indicator ID": "indicator_id",
    "Indicator Name": "indicator_name",
    "Area Code": "area_code",
    "Area Name": "area_name",
    "Area Type": "area_type",
    "Sex": "sex",
    "Age": "age",
    "Category Type": "category_type",
    "Category": "category",
    "Time period": "period",
    "Value": "value",
    "Lower CI 95.0 limit": "lower_95",
    "Upper CI 95.0 limit": "upper_95",
    "Lower CI 99.8 limit": "lower_99_8",
    "Upper CI 99.8 limit": "upper_99_8",
    "Count": "count",
    "Denominator": "denominator",
    "Value note": "note",
    "Time period Sortable": "period_sortable",
    "Recent Trend": "source_trend",
}
FINGERTIPS_REQUIRED = ("Indicator ID", "Indicator Name", "Area Code", "Area Type", "Sex", "Age",
                       "Time period", "Value")

#: The FingertipsNext-style extract (DHSC's DataCreator ``healthdata.csv`` with names joined).
FINGERTIPS_NEXT_COLUMNS = {
    "IndicatorId": "indicator_id",
    "IndicatorName": "indicator_name",
    "ValueType": "value_type",
    "PeriodType": "period_type",
    "AreaCode": "area_code",
    "AreaName": "area_name",
    "AreaType": "area_type",
    "Year": "year",
    "Sex": "sex",
    "Age": "age",
    "CategoryType": "category_type",
    "Category": "category",
    "Count": "count",
    "Denominator": "denominator",
    "Value": "value",
    "LowerCI": "lower_95",
    "UpperCI": "upper_95",
    "Trend": "source_trend",
}
FINGERTIPS_NEXT_REQUIRED = ("IndicatorId", "AreaCode", "Year", "Sex", "Age", "Value")

#: ONS Explore Local Statistics indicator CSVs (``<dataset>/<dataset>.csv``, optionally with a
#: ``dataset`` column naming the folder).
ELS_COLUMNS = {
    "dataset": "dataset",
    "areacd": "area_code",
    "areanm": "area_name",
    "geography": "area_type",
    "indicator": "indicator_name",
    "period": "period",
    "measure": "measure",
    "observation": "value",
    "unit": "unit",
    "lci_95": "lower_95",
    "uci_95": "upper_95",
    "status": "status",
}
ELS_REQUIRED = ("areacd", "indicator", "period", "observation")
#: ONS status codes (the ELS notes): shown as the value's note.
ELS_STATUS = {"x": "not available", "u": "low reliability", "c": "confidential",
              "z": "not applicable"}

FINGERTIPS_SOURCE = ("Office for Health Improvement and Disparities (OHID), Fingertips, "
                     "https://fingertips.phe.org.uk")
ELS_SOURCE = ("Office for National Statistics, Explore Local Statistics, "
              "https://www.ons.gov.uk/explore-local-statistics/")
OGL = "Open Government Licence v3.0"
#: Who publishes files of each layout (a generic table's metadata names its own source).
LAYOUT_PUBLISHERS = {"fingertips": FINGERTIPS_SOURCE, "fingertips-next": FINGERTIPS_SOURCE,
                     "ons-els": ELS_SOURCE}


@dataclass
class IndicatorTable:
    """What a file holds: indicators' metadata, tidy values, and what was left out and why."""

    indicators: dict[str, IndicatorMeta]
    values: pd.DataFrame
    layout: str
    path: str
    notes: list[str] = field(default_factory=list)
    #: tidy column -> the file's name for it (for messages)
    file_columns: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the normalised content (metadata and sorted values), not of the file:
        the same data in another row order, file name or layout hash the same."""
        return content_hash(self.indicators, self.values)


def content_hash(indicators: dict[str, IndicatorMeta], values: pd.DataFrame) -> str:
    """SHA-256 of canonical JSON metadata, then the values sorted by key, column by column:
    texts joined by a separator, numbers as little-endian float64 bytes with a missing-value
    mask (exact, platform-independent, and fast: 230,000 rows in well under a second)."""
    digest = hashlib.sha256()
    records = [indicators[key].as_record() for key in sorted(indicators)]
    digest.update(json.dumps(records, sort_keys=True, ensure_ascii=False).encode())
    frame = values.loc[:, list(VALUE_COLUMNS)].sort_values(list(KEY_COLUMNS), kind="stable")
    for column in VALUE_COLUMNS:
        digest.update(f"\x1d{column}\x1d".encode())
        if column in NUMBER_COLUMNS:
            numbers = frame[column].to_numpy(dtype="float64")
            missing = np.isnan(numbers)
            digest.update(np.packbits(missing).tobytes())
            digest.update(np.where(missing, 0.0, numbers).astype("<f8").tobytes())
        elif column == "period_start":  # dates as day numbers (str() of a date is slow)
            days = np.fromiter((d.toordinal() for d in frame[column]), dtype="<i8",
                               count=len(frame))
            digest.update(days.tobytes())
        else:
            digest.update("\x1e".join(frame[column].astype(str)).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- entry point
def read_indicator_file(
    path: str | Path,
    *,
    layout: str = "auto",
    metadata: str | Path | dict[str, IndicatorMeta] | None = None,
) -> IndicatorTable:
    """Read an indicator file.

    Parameters
    ----------
    path
        A CSV file (``.csv`` or ``.csv.gz``), UTF-8.
    layout
        ``fingertips`` (the Fingertips "all data" download), ``fingertips-next`` (the
        FingertipsNext extract layout), ``ons-els`` (ONS Explore Local Statistics), ``table``
        (a generic table described by ``metadata``), or ``auto`` (from the header).
    metadata
        A metadata YAML file (or what :func:`read_metadata` returns). For the Fingertips and
        ELS layouts it adds to and overrides what the file says (polarity, definition, ...);
        for ``table`` it is required and names the columns.

    Raises
    ------
    IndicatorFileError
        Naming the file, line and column: a missing column, a value that is not a number, a
        negative count, a rate or proportion with a zero denominator, a lower limit above the
        upper one, two different values for one key, an indicator without metadata, ...
    """
    path = Path(path)
    if layout not in ("auto", *LAYOUTS):
        raise IndicatorFileError(f"layout {layout!r} is not one of auto, {', '.join(LAYOUTS)}",
                                 path=str(path))
    meta = read_metadata(metadata) if isinstance(metadata, (str, Path)) else (metadata or {})
    raw = _read_csv(path)
    if layout == "auto":
        layout = detect_layout(raw.columns, path=path, has_metadata=bool(meta))
    reader = {
        "fingertips": _fingertips,
        "fingertips-next": _fingertips_next,
        "ons-els": _ons_els,
        "table": _table,
    }[layout]
    table = reader(raw, path=path, meta=meta)
    table.layout = layout
    return _checked(table)


def detect_layout(columns, *, path: Path, has_metadata: bool) -> str:
    """The layout a header belongs to (see :func:`read_indicator_file`)."""
    names = set(columns)
    if {"Indicator ID", "Time period"} <= names:
        return "fingertips"
    if {"IndicatorId", "AreaCode"} <= names:
        return "fingertips-next"
    if {"areacd", "observation"} <= names:
        return "ons-els"
    if has_metadata:
        return "table"
    raise IndicatorFileError(
        f"{path}: not a Fingertips download (Indicator ID, Area Code, Time period, Value, ...), "
        "a FingertipsNext extract (IndicatorId, AreaCode, Year, ...) nor an ONS Explore Local "
        "Statistics file (areacd, period, observation, ...); for any other table give "
        "--metadata FILE.yaml naming its columns", path=str(path))


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise IndicatorFileError(f"indicator file {path} not found", path=str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IndicatorFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8",
            path=str(path)) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise IndicatorFileError(f"{path}: not a readable CSV file ({first})",
                                 path=str(path)) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    raw["_line"] = np.arange(2, len(raw) + 2)
    return raw


def _require(raw: pd.DataFrame, columns, *, path: Path, layout: str) -> None:
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise IndicatorFileError(
            f"{path}: no column {missing[0]!r} (a {layout} file needs "
            f"{', '.join(columns)})", path=str(path), column=missing[0])


def _by_value(series: pd.Series, function) -> pd.Series:
    """``function`` applied to each distinct value of ``series`` once (columns repeat a few
    values many times: codes, names, periods)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    done = np.array([function(value) for value in uniques], dtype=object)
    return pd.Series(done[codes] if len(uniques) else [], index=series.index, dtype=object)


def _strip(series: pd.Series) -> pd.Series:
    return _by_value(series, lambda value: value.strip() if isinstance(value, str) else value)


def _numbers(raw: pd.DataFrame, column: str, *, path: Path) -> pd.Series:
    """``raw[column]`` as floats; empty -> NaN; anything else that is not a number: error."""
    text = _by_value(raw[column], lambda v: v.strip().replace(",", "") if isinstance(v, str)
                     else v)
    out = pd.to_numeric(text, errors="coerce")
    bad = out.isna() & text.ne("")
    if bad.any():
        first = bad.idxmax()
        raise IndicatorFileError(
            f"{path}: line {raw.at[first, '_line']}, column {column!r}: "
            f"{raw.at[first, column]!r} is not a number ({int(bad.sum())} such value(s))",
            path=str(path), line=int(raw.at[first, "_line"]), column=column)
    return out.astype("float64")


def _frame(raw: pd.DataFrame, mapping: dict[str, str], *, path: Path) -> pd.DataFrame:
    """The tidy columns of ``raw`` (numbers checked), keeping ``_line``."""
    out = pd.DataFrame({"_line": raw["_line"]}, index=raw.index)
    for column, name in mapping.items():
        if column not in raw.columns:
            continue
        out[name] = (_numbers(raw, column, path=path) if name in NUMBER_COLUMNS
                     else _strip(raw[column]))
    return out


def _derived_multipliers(values: pd.DataFrame) -> dict[str, float]:
    """Per indicator, the power of ten that turns count/denominator into the value, where
    every row with both agrees to 1% (e.g. 100 for percentages, 100000 per 100,000)."""
    ok = values[(values["count"] > 0) & (values["denominator"] > 0) & (values["value"] > 0)]
    ratio = ok["value"] / (ok["count"] / ok["denominator"])
    out = {}
    for indicator, group in ratio.groupby(ok["indicator_id"]):
        power = 10 ** np.round(np.log10(group.median()))
        if power >= 1 and (abs(group / power - 1) < 0.01).all():
            out[str(indicator)] = float(power)
    return out


def _trend_polarity(group: pd.DataFrame) -> Polarity | None:
    """The polarity Fingertips' own recent-trend wording shows: "... and getting better" on
    a decrease means low is good; "Increasing"/"Decreasing" alone means no judgement; None
    where the file never says (only "No significant change", "Cannot be calculated")."""
    if "source_trend" not in group:
        return None
    words = set(_distinct(group["source_trend"]))
    if words & {"Decreasing and getting better", "Increasing and getting worse"}:
        return Polarity.LOW_IS_GOOD
    if words & {"Increasing and getting better", "Decreasing and getting worse"}:
        return Polarity.HIGH_IS_GOOD
    if words & {"Increasing", "Decreasing"}:
        return Polarity.NO_JUDGEMENT
    return None


def _one_name(frame: pd.DataFrame, indicator: str, column: str = "indicator_name") -> str:
    names = _distinct(frame[column]) if column in frame else []
    return str(names[0]) if len(names) else ""


def _distinct(series: pd.Series) -> list[str]:
    """The distinct non-empty texts of ``series``, sorted."""
    return sorted(str(v) for v in series[series.fillna("").ne("")].unique())


# --------------------------------------------------------------------------- Fingertips
def _category(frame: pd.DataFrame) -> pd.Series:
    kind = frame.get("category_type", pd.Series("", index=frame.index)).fillna("")
    value = frame.get("category", pd.Series("", index=frame.index)).fillna("")
    return np.where(value.eq(""), "", np.where(kind.eq(""), value, kind + ": " + value))


def _fingertips(raw: pd.DataFrame, *, path: Path, meta: dict) -> IndicatorTable:
    _require(raw, FINGERTIPS_REQUIRED, path=path, layout="Fingertips 'all data'")
    frame = _frame(raw, FINGERTIPS_COLUMNS, path=path)
    frame["category"] = _category(frame)
    year = frame["period"].str.extract(r"(\d{4})", expand=False)
    month = pd.Series(1, index=frame.index)
    if "period_sortable" in frame:
        sortable = frame["period_sortable"].where(frame["period_sortable"].str.fullmatch(r"\d{8}"))
        year = sortable.str[:4].fillna(year)
        quarter = pd.to_numeric(sortable.str[4:6], errors="coerce").fillna(0)
        mm = pd.to_numeric(sortable.str[6:8], errors="coerce").fillna(0)
        month = np.where(mm > 0, mm, np.where(quarter > 0, (quarter - 1) * 3 + 1, 1))
    _no_year(frame, year, path=path, column="Time period")
    frame["period_start"] = [date(int(y), int(m), 1) for y, m in zip(year, month, strict=True)]
    indicators = {}
    multipliers = _derived_multipliers(frame)
    for indicator, group in frame.groupby("indicator_id", sort=False):
        base = IndicatorMeta(
            id=indicator, name=_one_name(group, indicator) or f"Fingertips indicator {indicator}",
            source=FINGERTIPS_SOURCE, licence=OGL, multiplier=multipliers.get(indicator),
            polarity=_trend_polarity(group) or Polarity.NO_JUDGEMENT,
            geography=", ".join(_distinct(group["area_type"])))
        indicators[indicator] = base.merged(meta.get(indicator))
    return IndicatorTable(indicators, frame, "fingertips", str(path),
                          file_columns=_inverse(FINGERTIPS_COLUMNS))


#: FingertipsNext ``PeriodType`` -> (start month, label style).
_PERIOD_TYPES = {"calendar": 1, "yearly": 1, "financial": 4, "academic": 9}


def _fingertips_next(raw: pd.DataFrame, *, path: Path, meta: dict) -> IndicatorTable:
    _require(raw, FINGERTIPS_NEXT_REQUIRED, path=path, layout="FingertipsNext extract")
    frame = _frame(raw, FINGERTIPS_NEXT_COLUMNS, path=path)
    frame["category"] = _category(frame)
    year = frame["year"].where(frame["year"].str.fullmatch(r"\d{4}"))
    _no_year(frame, year, path=path, column="Year")
    kind = frame.get("period_type", pd.Series("", index=frame.index)).str.lower()
    month = kind.map(_PERIOD_TYPES).fillna(1).astype(int)
    split = month.ne(1)
    following = (year.astype(int) + 1).astype(str).str[-2:]
    frame["period"] = np.where(split, year + "/" + following, year)
    frame["period_start"] = [date(int(y), int(m), 1) for y, m in zip(year, month, strict=True)]
    frame["note"] = ""
    indicators = {}
    multipliers = _derived_multipliers(frame)
    for indicator, group in frame.groupby("indicator_id", sort=False):
        types = _distinct(group["value_type"]) if "value_type" in group else []
        value_type = (parse_value_type(types[0], where=f"{path}: indicator {indicator}")
                      if len(types) else ValueType.OTHER)
        name = _one_name(group, indicator)
        base = IndicatorMeta(
            id=indicator,
            name=name or f"Fingertips indicator {indicator} (no name in the file)",
            source=FINGERTIPS_SOURCE, licence=OGL, value_type=value_type,
            multiplier=multipliers.get(indicator),
            polarity=_trend_polarity(group) or Polarity.NO_JUDGEMENT,
            time_period=", ".join(_distinct(group["period_type"])) if "period_type" in group
            else "",
            geography=", ".join(_distinct(group["area_type"])))
        indicators[indicator] = base.merged(meta.get(indicator))
    table = IndicatorTable(indicators, frame, "fingertips-next", str(path),
                           file_columns=_inverse(FINGERTIPS_NEXT_COLUMNS))
    # The extract keeps only a year: a quarterly indicator's four quarters share one key and
    # cannot be told apart. Such rows are left out (and said so), never guessed between.
    _drop_ambiguous(table)
    return table


def _no_year(frame: pd.DataFrame, year: pd.Series, *, path: Path, column: str) -> None:
    bad = year.isna()
    if bad.any():
        first = bad.idxmax()
        raise IndicatorFileError(
            f"{path}: line {frame.at[first, '_line']}, column {column!r}: no four-digit year "
            f"in {frame.at[first, 'period' if 'period' in frame else 'year']!r}",
            path=str(path), line=int(frame.at[first, "_line"]), column=column)


# --------------------------------------------------------------------------- ONS ELS
def _els_period(text: str) -> tuple[str, date] | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:/P(\d+)([YM]))?", text)
    if not match:
        return None
    year, month, day, length, unit = match.groups()
    start = date(int(year), int(month), int(day))
    length = int(length or 1)
    if unit == "M":
        label = f"{year}-{month}" if length == 1 else f"{year}-{month} ({length} months)"
    elif start.month == 1 and start.day == 1:
        label = year if length == 1 else f"{year}-{str(int(year) + length - 1)[-2:]}"
    else:
        last = int(year) + length - 1
        label = (f"{year}/{str(int(year) + 1)[-2:]}" if length == 1
                 else f"{year}/{str(int(year) + 1)[-2:]}-{last}/{str(last + 1)[-2:]}")
    return label, start


def _els_type(measure: str) -> tuple[ValueType, float | None]:
    text = measure.lower()
    if text == "percentage":
        return ValueType.PROPORTION, 100.0
    per = re.search(r"(?:rate|count) per ([\d,]+)", text)
    if per:
        return ValueType.CRUDE_RATE, float(per.group(1).replace(",", ""))
    if text.startswith("mean"):
        return ValueType.MEAN, None
    if text.startswith("number of"):
        return ValueType.COUNT, None
    return ValueType.OTHER, None


def els_indicator_id(name: str) -> str:
    """The store's id of an ELS indicator: ``ons-els:`` and its name in lower-case words."""
    return "ons-els:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _ons_els(raw: pd.DataFrame, *, path: Path, meta: dict) -> IndicatorTable:
    _require(raw, ELS_REQUIRED, path=path, layout="ONS Explore Local Statistics")
    frame = _frame(raw, ELS_COLUMNS, path=path)
    periods = {text: _els_period(text) for text in frame["period"].unique()}
    bad = _by_value(frame["period"], lambda p: periods[p] is None).astype(bool)
    if bad.any():
        first = bad.idxmax()
        raise IndicatorFileError(
            f"{path}: line {frame.at[first, '_line']}, column 'period': "
            f"{frame.at[first, 'period']!r} is not an ISO date or interval such as "
            "2011-04-01/P1Y", path=str(path), line=int(frame.at[first, "_line"]),
            column="period")
    frame["period_start"] = _by_value(frame["period"], lambda p: periods[p][1])
    frame["period"] = _by_value(frame["period"], lambda p: periods[p][0])
    frame["indicator_id"] = _by_value(frame["indicator_name"], els_indicator_id)
    status = frame.get("status", pd.Series("", index=frame.index))
    frame["note"] = _by_value(status, lambda s: ELS_STATUS.get(s.lower(), s))
    frame["sex"] = ""
    frame["age"] = ""
    frame["category"] = ""
    indicators = {}
    for indicator, group in frame.groupby("indicator_id", sort=False):
        measure = _one_name(group, indicator, "measure")
        value_type, multiplier = _els_type(measure)
        datasets = sorted(group["dataset"].unique()) if "dataset" in group else []
        base = IndicatorMeta(
            id=indicator, name=_one_name(group, indicator),
            definition=measure,
            source=ELS_SOURCE + (f" (dataset {', '.join(datasets)})" if datasets else ""),
            licence=OGL, value_type=value_type, multiplier=multiplier,
            unit=_one_name(group, indicator, "unit"),
            geography=", ".join(_distinct(group["area_type"])))
        indicators[indicator] = base.merged(meta.get(indicator))
    return IndicatorTable(indicators, frame, "ons-els", str(path),
                          file_columns=_inverse(ELS_COLUMNS))


# --------------------------------------------------------------------------- generic table
def _table(raw: pd.DataFrame, *, path: Path, meta: dict) -> IndicatorTable:
    """A table described by its metadata: each indicator's ``columns`` name the file's area
    code, period, value (or numerator and denominator), ... (one file, many indicators)."""
    if not meta:
        raise IndicatorFileError(
            f"{path}: a generic table needs --metadata FILE.yaml naming its columns",
            path=str(path))
    parts = []
    indicators = {}
    file_columns: dict[str, str] = {}
    for indicator, item in meta.items():
        columns = dict(item.columns)
        where = f"{path} (indicator {indicator} of the metadata)"
        for key in ("area_code",):
            if key not in columns:
                raise IndicatorFileError(
                    f"{where}: `columns` must name the {key} column", path=str(path),
                    column=key)
        if "period" not in columns and not item.period:
            raise IndicatorFileError(
                f"{where}: name the `period` column under `columns`, or give `period:` for "
                "the whole file", path=str(path), column="period")
        if "value" not in columns and not {"numerator", "denominator"} <= set(columns):
            raise IndicatorFileError(
                f"{where}: `columns` must name the value column, or the numerator and "
                "denominator columns", path=str(path), column="value")
        missing = [c for c in columns.values() if c not in raw.columns]
        if missing:
            raise IndicatorFileError(
                f"{path}: no column {missing[0]!r} (indicator {indicator} of the metadata "
                f"reads it as its {_role(columns, missing[0])})", path=str(path),
                column=missing[0])
        mapping = {file_column: ("count" if name == "numerator" else name)
                   for name, file_column in columns.items()}
        file_columns.update({tidy: column for column, tidy in mapping.items()})
        frame = _frame(raw, mapping, path=path)
        frame["indicator_id"] = indicator
        for key in ("period", "area_type", "sex", "age"):
            if key not in frame:
                frame[key] = getattr(item, key) or ""
        frame["category"] = ""
        frame["note"] = ""
        if item.value_type.needs_denominator and not (item.multiplier or 0) > 0 \
                and "value" not in columns:
            raise IndicatorFileError(
                f"{where}: give `multiplier` (e.g. 100 for a percentage) to compute a "
                f"{item.value_type.value.replace('_', ' ')} from its numerator and "
                "denominator", path=str(path), column="multiplier")
        year = frame["period"].str.extract(r"(\d{4})", expand=False)
        _no_year(frame, year, path=path, column=columns.get("period", "period"))
        frame["period_start"] = [date(int(y), 1, 1) for y in year]
        parts.append(frame)
        indicators[indicator] = item
    frame = pd.concat(parts, ignore_index=True)
    return IndicatorTable(indicators, frame, "table", str(path), file_columns=file_columns)


def _inverse(mapping: dict[str, str]) -> dict[str, str]:
    return {tidy: column for column, tidy in mapping.items()}


def _role(columns: dict[str, str], file_column: str) -> str:
    return next(name for name, column in columns.items() if column == file_column)


# --------------------------------------------------------------------------- checks
def _drop_ambiguous(table: IndicatorTable) -> None:
    frame = table.values
    for column in KEY_COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame[list(KEY_COLUMNS)] = frame[list(KEY_COLUMNS)].fillna("")
    compare = list(KEY_COLUMNS) + [c for c in NUMBER_COLUMNS if c in frame]
    exact = frame.duplicated(compare)
    frame = frame[~exact]
    clash = frame.duplicated(list(KEY_COLUMNS), keep=False)
    if exact.any():
        table.notes.append(f"{int(exact.sum()):,} exact duplicate row(s) read once")
    if clash.any():
        ids = ", ".join(sorted(frame.loc[clash, "indicator_id"].unique(), key=str))
        table.notes.append(
            f"{int(clash.sum()):,} row(s) left out: two or more different values for one "
            f"indicator, area, year, sex, age and category (indicators {ids}; e.g. quarterly "
            "figures the file gives only a year for)")
        warnings.warn(table.notes[-1], IndicatorWarning, stacklevel=3)
    table.values = frame[~clash]


def _checked(table: IndicatorTable) -> IndicatorTable:
    """Fill defaults, apply one multiplier rule, check every row; raise on the first fault."""
    path = table.path
    frame = table.values
    frame.attrs["file_columns"] = table.file_columns
    for column in VALUE_COLUMNS:
        if column not in frame:
            frame[column] = np.nan if column in NUMBER_COLUMNS else ""
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].fillna("").astype(str)
    for column in ("indicator_id", "area_code", "period"):
        empty = frame[column].eq("")
        if empty.any():
            first = empty.idxmax()
            raise IndicatorFileError(
                f"{path}: line {frame.at[first, '_line']}: no {column.replace('_', ' ')}",
                path=path, line=int(frame.at[first, "_line"]), column=column)
    for column, limit in MAX_LENGTHS.items():
        _fault(frame, frame[column].str.len() > limit, path, column,
               f"longer than {limit} characters (is this the right column?)")
    unknown = sorted(set(frame["indicator_id"]) - set(table.indicators))
    if unknown:
        raise IndicatorFileError(f"{path}: indicator {unknown[0]} has no metadata", path=path)
    needs = frame["indicator_id"].map(
        {k: m.value_type.needs_denominator for k, m in table.indicators.items()}).astype(bool)
    _fault(frame, frame["count"] < 0, path, "count", "a count cannot be negative")
    _fault(frame, frame["denominator"] < 0, path, "denominator",
           "a denominator cannot be negative")
    zero = needs & frame["denominator"].eq(0) & (frame["value"].notna() | frame["count"].gt(0))
    if zero.any():
        first = zero.idxmax()
        meta = table.indicators[frame.at[first, "indicator_id"]]
        _fault(frame, zero, path, "denominator",
               f"denominator 0 for {meta.value_type.value.replace('_', ' ')} indicator "
               f"{meta.id} (area {frame.at[first, 'area_code']}, period "
               f"{frame.at[first, 'period']}): a rate or proportion needs a positive "
               "denominator")
    for low, high, level in (("lower_95", "upper_95", "95%"),
                             ("lower_99_8", "upper_99_8", "99.8%")):
        _fault(frame, frame[low] > frame[high], path, low,
               f"the lower {level} limit is above the upper one")
    _compute_values(table, frame)
    if table.layout != "fingertips-next":
        compare = list(KEY_COLUMNS) + list(NUMBER_COLUMNS)
        exact = frame.duplicated(compare)
        if exact.any():
            table.notes.append(f"{int(exact.sum()):,} exact duplicate row(s) read once")
            frame = frame[~exact]
        clash = frame.duplicated(list(KEY_COLUMNS))
        if clash.any():
            first = clash.idxmax()
            key = ", ".join(f"{c} {frame.at[first, c]}" for c in KEY_COLUMNS
                            if frame.at[first, c] != "")
            _fault(frame, clash, path, None, f"a second, different value for {key}")
    table.values = frame.loc[:, list(VALUE_COLUMNS)].reset_index(drop=True)
    return table


def _compute_values(table: IndicatorTable, frame: pd.DataFrame) -> None:
    """For a generic table's proportion or crude rate given only as numerator and
    denominator: value = numerator / denominator x multiplier, with Wilson (proportion) or
    Byar (rate) 95% and 99.8% limits from :mod:`rescomm.stats`."""
    from rescomm import stats

    for indicator, meta in table.indicators.items():
        if "value" in meta.columns or "numerator" not in meta.columns:
            continue
        rows = frame["indicator_id"].eq(indicator) & frame["denominator"].gt(0) \
            & frame["count"].notna()
        x = frame.loc[rows, "count"].to_numpy()
        n = frame.loc[rows, "denominator"].to_numpy()
        scale = meta.multiplier or 1.0
        frame.loc[rows, "value"] = x / n * scale
        for confidence, low, high in ((0.95, "lower_95", "upper_95"),
                                      (0.998, "lower_99_8", "upper_99_8")):
            if meta.value_type is ValueType.PROPORTION:
                lower, upper = stats.wilson_ci(x, n, confidence=confidence)
            elif meta.value_type is ValueType.CRUDE_RATE:
                lower, upper = stats.byars_ci(x, confidence=confidence)
                lower, upper = lower / n, upper / n
            else:
                continue
            frame.loc[rows, low] = np.asarray(lower) * scale
            frame.loc[rows, high] = np.asarray(upper) * scale


def _fault(frame: pd.DataFrame, bad: pd.Series, path: str, column: str | None,
           message: str) -> None:
    if not bad.any():
        return
    column = frame.attrs.get("file_columns", {}).get(column, column) if column else None
    first = bad.idxmax()
    line = int(frame.at[first, "_line"])
    where = f"line {line}" + (f", column {column!r}" if column else "")
    more = f" ({int(bad.sum())} such rows)" if bad.sum() > 1 else ""
    raise IndicatorFileError(f"{path}: {where}: {message}{more}", path=path, line=line,
                             column=column)


__all__ = [
    "FINGERTIPS_COLUMNS", "FINGERTIPS_NEXT_COLUMNS", "ELS_COLUMNS", "KEY_COLUMNS", "LAYOUTS",
    "VALUE_COLUMNS", "IndicatorTable", "Polarity", "content_hash", "detect_layout",
    "els_indicator_id", "read_indicator_file",
]
