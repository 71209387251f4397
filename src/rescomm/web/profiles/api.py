"""JSON API of the indicator store: ``/api/indicators/...`` (public, read-only, open data).

Every answer that shows values names the release they come from (its number and content
hash): by default an indicator's current release, the latest one that holds it.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from rescomm.web.core.errors import ApiError
from rescomm.web.core.schemas import errors

from . import store
from .models import Indicator, Release

router = Router(tags=["indicators"])

INDICATOR = Path(..., pattern=r"^[A-Za-z0-9:._-]{1,120}$",
                 description="Indicator id, e.g. 241 (Fingertips) or "
                             "ons-els:claimant-count (ONS Explore Local Statistics)")
MAX_VALUES = 5000


class ReleaseOut(Schema):
    id: int
    content_hash: str
    loaded_at: datetime
    source: str
    file_name: str
    layout: str
    row_count: int
    indicator_count: int
    notes: list[str]


class IndicatorOut(Schema):
    id: str
    name: str
    definition: str
    source: str
    licence: str
    polarity: str
    value_type: str
    multiplier: float | None
    unit: str
    time_period: str
    geography: str
    release: int


class ValueOut(Schema):
    area_code: str
    area_name: str
    area_type: str
    period: str
    period_start: date
    sex: str
    age: str
    category: str
    count: float | None
    denominator: float | None
    value: float | None
    lower_95: float | None
    upper_95: float | None
    lower_99_8: float | None
    upper_99_8: float | None
    note: str


class ValuesOut(Schema):
    indicator: IndicatorOut
    release: ReleaseOut
    count: int
    values: list[ValueOut]


def _release_out(release: Release) -> dict:
    return {
        "id": release.pk, "content_hash": release.content_hash, "loaded_at": release.loaded_at,
        "source": release.source, "file_name": release.file_name, "layout": release.layout,
        "row_count": release.row_count, "indicator_count": release.indicator_count,
        "notes": [str(n) for n in release.notes],
    }


def _indicator_out(indicator: Indicator) -> dict:
    return {
        "id": indicator.indicator_id, "name": indicator.name,
        "definition": indicator.definition, "source": indicator.source,
        "licence": indicator.licence, "polarity": indicator.polarity,
        "value_type": indicator.value_type, "multiplier": indicator.multiplier,
        "unit": indicator.unit, "time_period": indicator.time_period,
        "geography": indicator.geography, "release": indicator.current_release_id,
    }


@router.get("", response=list[IndicatorOut], summary="Every indicator in the store")
def indicator_list(request: HttpRequest):
    """Each indicator's metadata (polarity, value type, multiplier, ...) and ``release``, the
    number of its current release (the latest that holds it)."""
    return [_indicator_out(i) for i in store.indicators()]


@router.get("/releases", response=list[ReleaseOut], summary="Every release, oldest first")
def release_list(request: HttpRequest):
    """One release per distinct load: content hash, when, from which file and source."""
    return [_release_out(r) for r in store.releases()]


@router.get(
    "/{indicator_id}/values",
    response={200: ValuesOut, **errors(400, 404)},
    summary="An indicator's values, for an area and/or area type, with the release shown",
)
def indicator_values(
    request: HttpRequest,
    indicator_id: str = INDICATOR,
    area: str | None = Query(None, pattern=r"^[A-Za-z0-9]{1,32}$",
                             description="Area code, e.g. E06000006 (Halton)"),
    area_type: str | None = Query(None, max_length=100,
                                  description="Area type as the source names it, e.g. "
                                              "'Counties and Unitary Authorities'"),
    release: int | None = Query(None, ge=1, description="Release number (default: the "
                                                         "indicator's current release)"),
):
    """Values in period order, at most 5,000 (narrow with ``area`` or ``area_type``)."""
    indicator = Indicator.objects.select_related("current_release").filter(
        indicator_id=indicator_id).first()
    if indicator is None:
        raise ApiError(404, "not_found", f"There is no indicator {indicator_id!r}; "
                                         "GET /api/indicators/ lists them.")
    chosen = None
    if release is not None:
        try:
            chosen = store.get_release(release)
        except store.ReleaseNotFoundError as exc:
            raise ApiError(404, "not_found", str(exc).capitalize() + ".") from exc
        if chosen.pk != indicator.current_release_id and indicator_id not in chosen.metadata:
            raise ApiError(404, "not_found", f"Release {release} does not hold indicator "
                                             f"{indicator_id!r}.")
    shown, query = store.values_for(indicator, release=chosen, area_code=area,
                                    area_type=area_type)
    total = query.count()
    if total > MAX_VALUES:
        raise ApiError(400, "too_many_values",
                       f"{total:,} values match; narrow the query with area or area_type "
                       f"(at most {MAX_VALUES:,}).")
    return {
        "indicator": _indicator_out(indicator),
        "release": _release_out(shown),
        "count": total,
        "values": list(query.values(*ValueOut.model_fields)),
    }
