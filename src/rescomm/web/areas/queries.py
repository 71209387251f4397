"""Read-side access to geography reference data, for this app's API and for other apps' views.

Expensive renderings (GeoJSON for maps) are cached per data version: a new load changes the
version, so nothing stale is served.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet

from .models import (
    IMD_EDITION,
    IMD_RANKED_AREAS,
    IMD_SUBDOMAIN_PARENT,
    DataLoad,
    Deprivation,
    ImdDomain,
    LocalAuthority,
    Lsoa11Successor,
    Lsoa21,
    imd_display_order,
)
from .services import DEMO_LOAD_NAME

#: Shape of an ONS area code: country letter + two-digit entity + six digits.
AREA_CODE_PATTERN = r"^[EWSN][0-9]{8}$"
LSOA_CODE_PATTERN = r"^[EW]01[0-9]{6}$"
LAD_CODE_PATTERN = r"^[EW]0[6-9][0-9]{6}$"


class LsoaNotFoundError(LookupError):
    """No LSOA 2021 with this code is loaded; ``successors`` is set when it is a 2011 code."""

    def __init__(self, code: str, successors: list[Lsoa21] | None = None):
        self.code = code
        self.successors = successors or []
        self.is_2011_code = successors is not None
        if self.is_2011_code:
            names = ", ".join(s.code for s in self.successors) or "none loaded here"
            message = (
                f"{code} is a 2011 LSOA code, not a 2021 one; the 2021 LSOAs that replaced it "
                f"are: {names}."
            )
        else:
            message = f"There is no LSOA (2021) with code {code} in the loaded data."
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DomainScore:
    """One IoD domain for one LSOA, ready to show."""

    domain: str
    label: str
    parent: str | None
    score: float
    rank: int
    decile: int
    ranked_areas: int


def data_version() -> str:
    """Short checksum of the loaded data ("none" before any load); part of every cache key."""
    checksum = (
        DataLoad.objects.filter(name=DEMO_LOAD_NAME).values_list("checksum", flat=True).first()
    )
    return checksum[:12] if checksum else "none"


def current_load() -> DataLoad | None:
    """The loaded bundle's record (version, counts), or None."""
    return DataLoad.objects.filter(name=DEMO_LOAD_NAME).first()


def normalise_code(code: str) -> str:
    return code.strip().upper()


def get_lsoa(code: str) -> Lsoa21:
    """The LSOA 2021 ``code`` with its local authority.

    Raises
    ------
    LsoaNotFoundError
        If it is not loaded; says so when ``code`` is a 2011 LSOA code replaced in 2021.
    """
    code = normalise_code(code)
    lsoa = Lsoa21.objects.select_related("local_authority").filter(code=code).first()
    if lsoa is not None:
        return lsoa
    replaced = list(
        Lsoa11Successor.objects.filter(lsoa11_code=code)
        .exclude(lsoa21_code=code)
        .values_list("lsoa21_code", flat=True)
    )
    if replaced:
        raise LsoaNotFoundError(code, list(Lsoa21.objects.filter(code__in=replaced)))
    raise LsoaNotFoundError(code)


def lsoa_exists(code: str) -> bool:
    return Lsoa21.objects.filter(code=normalise_code(code)).exists()


def domain_scores(lsoa: Lsoa21, *, edition: int = IMD_EDITION) -> list[DomainScore]:
    """IoD scores of ``lsoa``: overall IMD first, then each domain followed by its sub-domains."""
    order = {domain: i for i, domain in enumerate(imd_display_order())}
    labels = dict(ImdDomain.choices)
    rows = Deprivation.objects.filter(lsoa=lsoa, edition=edition)
    return sorted(
        (
            DomainScore(
                domain=row.domain,
                label=labels[row.domain],
                parent=IMD_SUBDOMAIN_PARENT.get(row.domain),
                score=row.score,
                rank=row.rank,
                decile=row.decile,
                ranked_areas=IMD_RANKED_AREAS[edition],
            )
            for row in rows
        ),
        key=lambda s: order[s.domain],
    )


def local_authorities() -> QuerySet[LocalAuthority]:
    return LocalAuthority.objects.order_by("name")


def local_authority_exists(code: str) -> bool:
    return LocalAuthority.objects.filter(code=normalise_code(code)).exists()


def decile_summary(*, edition: int = IMD_EDITION) -> list[dict]:
    """Per local authority: name, code, number of LSOAs in each IMD decile (1-10) and in total."""
    counts = {
        (row["lsoa__local_authority_id"], row["decile"]): row["n"]
        for row in Deprivation.objects.filter(edition=edition, domain=ImdDomain.IMD)
        .values("lsoa__local_authority_id", "decile")
        .annotate(n=Count("id"))
    }
    summary = []
    for authority in local_authorities():
        per_decile = [counts.get((authority.code, decile), 0) for decile in range(1, 11)]
        summary.append(
            {
                "code": authority.code,
                "name": authority.name,
                "deciles": per_decile,
                "total": sum(per_decile),
            }
        )
    return summary


SORTS = {
    "code": ("code",),
    "name": ("name",),
    "lad": ("local_authority__name", "code"),
    "population": ("population", "code"),
    "rank": ("imd_rank", "code"),
    "decile": ("imd_decile", "imd_rank"),
}


def lsoa_table(
    *,
    lad: str | None = None,
    decile: int | None = None,
    search: str | None = None,
    sort: str = "rank",
    descending: bool = False,
    edition: int = IMD_EDITION,
) -> QuerySet[Lsoa21]:
    """LSOAs with their overall IMD rank/decile/score, filtered and sorted (see :data:`SORTS`)."""
    imd = Q(deprivation__edition=edition, deprivation__domain=ImdDomain.IMD)
    rows = (
        Lsoa21.objects.select_related("local_authority")
        .filter(imd)
        .annotate(
            imd_rank=F("deprivation__rank"),
            imd_decile=F("deprivation__decile"),
            imd_score=F("deprivation__score"),
        )
    )
    if lad:
        rows = rows.filter(local_authority_id=lad)
    if decile:
        rows = rows.filter(imd_decile=decile)
    if search:
        rows = rows.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(ward_name__icontains=search)
        )
    fields = SORTS[sort]
    return rows.order_by(*(f"-{f}" if descending else f for f in fields))


def map_areas(*, lads: Iterable[str] | None = None, edition: int = IMD_EDITION) -> list[dict]:
    """Code, name, LA, overall IMD decile and GeoJSON geometry text of each LSOA, by code."""
    rows = lsoa_table(edition=edition, sort="code")
    if lads:
        rows = rows.filter(local_authority_id__in=list(lads))
    return list(
        rows.values("code", "name", "local_authority_id", "imd_decile", "boundary").order_by("code")
    )


def lsoa_geojson(*, lad: str | None = None) -> bytes:
    """A GeoJSON FeatureCollection of LSOAs (all, or one LA's), cached per data version.

    Feature properties: ``code``, ``name``, ``lad_code``, ``imd_decile``, ``url``.
    """
    key = f"areas:lsoa21-geojson:{data_version()}:{lad or 'all'}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    from django.urls import reverse

    features = [
        {
            "type": "Feature",
            "properties": {
                "code": area["code"],
                "name": area["name"],
                "lad_code": area["local_authority_id"],
                "imd_decile": area["imd_decile"],
                "url": reverse("insight:lsoa21-detail", args=[area["code"]]),
            },
            "geometry": json.loads(area["boundary"]),
        }
        for area in map_areas(lads=[lad] if lad else None)
    ]
    body = json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":")
    ).encode()
    cache.set(key, body)
    return body
