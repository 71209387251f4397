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
