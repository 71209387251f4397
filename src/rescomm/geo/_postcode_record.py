"""The :class:`PostcodeRecord` value object and the vocabulary of ``lsoa21_method``."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

#: How a postcode's 2021 LSOA was obtained -> (exact?, explanation).
LSOA21_METHODS: dict[str, tuple[bool, str]] = {
    "onspd": (
        True,
        "LSOA 2021 as assigned by ONS in the ONS Postcode Directory (exact).",
    ),
    "lsoa11_to_lsoa21_one_to_one_or_merge": (
        True,
        "The postcode's 2011 LSOA (ONSPD) maps to a single 2021 LSOA in the ONS LSOA 2011 -> 2021 "
        "lookup (unchanged or merged), so the 2021 LSOA follows exactly.",
    ),
    "lsoa11_split_pip_bsc_boundaries_approx": (
        False,
        "The 2011 LSOA was split in 2021; the child LSOA was chosen by point-in-polygon of the "
        "postcode centroid on super-generalised (BSC) boundaries: approximate (~89% right).",
    ),
    "pip_bsc_boundaries_approx_no_lsoa11": (
        False,
        "No 2011 LSOA was available (postcode newer than May 2022); the 2021 LSOA was chosen by "
        "point-in-polygon on super-generalised (BSC) boundaries: approximate (~89% right).",
    ),
}

#: ``lsoa21_method`` values whose LSOA 2021 is exact.
EXACT_LSOA21_METHODS = frozenset(m for m, (exact, _) in LSOA21_METHODS.items() if exact)


@dataclass(frozen=True, slots=True)
class PostcodeRecord:
    """Everything rescomm knows about one postcode.

    Attributes
    ----------
    postcode : str
        ONS ``pcds`` format, e.g. ``"L1 8JQ"``.
    easting, northing : int or None
        Postcode centroid, British National Grid (EPSG:27700), metres (1 m resolution).
    latitude, longitude : float or None
        The same centroid in WGS84 (EPSG:4326), decimal degrees.
    lsoa11_code, lsoa21_code : str or None
        Lower layer super output area, 2011 and 2021 definitions.
    lsoa21_method : str or None
        How ``lsoa21_code`` was obtained, a key of :data:`LSOA21_METHODS`; see
        :attr:`lsoa21_exact`.
    msoa11_code, msoa21_code : str or None
        Middle layer super output area, 2011 and 2021 definitions.
    lad_code, lad_name : str or None
        Local authority district (2024 best fit of the 2021 LSOA; the postcode's own ONSPD local
        authority where it has no 2021 LSOA).
    icb_code, icb_name : str or None
        NHS Integrated Care Board (2024), England only.
    region_code, region_name : str or None
        Region (England only).
    terminated : str or None
        ``"YYYYMM"`` when Royal Mail terminated the postcode; ``None`` while it is live.
    """

    postcode: str
    easting: int | None
    northing: int | None
    latitude: float | None
    longitude: float | None
    lsoa11_code: str | None
    lsoa21_code: str | None
    lsoa21_method: str | None
    msoa11_code: str | None
    msoa21_code: str | None
    lad_code: str | None
    lad_name: str | None
    icb_code: str | None
    icb_name: str | None
    region_code: str | None
    region_name: str | None
    terminated: str | None

    @property
    def lsoa21_exact(self) -> bool:
        """Whether ``lsoa21_code`` is exact (``False`` for approximate point-in-polygon)."""
        return self.lsoa21_method in EXACT_LSOA21_METHODS

    @property
    def is_terminated(self) -> bool:
        """Whether the postcode has been terminated by Royal Mail."""
        return self.terminated is not None

    def as_dict(self) -> dict[str, object]:
        """The fields as a plain ``dict`` (JSON-serialisable), in field order."""
        return dataclasses.asdict(self)


#: Field names of :class:`PostcodeRecord`, in order.
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(PostcodeRecord))
