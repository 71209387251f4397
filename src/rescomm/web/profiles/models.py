"""The indicator store: indicators, releases (one per distinct load) and their values.

A release is what one load wrote: its content hash (SHA-256 of the normalised data and
metadata, :func:`rescomm.indicators.content_hash`) is unique, so loading the same content
twice is one release. Releases are never changed after they are written; an indicator's
``current_release`` is the latest release that holds it, the one pages and the API show
unless asked for another.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from rescomm.indicators import Polarity, ValueType


class Release(models.Model):
    content_hash = models.CharField(max_length=64, unique=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    source = models.TextField(help_text="Where the data came from (file and publisher)")
    file_name = models.CharField(max_length=255)
    layout = models.CharField(max_length=20)
    loaded_by = models.CharField(max_length=150, blank=True)
    row_count = models.PositiveIntegerField()
    indicator_count = models.PositiveIntegerField()
    #: the metadata of each indicator as loaded (``IndicatorMeta.as_record()``), by id
    metadata = models.JSONField(default=dict)
    #: what the reader left out and why (exact duplicates, ambiguous rows)
    notes = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"release {self.pk} ({self.content_hash[:12]}, {self.file_name})"


class Indicator(models.Model):
    indicator_id = models.CharField(max_length=120, unique=True)
    name = models.TextField()
    definition = models.TextField(blank=True)
    source = models.TextField(blank=True)
    licence = models.CharField(max_length=200, blank=True)
    polarity = models.CharField(max_length=20, choices=[(p.value, p.value) for p in Polarity],
                                default=Polarity.NO_JUDGEMENT.value)
    value_type = models.CharField(max_length=40,
                                  choices=[(v.value, v.value) for v in ValueType],
                                  default=ValueType.OTHER.value)
    multiplier = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    time_period = models.CharField(max_length=200, blank=True)
    geography = models.TextField(blank=True)
    current_release = models.ForeignKey(Release, on_delete=models.PROTECT,
                                        related_name="current_indicators")

    class Meta:
        ordering = ["indicator_id"]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.name}"


class IndicatorValue(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area_code = models.CharField(max_length=32)
    area_name = models.TextField(blank=True)
    area_type = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=60)
    period_start = models.DateField()
    sex = models.CharField(max_length=40, blank=True)
    age = models.CharField(max_length=60, blank=True)
    category = models.CharField(max_length=200, blank=True)
    count = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    lower_95 = models.FloatField(null=True)
    upper_95 = models.FloatField(null=True)
    lower_99_8 = models.FloatField(null=True)
    upper_99_8 = models.FloatField(null=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "indicator", "area_code", "area_type", "period", "sex",
                        "age", "category"],
                name="profiles_value_one_per_key"),
        ]
        indexes = [models.Index(fields=["indicator", "area_code"],
                                name="profiles_value_ind_area")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_code} {self.period}: {self.value}"
