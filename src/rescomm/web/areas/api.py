"""JSON API for geography: ``/api/areas/...`` and ``/api/postcodes/...`` (public, read-only)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from pydantic import WithJsonSchema

from rescomm.web.core.errors import ApiError
from rescomm.web.core.schemas import errors

from . import postcodes, queries
from .models import IMD_EDITION, IMD_RANKED_AREAS

areas_router = Router(tags=["areas"])
postcodes_router = Router(tags=["postcodes"])


class NamedCode(Schema):
    code: str
    name: str


class AgeBand(Schema):
    band: str
    count: int


class Population(Schema):
    total: int | None
    by_age: list[AgeBand]
    source: str


class DomainOut(Schema):
    domain: str
    label: str
    parent: str | None
    score: float
    rank: int
    decile: int


class Deprivation(Schema):
    edition: int
    ranked_areas: int
    note: str
    domains: list[DomainOut]


class LsoaOut(Schema):
    code: str
    name: str
    local_authority: NamedCode
    msoa: NamedCode
    ward: NamedCode
    icb: NamedCode
    region: NamedCode
    urban_rural: str
    population: Population
    deprivation: Deprivation
    url: str


class PostcodeOut(Schema):
    postcode: str
    latitude: float | None = None
    longitude: float | None = None
    easting: float | None = None
    northing: float | None = None
    lsoa11_code: str | None = None
    lsoa21_code: str | None = None
    lsoa21_method: str | None = None
    lsoa21_exact: bool | None = None
    msoa21_code: str | None = None
    lad_code: str | None = None
    lad_name: str | None = None
    icb_code: str | None = None
    icb_name: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    lsoa21_url: str | None = None


@areas_router.get(
    "/lsoa21/{code}",
    response={200: LsoaOut, **errors(400, 404)},
    summary="One LSOA (2021): names, parent areas, population and IMD 2025 domains",
)
def lsoa21_detail(
    request: HttpRequest,
    code: str = Path(..., pattern=queries.LSOA_CODE_PATTERN, description="e.g. E01033756"),
):
    """IMD ranks run from 1 (most deprived of the 33,755 LSOAs in England); deciles from 1
    (most deprived 10%). A 2011 LSOA code that was replaced in 2021 gives 404 with code
    ``lsoa11_code`` and a message naming its 2021 successors."""
    try:
        lsoa = queries.get_lsoa(code)
    except queries.LsoaNotFoundError as exc:
        raise ApiError(
            404, "lsoa11_code" if exc.is_2011_code else "not_found", exc.message
        ) from exc
    return {
        "code": lsoa.code,
        "name": lsoa.name,
        "local_authority": {"code": lsoa.local_authority.code, "name": lsoa.local_authority.name},
        "msoa": {"code": lsoa.msoa_code, "name": lsoa.msoa_name},
        "ward": {"code": lsoa.ward_code, "name": lsoa.ward_name},
        "icb": {"code": lsoa.icb_code, "name": lsoa.icb_name},
        "region": {"code": lsoa.region_code, "name": lsoa.region_name},
        "urban_rural": lsoa.urban_rural,
        "population": {
            "total": lsoa.population,
            "by_age": lsoa.population_by_age,
            "source": "Census 2021 usual residents (ONS TS007A)",
        },
        "deprivation": {
            "edition": IMD_EDITION,
            "ranked_areas": IMD_RANKED_AREAS[IMD_EDITION],
            "note": "rank 1 = most deprived in England; decile 1 = most deprived 10%",
            "domains": [vars(score) for score in queries.domain_scores(lsoa)],
        },
        "url": request.build_absolute_uri(lsoa.get_absolute_url()),
    }


@areas_router.get(
    "/lsoa21.geojson",
    response={200: dict, **errors(400, 404)},
    summary="LSOA (2021) boundaries with IMD 2025 decile, as GeoJSON",
    openapi_extra={
        "responses": {
            200: {
                "description": "A GeoJSON FeatureCollection (WGS84); feature properties: code, "
                "name, lad_code, imd_decile (1 = most deprived 10%), url.",
                "content": {"application/geo+json": {}},
            }
        }
    },
)
def lsoa21_geojson(
    request: HttpRequest,
    lad: str | None = Query(
        None, pattern=queries.LAD_CODE_PATTERN, description="Local authority code, e.g. E06000006"
    ),
):
    """Simplified (super-generalised) boundaries; all loaded LSOAs unless ``lad`` is given
    (400 if it is not a local authority code, 404 if that authority is not in the data)."""
    if lad and not queries.local_authority_exists(lad):
        loaded = ", ".join(la.code for la in queries.local_authorities())
        raise ApiError(
            404, "not_found", f"No local authority {lad} in the loaded data; use one of: "
            f"{loaded}.")
    response = HttpResponse(queries.lsoa_geojson(lad=lad), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


#: The postcodes the schema documents: a subset of what ``rescomm.geo.normalise_postcode``
#: accepts (it also takes any whitespace inside), so nothing the schema allows is refused.
POSTCODE_PATTERN = r"^ *(?:[A-Za-z]{1,2}[0-9][A-Za-z0-9]?|[Gg][Ii][Rr]) ?[0-9][A-Za-z]{2} *$"


@postcodes_router.get(
    "/{postcode}",
    response={200: PostcodeOut, **errors(400, 404)},
    summary="Where a postcode is: coordinates and area codes (Cheshire & Merseyside)",
)
def postcode_detail(
    request: HttpRequest,
    postcode: Annotated[str, WithJsonSchema({"type": "string", "pattern": POSTCODE_PATTERN})]
    = Path(..., description="A UK postcode in any case, with or without the space, e.g. "
           "L1 8JQ or l18jq"),
):
    """Any spelling of the postcode is accepted (``l18jq``, ``L1 8JQ``). Errors: 400
    ``invalid_postcode``; 404 ``postcode_not_found`` or ``postcode_terminated``."""
    invalid, unknown, terminated, other = postcodes.geo_errors()
    try:
        record = postcodes.lookup_postcode(postcode)
    except invalid as exc:
        message = f"{postcode!r} is not a valid UK postcode; use a full postcode such as 'L1 8JQ'."
        raise ApiError(400, "invalid_postcode", message, {"postcode": [message]}) from exc
    except unknown as exc:
        raise ApiError(
            404,
            "postcode_not_found",
            f"Postcode {getattr(exc, 'postcode', postcode)} is not in the postcode data "
            "(Cheshire and Merseyside postcodes only).",
        ) from exc
    except terminated as exc:
        raise ApiError(
            404,
            "postcode_terminated",
            f"Postcode {getattr(exc, 'postcode', postcode)} was terminated"
            f"{postcodes.terminated_when(exc)} and is no longer in use; use a current postcode.",
        ) from exc
    except other as exc:
        raise ApiError(400, "invalid_postcode", postcodes.api_message(exc)) from exc
    fields = postcodes.record_as_dict(record)
    fields.setdefault("lsoa21_exact", getattr(record, "lsoa21_exact", None))
    lsoa21 = fields.get("lsoa21_code")
    url = None
    if lsoa21 and queries.lsoa_exists(lsoa21):
        url = request.build_absolute_uri(reverse("insight:lsoa21-detail", args=[lsoa21]))
    return {
        **{name: fields.get(name) for name in PostcodeOut.model_fields if name != "lsoa21_url"},
        "lsoa21_url": url,
    }
