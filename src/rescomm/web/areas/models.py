"""Geography reference data: local authorities, LSOA 2021 areas and their IMD 2025 scores.

Rows are written only by :mod:`rescomm.web.areas.services` (one atomic load per bundle version);
the models hold the invariants (code shapes, non-negative counts, deciles 1-10, ranks from 1).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

#: Number of LSOAs ranked in each edition of the English Indices of Deprivation (rank 1 = most
#: deprived). IoD 2025 ranks the 33,755 LSOAs (2021) in England.
IMD_RANKED_AREAS: dict[int, int] = {2025: 33_755}
IMD_EDITION = 2025


class ImdDomain(models.TextChoices):
    """IoD 2025 domains and sub-domains, in publication order (``imd`` is the overall index)."""

    IMD = "imd", "Index of Multiple Deprivation (overall)"
    INCOME = "income", "Income"
    EMPLOYMENT = "employment", "Employment"
    EDUCATION = "education", "Education, skills and training"
    HEALTH = "health", "Health deprivation and disability"
    CRIME = "crime", "Crime"
    HOUSING_AND_SERVICES = "housing_and_services", "Barriers to housing and services"
    ENVIRONMENT = "environment", "Living environment"
    CHILDREN_AND_YOUNG_PEOPLE = "children_and_young_people", "Children and young people"
    ADULT_SKILLS = "adult_skills", "Adult skills"
    GEOGRAPHICAL_BARRIERS = "geographical_barriers", "Geographical barriers"
    WIDER_BARRIERS = "wider_barriers", "Wider barriers"
    INDOORS = "indoors", "Indoors living environment"
    OUTDOORS = "outdoors", "Outdoors living environment"


#: Sub-domain -> the domain it belongs to.
IMD_SUBDOMAIN_PARENT: dict[str, str] = {
    ImdDomain.CHILDREN_AND_YOUNG_PEOPLE: ImdDomain.EDUCATION,
    ImdDomain.ADULT_SKILLS: ImdDomain.EDUCATION,
    ImdDomain.GEOGRAPHICAL_BARRIERS: ImdDomain.HOUSING_AND_SERVICES,
    ImdDomain.WIDER_BARRIERS: ImdDomain.HOUSING_AND_SERVICES,
    ImdDomain.INDOORS: ImdDomain.ENVIRONMENT,
    ImdDomain.OUTDOORS: ImdDomain.ENVIRONMENT,
}


def imd_display_order() -> list[str]:
    """Domains in reading order: the overall index, then each domain followed by its sub-domains."""
    order: list[str] = []
    for domain in ImdDomain:
        if domain.value in IMD_SUBDOMAIN_PARENT:
            continue
        order.append(domain.value)
        order.extend(sub for sub, parent in IMD_SUBDOMAIN_PARENT.items() if parent == domain)
    return order


class DataLoad(models.Model):
    """A completed load of a reference-data bundle; the checksum makes re-loading a no-op.

    ``checksum`` is the SHA-256 of the bundle MANIFEST, the loader version and the loaded scope
    (local authority codes), so the same bundle loaded twice is recognised, and a new bundle or
    another scope replaces the data. At most one row per ``name``.
    """

    name = models.CharField(max_length=40, unique=True)
    checksum = models.CharField(max_length=64)
    scope = models.JSONField(default=list, help_text="Local authority codes loaded.")
    counts = models.JSONField(default=dict, help_text="Rows written per table.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} {self.checksum[:12]} ({self.loaded_at:%Y-%m-%d %H:%M})"

    @property
    def version(self) -> str:
        """A short form of the checksum, used in cache keys and shown on pages."""
        return self.checksum[:12]


class LocalAuthority(models.Model):
    """A lower-tier local authority district (LAD 2024 code)."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith="E0") | Q(code__startswith="W0"),
                name="local_authority_code_is_ons_lad",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Lsoa21(models.Model):
    """A Lower Layer Super Output Area (2021 edition) with its parent geographies and population.

    ``boundary`` is a GeoJSON geometry (WGS84, coordinates rounded to 5 decimal places, about 1 m)
    of the ONS super-generalised clipped boundary. ``population`` is Census 2021 usual residents;
    ``population_by_age`` lists ``{"band": "0-4", "count": n}`` in age order.
    """

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="lsoas"
    )
    msoa_code = models.CharField(max_length=9)
    msoa_name = models.CharField(max_length=100)
    ward_code = models.CharField(max_length=9)
    ward_name = models.CharField(max_length=100)
    icb_code = models.CharField(max_length=9)
    icb_name = models.CharField(max_length=150)
    region_code = models.CharField(max_length=9)
    region_name = models.CharField(max_length=100)
    urban_rural = models.CharField(max_length=20)
    population = models.PositiveIntegerField(null=True)
    population_by_age = models.JSONField(default=list)
    boundary = models.TextField(help_text="GeoJSON geometry, WGS84.")
    centroid_latitude = models.FloatField()
    centroid_longitude = models.FloatField()

    class Meta:
        ordering = ["code"]
        verbose_name = "LSOA (2021)"
        verbose_name_plural = "LSOAs (2021)"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith="E01") | Q(code__startswith="W01"),
                name="lsoa21_code_is_ons_lsoa",
            ),
            models.CheckConstraint(
                condition=Q(centroid_latitude__gte=-90, centroid_latitude__lte=90)
                & Q(centroid_longitude__gte=-180, centroid_longitude__lte=180),
                name="lsoa21_centroid_is_wgs84",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("insight:lsoa21-detail", args=[self.code])


class Deprivation(models.Model):
    """One IoD domain (or the overall IMD) score, rank and decile for one LSOA and edition.

    Rank 1 is the most deprived LSOA in England; decile 1 is the most deprived 10%. Higher scores
    are more deprived (the scales differ between domains).
    """

    lsoa = models.ForeignKey(Lsoa21, on_delete=models.CASCADE, related_name="deprivation")
    edition = models.PositiveSmallIntegerField(default=IMD_EDITION)
    domain = models.CharField(max_length=40, choices=ImdDomain.choices)
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    decile = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lsoa", "edition", "domain"], name="deprivation_one_per_domain"
            ),
            models.CheckConstraint(
                condition=Q(decile__gte=1, decile__lte=10), name="deprivation_decile_1_to_10"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="deprivation_rank_from_1"),
        ]
        indexes = [models.Index(fields=["edition", "domain", "decile"])]

    def __str__(self) -> str:
        return f"{self.lsoa_id} IoD {self.edition} {self.domain}: decile {self.decile}"

    @property
    def ranked_areas(self) -> int:
        """How many LSOAs this edition ranks (the largest possible rank)."""
        return IMD_RANKED_AREAS[self.edition]


class Lsoa11Successor(models.Model):
    """ONS LSOA 2011 -> 2021 best-fit lookup row (U unchanged, S split, M merged, X complex)."""

    lsoa11_code = models.CharField(max_length=9, db_index=True)
    lsoa21_code = models.CharField(max_length=9)
    change = models.CharField(max_length=1)

    class Meta:
        ordering = ["lsoa11_code", "lsoa21_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["lsoa11_code", "lsoa21_code"], name="lsoa11_successor_unique"
            ),
            models.CheckConstraint(
                condition=Q(change__in=["U", "S", "M", "X"]), name="lsoa11_successor_change_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lsoa11_code} -> {self.lsoa21_code} ({self.change})"
