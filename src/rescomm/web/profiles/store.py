"""State changes and queries of the indicator store: load a release, list, read, compare.

:func:`load_table` writes one release in one transaction (all or nothing); loading content
already stored (the same content hash) writes nothing and returns that release.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.db import connection, transaction

from rescomm.indicators import (
    NUMBER_COLUMNS,
    VALUE_COLUMNS,
    IndicatorTable,
    ReleaseDiff,
    diff_values,
)

from .models import Indicator, IndicatorValue, Release

BATCH_SIZE = 5000
ProgressCallback = Callable[[str], None]


class ReleaseNotFoundError(LookupError):
    """No release with that number (the message says which exist)."""


@dataclass(frozen=True)
class LoadOutcome:
    """``created`` is False when the same content was already stored as ``release``."""

    release: Release
    created: bool
    seconds: float


def load_table(table: IndicatorTable, *, source: str, loaded_by: str = "",
               progress: ProgressCallback | None = None) -> LoadOutcome:
    """Store ``table`` as a new release, unless its content is already a release."""
    started = time.monotonic()
    say = progress or (lambda line: None)
    digest = table.content_hash
    existing = Release.objects.filter(content_hash=digest).first()
    if existing is not None:
        return LoadOutcome(existing, False, time.monotonic() - started)
    values = table.values
    with transaction.atomic():
        release = Release.objects.create(
            content_hash=digest, source=source, file_name=_file_name(table.path),
            layout=table.layout, loaded_by=loaded_by, row_count=len(values),
            indicator_count=len(table.indicators),
            metadata={key: meta.as_record() for key, meta in table.indicators.items()},
            notes=list(table.notes))
        ids = {}
        for key, meta in table.indicators.items():
            record = meta.as_record()
            record.pop("id")
            indicator, _ = Indicator.objects.update_or_create(
                indicator_id=key, defaults={**record, "current_release": release})
            ids[key] = indicator.pk
        _insert(release, values, ids, say)
    return LoadOutcome(release, True, time.monotonic() - started)


def _file_name(path: str) -> str:
    return str(path).replace("\\", "/").rsplit("/", 1)[-1][:255]


def _insert(release: Release, values: pd.DataFrame, ids: dict[str, int],
            say: ProgressCallback) -> None:
    """Insert the values in batches: PostgreSQL through ``COPY``, SQLite with one
    parameterised INSERT run over the rows (``executemany``); both several times faster
    than building model instances, and the table's constraints still check every row."""
    fields = ["release_id", *(("indicator_id" if c == "indicator_id" else c)
                              for c in VALUE_COLUMNS)]
    frame = values.loc[:, list(VALUE_COLUMNS)].astype({c: "object" for c in NUMBER_COLUMNS})
    frame[list(NUMBER_COLUMNS)] = frame[list(NUMBER_COLUMNS)].where(
        values[list(NUMBER_COLUMNS)].notna(), None)
    frame["indicator_id"] = frame["indicator_id"].map(ids).astype(object)
    frame.insert(0, "release_id", int(release.pk))
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(IndicatorValue._meta.db_table)} "  # noqa: S608 - our names
           f"({', '.join(quote(f) for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})")
    rows = list(frame.itertuples(index=False, name=None))
    total = len(rows)
    step = max(BATCH_SIZE, -(-total // 5))
    with connection.cursor() as cursor:
        for begin in range(0, total, step):
            batch = rows[begin:begin + step]
            if connection.vendor == "postgresql":  # COPY: the fastest way in (psycopg 3)
                copy_sql = (f"COPY {quote(IndicatorValue._meta.db_table)} "  # noqa: S608
                            f"({', '.join(quote(f) for f in fields)}) FROM STDIN")
                with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                    for row in batch:  # errors surface as Django's (IntegrityError, ...)
                        copy.write_row(row)
            else:
                cursor.executemany(sql, batch)
            say(f"values: {min(begin + step, total):,}/{total:,}")
    if total == 0:
        say("values: 0/0")


# --------------------------------------------------------------------------- queries
def releases() -> list[Release]:
    return list(Release.objects.order_by("id"))


def get_release(number: int) -> Release:
    release = Release.objects.filter(pk=number).first()
    if release is None:
        known = ", ".join(str(pk) for pk in Release.objects.values_list("pk", flat=True))
        raise ReleaseNotFoundError(
            f"there is no release {number}; " + (f"releases: {known}" if known
                                                 else "nothing has been loaded yet"))
    return release


def indicators() -> list[Indicator]:
    return list(Indicator.objects.select_related("current_release").order_by("indicator_id"))


def release_values(release: Release) -> pd.DataFrame:
    """A release's values as the tidy table (``VALUE_COLUMNS``)."""
    fields = [("indicator__indicator_id" if c == "indicator_id" else c) for c in VALUE_COLUMNS]
    rows = IndicatorValue.objects.filter(release=release).values_list(*fields)
    frame = pd.DataFrame.from_records(list(rows), columns=list(VALUE_COLUMNS))
    for column in NUMBER_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def diff(old: Release, new: Release, *, tolerance: float = 1e-6) -> ReleaseDiff:
    """What changed from release ``old`` to release ``new``."""
    return diff_values(release_values(old), release_values(new), tolerance=tolerance)


def values_for(indicator: Indicator, *, release: Release | None = None,
               area_code: str | None = None, area_type: str | None = None):
    """The values of ``indicator`` in ``release`` (default: its current release), for one
    area and/or area type, ordered by area, then period."""
    release = release or indicator.current_release
    query = IndicatorValue.objects.filter(release=release, indicator=indicator)
    if area_code:
        query = query.filter(area_code=area_code)
    if area_type:
        query = query.filter(area_type=area_type)
    return release, query.order_by("area_code", "area_type", "sex", "age", "category",
                                   "period_start", "period")


# --------------------------------------------------------------------------- profile pages
ENGLAND_CODE = "E92000001"


@dataclass(frozen=True)
class AreaType:
    """An area type of the profile pages' URLs and the store's area types it covers."""

    slug: str
    name: str
    plural: str
    store_types: tuple[str, ...]


#: ``la``: upper-tier local authorities (Fingertips' "Counties and Unitary Authorities").
AREA_TYPES = {"la": AreaType("la", "local authority", "local authorities",
                               ("Counties and Unitary Authorities",))}


@dataclass(frozen=True)
class ProfileRow:
    """One indicator of a profile for one area: its latest period, the area's value, England's
    and the comparison areas' (the rest of the same area type in the same period)."""

    indicator: Indicator
    period: str = ""
    sex: str = ""
    age: str = ""
    count: float | None = None
    value: float | None = None
    lower_95: float | None = None
    upper_95: float | None = None
    england: float | None = None
    outcome: str = "not compared"
    scale: object = None  # rescomm.indicators.SpineScale or None
    comparison_names: tuple[str, ...] = ()
    problem: str = ""


def _num(x) -> float | None:
    return None if x is None else float(x)


def area_name(area_type: AreaType, code: str) -> str | None:
    """The area's name if the store holds values for it as that area type, else None."""
    row = (IndicatorValue.objects.filter(area_type__in=area_type.store_types, area_code=code)
           .values_list("area_name", flat=True).first())
    if row is None:
        return None
    return row or code


def areas_of_type(area_type: AreaType) -> list[tuple[str, str]]:
    """(code, name) of every area of that type in the store, by name."""
    pairs = (IndicatorValue.objects.filter(area_type__in=area_type.store_types)
             .values_list("area_code", "area_name").distinct())
    return sorted(set(pairs), key=lambda p: (p[1] or p[0], p[0]))


def profile_rows(definition, area_type: AreaType, code: str) -> list[ProfileRow]:
    """A :class:`ProfileRow` per indicator of ``definition`` (a
    :class:`rescomm.indicators.ProfileDefinition`) for area ``code``: each indicator's current
    release, the sex and age the profile names, no category; the latest period for which any
    area of the type has a value; benchmarked against England's value at 95%."""
    from rescomm.indicators import benchmark, spine_scale

    rows = []
    for spec in definition.indicators:
        indicator = (Indicator.objects.select_related("current_release")
                     .filter(indicator_id=spec.indicator_id).first())
        if indicator is None:
            continue  # not loaded: the page lists it as missing
        base = IndicatorValue.objects.filter(indicator=indicator,
                                             release_id=indicator.current_release_id,
                                             sex=spec.sex, category="")
        if spec.age:
            base = base.filter(age=spec.age)
        local = base.filter(area_type__in=area_type.store_types, value__isnull=False)
        ages = sorted(set(local.values_list("age", flat=True)))
        if len(ages) > 1:
            rows.append(ProfileRow(indicator, sex=spec.sex, problem=(
                f"several age groups ({', '.join(ages)}); the profile must name one")))
            continue
        latest = local.order_by("-period_start").values_list("period", flat=True).first()
        if latest is None:
            rows.append(ProfileRow(indicator, sex=spec.sex, age=spec.age,
                                   problem=f"no {area_type.name} values for {spec.sex}"))
            continue
        same = local.filter(period=latest)
        comparison = list(same.values_list("area_code", "area_name", "value"))
        mine = same.filter(area_code=code).first()
        england = base.filter(area_code=ENGLAND_CODE, period=latest,
                              age=ages[0] if ages else spec.age).first()
        england_value = _num(england.value) if england else None
        value = _num(mine.value) if mine else None
        outcome = "not compared"
        if mine is not None and england_value is not None:
            outcome = str(benchmark(
                value, float("nan") if mine.lower_95 is None else mine.lower_95,
                float("nan") if mine.upper_95 is None else mine.upper_95,
                england_value, polarity=indicator.polarity))
        scale = None
        if england_value is not None and comparison:
            scale = spine_scale([c[2] for c in comparison], england_value,
                                polarity=indicator.polarity)
        rows.append(ProfileRow(
            indicator, period=latest, sex=spec.sex, age=ages[0] if ages else spec.age,
            count=_num(mine.count) if mine else None, value=value,
            lower_95=_num(mine.lower_95) if mine else None,
            upper_95=_num(mine.upper_95) if mine else None,
            england=england_value, outcome=outcome, scale=scale,
            comparison_names=tuple(sorted(c[1] or c[0] for c in comparison)),
            problem="" if mine is not None else f"no value for this area in {latest}"))
    return rows


def indicators_by_id(ids) -> dict[str, Indicator]:
    return {i.indicator_id: i for i in Indicator.objects.filter(indicator_id__in=list(ids))}
