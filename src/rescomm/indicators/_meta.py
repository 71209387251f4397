"""Indicator metadata: what an indicator measures, how, and which way is better.

The metadata YAML format (``rescomm indicators load FILE --metadata M.yaml``) is documented in
``docs/profiles.md``; :func:`read_metadata` validates it and names the file, the indicator and
the key of any fault.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

import yaml

from ._errors import IndicatorFileError


class Polarity(StrEnum):
    """Which direction is better (the words of :func:`rescomm.stats.recent_trend`)."""

    HIGH_IS_GOOD = "high_is_good"
    LOW_IS_GOOD = "low_is_good"  # "high is bad"
    NO_JUDGEMENT = "no_judgement"


class ValueType(StrEnum):
    """The statistic a value is (Fingertips' value types, plus ``other`` for plain amounts)."""

    PROPORTION = "proportion"
    CRUDE_RATE = "crude_rate"
    DIRECTLY_STANDARDISED_RATE = "directly_standardised_rate"
    INDIRECTLY_STANDARDISED_RATIO = "indirectly_standardised_ratio"
    INDIRECTLY_STANDARDISED_PROPORTION = "indirectly_standardised_proportion"
    MEAN = "mean"
    SCORE = "score"
    COUNT = "count"
    OTHER = "other"

    @property
    def needs_denominator(self) -> bool:
        """A proportion or rate: its value is a count over a positive denominator."""
        return self in {ValueType.PROPORTION, ValueType.CRUDE_RATE,
                        ValueType.DIRECTLY_STANDARDISED_RATE,
                        ValueType.INDIRECTLY_STANDARDISED_PROPORTION}


#: Fingertips' words for value types (FingertipsNext ``ValueType``; the classic site's
#: "Value type" in the indicator metadata) -> :class:`ValueType`.
FINGERTIPS_VALUE_TYPES = {
    "proportion": ValueType.PROPORTION,
    "crude rate": ValueType.CRUDE_RATE,
    "directly standardised rate": ValueType.DIRECTLY_STANDARDISED_RATE,
    "indirectly standardised ratio": ValueType.INDIRECTLY_STANDARDISED_RATIO,
    "indirectly standardised proportion": ValueType.INDIRECTLY_STANDARDISED_PROPORTION,
    "mean": ValueType.MEAN,
    "score": ValueType.SCORE,
    "count": ValueType.COUNT,
}

#: The columns of a generic table a metadata file can name (``columns:``), tidy name -> meaning.
TABLE_COLUMNS = {
    "area_code": "area code (required)",
    "area_name": "area name",
    "area_type": "area type",
    "period": "time period (required unless `period:` gives one for the whole file)",
    "sex": "sex",
    "age": "age band",
    "numerator": "numerator (count)",
    "denominator": "denominator",
    "value": "value (required unless numerator and denominator are given)",
    "lower_95": "lower 95% confidence limit",
    "upper_95": "upper 95% confidence limit",
    "lower_99_8": "lower 99.8% confidence limit",
    "upper_99_8": "upper 99.8% confidence limit",
}

#: Keys of one indicator in a metadata file.
INDICATOR_KEYS = {
    "id", "name", "definition", "source", "licence", "polarity", "value_type", "multiplier",
    "unit", "time_period", "geography", "columns", "period", "area_type", "sex", "age",
}


@dataclass(frozen=True)
class IndicatorMeta:
    """One indicator's metadata.

    ``columns`` (generic tables only) maps tidy names (:data:`TABLE_COLUMNS`) to the file's
    column names; ``period``, ``area_type``, ``sex`` and ``age`` give a constant for the
    whole file where it has no such column.
    """

    id: str
    name: str
    definition: str = ""
    source: str = ""
    licence: str = ""
    polarity: Polarity = Polarity.NO_JUDGEMENT
    value_type: ValueType = ValueType.OTHER
    multiplier: float | None = None
    unit: str = ""
    time_period: str = ""
    geography: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    period: str | None = None
    area_type: str | None = None
    sex: str | None = None
    age: str | None = None
    #: the keys a metadata file set (these override what a data file says, even to a default)
    given: frozenset[str] = field(default=frozenset(), compare=False)

    def as_record(self) -> dict[str, Any]:
        """The descriptive metadata as plain values (stored with a release, hashed)."""
        out = asdict(self)
        for key in ("columns", "period", "area_type", "sex", "age", "given"):
            out.pop(key)
        out["polarity"] = self.polarity.value
        out["value_type"] = self.value_type.value
        return out

    def merged(self, override: IndicatorMeta | None) -> IndicatorMeta:
        """This metadata with every field ``override`` sets (non-empty) taking precedence."""
        if override is None:
            return self
        changes = {}
        defaults = IndicatorMeta(id=self.id, name="")
        for key, value in asdict(override).items():
            if key in ("id", "given"):
                continue
            if override.given:
                if key in override.given:
                    changes[key] = getattr(override, key)
                continue
            if key in ("polarity", "value_type"):
                if value != getattr(defaults, key):
                    changes[key] = getattr(override, key)
            elif value not in ("", None, {}):
                changes[key] = getattr(override, key)
        return replace(self, **changes)


def _enum(enum: type[Enum], value: Any, *, where: str, key: str) -> Enum:
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if text == "high_is_bad":
        text = "low_is_good"
    try:
        return enum(text)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise IndicatorFileError(
            f"{where}: {key} {value!r} is not one of {choices}", path=where, column=key
        ) from None


def parse_polarity(value: Any, *, where: str = "polarity") -> Polarity:
    """``high_is_good``, ``low_is_good`` (or ``high_is_bad``), ``no_judgement``."""
    return _enum(Polarity, value, where=where, key="polarity")  # type: ignore[return-value]


def parse_value_type(value: Any, *, where: str = "value_type") -> ValueType:
    """A :class:`ValueType` from its name or Fingertips' wording ("Crude rate", ...)."""
    found = FINGERTIPS_VALUE_TYPES.get(str(value).strip().lower())
    if found is not None:
        return found
    return _enum(ValueType, value, where=where, key="value_type")  # type: ignore[return-value]


def read_metadata(path: str | Path) -> dict[str, IndicatorMeta]:
    """Read and check a metadata YAML file: ``{"indicators": [{id, name, ...}, ...]}``.

    Raises
    ------
    IndicatorFileError
        The file is missing, not YAML, or an indicator lacks ``id``/``name``, has an unknown
        key, polarity or value type, a multiplier that is not a positive number, or an unknown
        column name; the message names the file, the indicator and the key.
    """
    path = Path(path)
    if not path.is_file():
        raise IndicatorFileError(f"metadata file {path} not found", path=str(path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise IndicatorFileError(f"{path}: not a YAML file ({first})", path=str(path)) from exc
    items = raw.get("indicators") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise IndicatorFileError(
            f"{path}: expected `indicators:` with a list of indicators (id, name, ...)",
            path=str(path))
    out: dict[str, IndicatorMeta] = {}
    for number, item in enumerate(items, start=1):
        meta = _indicator(item, where=f"{path}: indicator {number}")
        if meta.id in out:
            raise IndicatorFileError(f"{path}: indicator id {meta.id!r} appears twice",
                                     path=str(path), column="id")
        out[meta.id] = meta
    return out


def _indicator(item: Any, *, where: str) -> IndicatorMeta:
    if not isinstance(item, dict):
        raise IndicatorFileError(f"{where}: expected a mapping of keys (id, name, ...)",
                                 path=where)
    unknown = sorted(set(item) - INDICATOR_KEYS)
    if unknown:
        raise IndicatorFileError(
            f"{where}: unknown key {unknown[0]!r}; keys are {', '.join(sorted(INDICATOR_KEYS))}",
            path=where, column=unknown[0])
    for key in ("id", "name"):
        if item.get(key) in (None, ""):
            raise IndicatorFileError(f"{where}: `{key}` is missing", path=where, column=key)
    where = f"{where.rsplit(': indicator', 1)[0]}: indicator {item['id']}"
    multiplier = item.get("multiplier")
    if multiplier is not None:
        try:
            multiplier = float(multiplier)
        except (TypeError, ValueError):
            multiplier = -1.0
        if not multiplier > 0:
            raise IndicatorFileError(
                f"{where}: multiplier {item.get('multiplier')!r} is not a positive number "
                "(e.g. 100 for a percentage, 100000 for a rate per 100,000)",
                path=where, column="multiplier")
    columns = item.get("columns") or {}
    if not isinstance(columns, dict):
        raise IndicatorFileError(f"{where}: `columns` must map names to the file's columns",
                                 path=where, column="columns")
    bad = sorted(set(columns) - set(TABLE_COLUMNS))
    if bad:
        raise IndicatorFileError(
            f"{where}: unknown column name {bad[0]!r} under `columns`; use "
            f"{', '.join(TABLE_COLUMNS)}", path=where, column=bad[0])

    def text(key: str) -> str:
        value = item.get(key)
        return "" if value is None else str(value).strip()

    def optional(key: str) -> str | None:
        return text(key) or None

    return IndicatorMeta(
        id=text("id"),
        name=text("name"),
        definition=text("definition"),
        source=text("source"),
        licence=text("licence"),
        polarity=(parse_polarity(item["polarity"], where=where) if "polarity" in item
                  else Polarity.NO_JUDGEMENT),
        value_type=(parse_value_type(item["value_type"], where=where) if "value_type" in item
                    else ValueType.OTHER),
        multiplier=multiplier,
        unit=text("unit"),
        time_period=text("time_period"),
        geography=text("geography"),
        columns={str(k): str(v) for k, v in columns.items()},
        period=optional("period"),
        area_type=optional("area_type"),
        sex=optional("sex"),
        age=optional("age"),
        given=frozenset(item) - {"id"},
    )
