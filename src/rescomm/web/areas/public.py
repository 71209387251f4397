"""The areas app's public interface: what other web apps (insight, social prescribing, the asset
map) use of the geography reference data. Other apps import this module only (an import-linter
contract in ``pyproject.toml``); the models, queries and services behind it are private to
``rescomm.web.areas``.

- Look-ups: :func:`lsoa_names`, :func:`local_authority_names`, :func:`lsoa_shapes`,
  :func:`imd_decile`, and the read-side functions of :mod:`.queries` listed in ``__all__``.
- Postcodes for the web layer (:mod:`.postcodes`): :func:`lookup_postcode` and the wording of
  its errors for forms (:func:`problem_of`) and API clients (:func:`api_message`).
- ``IMD_EDITION`` (the loaded IMD edition) and ``IMD_RANKED_AREAS`` (how many LSOAs England
  ranks, by edition).
"""

from __future__ import annotations

from collections.abc import Iterable

from rescomm.web.core.batches import chunked

from .models import IMD_EDITION, IMD_RANKED_AREAS, Deprivation, LocalAuthority, Lsoa21
from .postcodes import (
    api_message,
    geo_errors,
    lookup_postcode,
    problem_of,
    record_as_dict,
    terminated_when,
)
from .queries import (
    AREA_CODE_PATTERN,
    LAD_CODE_PATTERN,
    LSOA_CODE_PATTERN,
    DomainScore,
    LsoaNotFoundError,
    current_load,
    data_version,
    decile_summary,
    domain_scores,
    get_lsoa,
    local_authorities,
    local_authority_exists,
    lsoa_exists,
    lsoa_geojson,
    lsoa_table,
    map_areas,
    normalise_code,
)

__all__ = [
    "AREA_CODE_PATTERN", "IMD_EDITION", "IMD_RANKED_AREAS", "LAD_CODE_PATTERN",
    "LSOA_CODE_PATTERN", "DomainScore", "LsoaNotFoundError", "api_message", "current_load",
    "data_version", "decile_summary", "domain_scores", "geo_errors", "get_lsoa", "imd_decile",
    "local_authorities", "local_authority_exists", "local_authority_names", "lookup_postcode",
    "lsoa_exists", "lsoa_geojson", "lsoa_names", "lsoa_shapes", "lsoa_table", "map_areas",
    "normalise_code", "problem_of", "record_as_dict", "terminated_when",
]


def _names(model, codes: Iterable[str] | None) -> dict[str, str]:
    if codes is None:
        return dict(model.objects.values_list("code", "name"))
    found: dict[str, str] = {}
    for chunk in chunked(dict.fromkeys(codes)):
        found.update(model.objects.filter(code__in=chunk).values_list("code", "name"))
    return found


def lsoa_names(codes: Iterable[str] | None = None) -> dict[str, str]:
    """LSOA 2021 code -> name for the loaded areas (all, or those of ``codes`` loaded)."""
    return _names(Lsoa21, codes)


def local_authority_names(codes: Iterable[str] | None = None) -> dict[str, str]:
    """Local authority code -> name for the loaded ones (all, or those of ``codes``)."""
    return _names(LocalAuthority, codes)


def lsoa_shapes() -> list[tuple[str, str, str]]:
    """``(code, name, GeoJSON geometry text)`` of every loaded LSOA 2021, by code."""
    return list(Lsoa21.objects.order_by("code").values_list("code", "name", "boundary"))


def imd_decile(lsoa21_code: str, *, edition: int = IMD_EDITION) -> int | None:
    """IMD decile (1 = most deprived tenth of England's LSOAs) of ``lsoa21_code`` in
    ``edition``, or None if not loaded."""
    return (Deprivation.objects.filter(lsoa_id=lsoa21_code, edition=edition, domain="imd")
            .values_list("decile", flat=True).first())
