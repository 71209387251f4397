"""Published composite-index results (``rescomm.measure`` builds) for the web pages and the API.

The web app never rebuilds an index per request: :mod:`rescomm.web.insight.publish` stores one
finished build (and, optionally, its Monte Carlo uncertainty) as an :class:`IndexRun` with its
nodes, one :class:`IndexValue` per area and node, and one :class:`IndexContribution` per area
and indicator. There is at most one run per framework; publishing again replaces it in one
transaction. The models hold the invariants (deciles 1-10, ranks from 1, probabilities in
[0, 1], p05 <= median <= p95).

Conventions, as in ``rescomm.measure``: rank 1 = most deprived / least resilient area *among the
areas of the run*; decile 1 = the worst 10% of those areas (``ceil(rank * 10 / n)``).
"""

from __future__ import annotations

import json

from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class Polarity(models.TextChoices):
    """Which way the index score points (the rank convention is the same either way)."""

    HIGHER_IS_WORSE = "higher_is_worse", "A higher score is worse (e.g. more deprived)"
    HIGHER_IS_BETTER = "higher_is_better", "A higher score is better (e.g. more resilient)"


#: What rank 1 / decile 1 and the last decile mean, per polarity (shown on every page).
WORST_BEST: dict[str, tuple[str, str]] = {
    Polarity.HIGHER_IS_WORSE: ("most deprived", "least deprived"),
    Polarity.HIGHER_IS_BETTER: ("least resilient", "most resilient"),
}


class IndexRun(models.Model):
    """One published build of a framework: identity, provenance and how it was run.

    ``framework`` is the spec id (``imd2025``, ``warm``, ...), unique: a new publication of the
    same framework replaces the old one. ``checksum`` fingerprints the inputs (framework
    version, data, uncertainty settings) so that re-publishing the same thing is a no-op.
    """

    framework = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True)
    polarity = models.CharField(max_length=20, choices=Polarity.choices)
    geography = models.CharField(max_length=20, blank=True, help_text="lsoa21, lsoa11 or none.")
    source = models.TextField(help_text="Where the input data came from (file, checksum).")
    published_by = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    area_count = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64, blank=True)
    uncertainty_runs = models.PositiveIntegerField(null=True, blank=True)
    uncertainty_seed = models.BigIntegerField(null=True, blank=True)
    uncertainty_method = models.TextField(blank=True)
    spec_text = models.TextField(blank=True, help_text="The framework spec exactly as given.")
    log = models.JSONField(default=list, blank=True, help_text="The build's step log.")

    class Meta:
        ordering = ["framework"]
        constraints = [
            models.CheckConstraint(
                condition=Q(polarity__in=Polarity.values), name="index_run_polarity_known"
            ),
            models.CheckConstraint(
                condition=Q(uncertainty_runs__isnull=True) | Q(uncertainty_runs__gte=1),
                name="index_run_uncertainty_runs_from_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} {self.version} ({self.area_count} areas)"

    def get_absolute_url(self) -> str:
        return reverse("insight:index-framework", args=[self.framework])

    @property
    def cache_version(self) -> str:
        """Id and creation time: part of every cache key of this run's renderings."""
        return f"{self.pk}-{self.created:%Y%m%d%H%M%S%f}"

    @property
    def steps(self) -> list[tuple[str, str]]:
        """``(step, parameters as used)`` from the build's log, in pipeline order."""
        return [
            (str(record.get("step", "")), json.dumps(record.get("params", {}), sort_keys=True))
            for record in self.log
            if isinstance(record, dict)
        ]

    @property
    def worst_label(self) -> str:
        """``"most deprived"`` or ``"least resilient"``: what rank 1 and decile 1 mean."""
        return WORST_BEST[self.polarity][0]

    @property
    def best_label(self) -> str:
        return WORST_BEST[self.polarity][1]


class NodeKind(models.TextChoices):
    INDEX = "index", "Index"
    GROUP = "group", "Domain"
    INDICATOR = "indicator", "Indicator"


class IndexNode(models.Model):
    """One node of the framework's hierarchy (the root is ``index``), in reading order.

    ``level`` follows COINr: indicators are level 1, a group is one more than its highest
    child. ``weight`` is the weight within the parent (as used in the build);
    ``effective_weight`` is an indicator's weight in the whole index.
    """

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="nodes")
    node_id = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    parent_id = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=10, choices=NodeKind.choices)
    level = models.PositiveSmallIntegerField()
    depth = models.PositiveSmallIntegerField(help_text="0 for the index, 1 for its children...")
    position = models.PositiveIntegerField()
    weight = models.FloatField(null=True, blank=True)
    effective_weight = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=120, blank=True)
    denominator = models.CharField(
        max_length=200,
        blank=True,
        help_text="For an indicator whose data is a count: the column it is divided by, and the "
        "scale (the value in the data is then the count before dividing).",
    )
    direction = models.SmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)
    has_uncertainty = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "node_id"], name="index_node_unique_per_run"),
            models.CheckConstraint(condition=Q(level__gte=1), name="index_node_level_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.run.framework}:{self.node_id}"


class IndexValue(models.Model):
    """Score, rank and decile of one area for one node, with the rank's uncertainty if run.

    ``rank_p05``/``rank_median``/``rank_p95`` are percentiles of the area's rank over the Monte
    Carlo runs; ``p_worst_decile`` is the share of runs in which it was in decile 1.
    """

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="values")
    node = models.ForeignKey(IndexNode, on_delete=models.CASCADE, related_name="values")
    area_code = models.CharField(max_length=12)
    la_code = models.CharField(max_length=12, blank=True)
    score = models.FloatField(null=True)
    rank = models.PositiveIntegerField(null=True)
    decile = models.PositiveSmallIntegerField(null=True)
    rank_p05 = models.FloatField(null=True)
    rank_median = models.FloatField(null=True)
    rank_p95 = models.FloatField(null=True)
    p_worst_decile = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "area_code"], name="index_value_one_per_node"),
            models.CheckConstraint(
                condition=Q(decile__isnull=True) | Q(decile__gte=1, decile__lte=10),
                name="index_value_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="index_value_rank_from_1"
            ),
            models.CheckConstraint(
                condition=Q(p_worst_decile__isnull=True)
                | Q(p_worst_decile__gte=0, p_worst_decile__lte=1),
                name="index_value_probability_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(rank_p05__isnull=True)
                | Q(rank_p05__lte=F("rank_median"), rank_median__lte=F("rank_p95")),
                name="index_value_rank_interval_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "node", "rank"]),
            models.Index(fields=["run", "area_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.node_id}: rank {self.rank}"


class IndexContribution(models.Model):
    """How one indicator contributes to one area's index score (``Build.explain``).

    ``contribution`` is on the index's scale; ``share`` is contribution / index score (exact
    for arithmetic means at every level, an attribution otherwise: see ``docs/measure.md``).
    """

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="contributions")
    indicator = models.ForeignKey(
        IndexNode, on_delete=models.CASCADE, related_name="contributions"
    )
    area_code = models.CharField(max_length=12)
    value = models.FloatField(null=True)  # the indicator in its unit (a count / denominator)
    normalised = models.FloatField(null=True)
    weight = models.FloatField(null=True)
    effective_weight = models.FloatField(null=True)
    contribution = models.FloatField(null=True)
    share = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code"], name="index_contribution_one_per_indicator"
            ),
        ]
        indexes = [models.Index(fields=["run", "area_code"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.indicator_id}: {self.contribution}"
