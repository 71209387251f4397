"""``build(spec, data) -> Build``: the replayable index build.

A ``Build`` keeps the spec exactly as given, an explicit ``log`` of step records (parameters
as used plus summary outputs), the results table, per-step reports, and can re-run itself from
the log with changed parameters (``rebuild``).
"""

from __future__ import annotations

import copy
import difflib
import warnings
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _pipeline
from ._data import Prepared, indicator_values, prepare
from ._errors import IndexDataError, IndexSpecError
from ._explain import explain_rows
from ._results import (
    la_summary,
    nullable_int,
    quantile_from_rank,
    quantile_within,
    worst_first_rank,
)
from ._schema import SCHEMA, STEPS, check_block, merge_blocks
from ._spec import ROOT, IndexSpec, load_spec


def build(spec: IndexSpec | Mapping[str, Any] | str | Path,
          data: pd.DataFrame | str | Path | None = None) -> Build:
    """Build an index.

    Parameters
    ----------
    spec : IndexSpec, mapping, path to a YAML file, YAML text, or a framework name
        The index specification (see ``docs/measure.md``), e.g. ``"imd2019"``.
    data : pandas.DataFrame, path or None
        One row per area holding every column the spec names (CSV, CSV.gz, Parquet, Excel).
        For the built-in frameworks ``None`` uses their bundled Cheshire & Merseyside inputs
        (``warm``/``capitals``: :func:`rescomm.data.load_indicators`, ranks within C&M;
        ``imd2019``/``imd2025``: :func:`rescomm.data.load_imd`), and ``warm``/``capitals`` also
        take a folder of the official files (:func:`rescomm.data.read_indicators`, England).

    Returns
    -------
    Build
        ``build.results`` holds one row per area: ``area_code`` then, for every node (root
        ``index`` first), ``<node>_score``, ``<node>_rank`` (1 = most deprived / least
        resilient) and ``<node>_decile`` (1 = most deprived 10%).

    Raises
    ------
    IndexSpecError
        If the spec is invalid (names the key and YAML line).
    IndexDataError
        If the data do not fit the spec (names the column and rows).
    """
    from ._frameworks import framework_data

    spec = load_spec(spec)
    prep = prepare(spec, framework_data(spec, data))
    return Build(spec, prep, _pipeline.run(spec, prep))


def _raiser(prefix: str) -> Callable[[str, str], None]:
    def fail(key: str, message: str) -> None:
        raise IndexSpecError(f"{prefix}.{key}: {message}")

    return fail


class Build:
    """A finished, replayable index build. Create with :func:`build`."""

    def __init__(self, spec: IndexSpec, prep: Prepared, run: _pipeline.RunOutput) -> None:
        self.spec = spec
        self._prep = prep
        self._run = run

    # ---- provenance -----------------------------------------------------------------------
    @property
    def log(self) -> list[_pipeline.StepRecord]:
        """Step records in pipeline order: ``step``, ``params`` (the step block as used),
        ``nodes`` (parameters resolved per indicator/group) and ``summary`` outputs."""
        return list(self._run.log)

    @property
    def columns_used(self) -> dict[str, str]:
        """Which data column supplied each logical input (after alias matching)."""
        return dict(self._prep.columns)

    @property
    def reports(self) -> dict[str, pd.DataFrame]:
        """Detailed step reports: ``impute`` (every imputed cell), ``treat`` (per indicator)."""
        return {k: v.copy() for k, v in self._run.reports.items()}

    @property
    def area_codes(self) -> np.ndarray:
        """Codes of the areas in the results (after screening), in data order."""
        return self._prep.codes[self._run.rows]

    @property
    def weights(self) -> pd.Series:
        """Weight of every node within its parent (normalised to sum to 1 per group)."""
        return pd.Series(self._run.weights, name="weight")

    @property
    def effective_weights(self) -> pd.Series:
        """Weight of each indicator in the root index (product of weights along its path)."""
        eff = next(r for r in self._run.log if r.step == "weights").summary["effective"]
        return pd.Series(eff, name="effective_weight")

    def describe(self) -> dict[str, Any]:
        """Self-description of the build: spec identity, conventions and the full log."""
        return {"spec": {"id": self.spec.id, "name": self.spec.name,
                         "version": self.spec.version, "source": self.spec.source,
                         "as_given": self.spec.text if self.spec.text is not None
                         else copy.deepcopy(dict(self.spec.raw))},
                "polarity": self.spec.polarity,
                "rank_convention": "1 = most deprived / least resilient",
                "decile_convention": "1 = most deprived 10% (ceil(rank * 10 / n))",
                "areas": int(len(self._run.rows)), "columns_used": self.columns_used,
                "log": [r.to_dict() for r in self._run.log]}

    # ---- results ----------------------------------------------------------------------------
    @cached_property
    def results(self) -> pd.DataFrame:
        """One row per area: ``area_code`` then ``<node>_score/_rank/_decile`` for every node.

        Leaf (indicator) scores are the normalised values that enter aggregation. Ranks and
        deciles are nullable integers (missing where the score is missing).
        """
        cols: dict[str, Any] = {"area_code": pd.array(self.area_codes, dtype="string")}
        for node in self.spec.node_ids:
            score = self._run.scores[node]
            rank = worst_first_rank(score, polarity=self.spec.polarity)
            cols[f"{node}_score"] = score
            cols[f"{node}_rank"] = nullable_int(rank)
            cols[f"{node}_decile"] = nullable_int(quantile_from_rank(rank, q=10))
        return pd.DataFrame(cols)

    def scores(self, node: str = ROOT) -> pd.Series:
        """Scores of one node, indexed by area code."""
        self.spec._node(node)
        return pd.Series(self._run.scores[node], index=self.area_codes, name=f"{node}_score")

    def quantiles(self, node: str = ROOT, *, q: int = 10, within: str | None = None) -> pd.Series:
        """Quantile of each area for ``node`` (1 = worst): nationally, or ``within="la"``."""
        self.spec._node(node)
        score = self._run.scores[node]
        if within is None:
            rank = worst_first_rank(score, polarity=self.spec.polarity)
            out = quantile_from_rank(rank, q=q)
        else:
            groups = self._prep.column(within, "quantiles")[self._run.rows]
            out = quantile_within(score, groups, polarity=self.spec.polarity, q=q)
        name = f"{node}_q{q}" + (f"_{within}" if within else "")
        return pd.Series(nullable_int(out), index=self.area_codes, name=name)

    def table(self) -> pd.DataFrame:
        """``results`` plus ``la_code``, ``population``, index quintile and deciles/quintiles
        within each LA (when the spec names an LA column)."""
        out = self.results.copy()
        if self._prep.la is not None:
            out.insert(1, "la_code", self._prep.la[self._run.rows])
        if self._prep.population is not None:
            out["population"] = self._prep.population[self._run.rows]
        out["index_quintile"] = self.quantiles(q=5).to_numpy()
        if self._prep.la is not None:
            out["index_decile_la"] = self.quantiles(q=10, within="la").to_numpy()
            out["index_quintile_la"] = self.quantiles(q=5, within="la").to_numpy()
        return out

    def la_summary(self, node: str = ROOT) -> pd.DataFrame:
        """Local-authority summaries of ``node`` as IoD File 10 (see ``_results.la_summary``)."""
        if self._prep.la is None:
            raise IndexSpecError("la_summary needs area.la in the spec (the LA code column)")
        self.spec._node(node)
        score = self._run.scores[node]
        rank = worst_first_rank(score, polarity=self.spec.polarity)
        pop = None if self._prep.population is None else self._prep.population[self._run.rows]
        return la_summary(score, rank, self._prep.la[self._run.rows], pop)

    def stage(self, step: str) -> pd.DataFrame:
        """Indicator values after ``step`` (e.g. ``"treat"``), one row per remaining area."""
        if step not in self._run.stages:
            raise KeyError(f"no stored stage {step!r}; stages: {', '.join(self._run.stages)}")
        rows, values = self._run.stages[step]
        return pd.DataFrame(values, index=pd.Index(self._prep.codes[rows], name="area_code"),
                            columns=[i.id for i in self.spec.indicators])

    # ---- explanation ------------------------------------------------------------------------
    @cached_property
    def _positions(self) -> dict[str, int]:
        """Position of each area code in the results (first occurrence), built once."""
        positions: dict[str, int] = {}
        for i, code in enumerate(self.area_codes.tolist()):
            positions.setdefault(code, i)
        return positions

    def _row(self, area: str) -> int:
        hit = self._positions.get(area)
        if hit is not None:
            return hit
        if area in set(self._prep.codes):
            raise IndexDataError(f"area {area!r} was removed by screening (see build.log)")
        close = difflib.get_close_matches(area, list(map(str, self.area_codes[:50000])), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise IndexDataError(f"area {area!r} is not in the data{hint}")

    def explain(self, area: str) -> pd.DataFrame:
        """Contribution of each indicator to ``area``'s index score.

        Returns one row per indicator: ``indicator, name, parent, value, unit, normalised,
        weight, effective_weight, contribution, share``. ``value`` is the indicator in its
        ``unit``, as :func:`assets_vulnerabilities` reports it: a count divided by its
        denominator (times the spec's scale, e.g. percent), other indicators as read.
        For arithmetic means at every level ``contribution`` is exact (:math:`\\sum`
        contributions = index score): it is the indicator's normalised value times its
        weight renormalised over the children present.
        For other means each parent's score is split in proportion to :math:`w_i x_i` (an
        attribution, not an identity); Copeland splits by weighted rank terms. The numbers
        are those of :meth:`explain_all` for this area.

        Raises
        ------
        IndexDataError
            If ``area`` is not in the data or was removed by screening.
        """
        return self._explain(np.array([self._row(area)]))

    def explain_all(self) -> pd.DataFrame:
        """:meth:`explain` for every area at once, as one tidy table.

        Returns
        -------
        pandas.DataFrame
            One row per area and indicator, area-major in results order (all indicators of
            the first area, in spec order, then the next area): ``area_code, indicator, name,
            parent, value, unit, normalised, weight, effective_weight, contribution, share``.

        Notes
        -----
        Walking the tree from the root down, the root contributes its score,
        :math:`c_{root} = s_{root}`, and each child :math:`i` of group :math:`g` receives

        .. math:: c_i = t_{gi} \\, c_g / s_g

        where :math:`t_{gi}` is the child's term in the group's aggregation (for arithmetic
        means :math:`t_{gi} = w_i x_i / \\sum_{j\\,present} w_j`, so the terms add up to
        :math:`s_g`; geometric, harmonic and generalised means use
        :math:`t_{gi} = s_g\\, w_i x_i / \\sum_j w_j x_j`; Copeland ``coinr`` the weighted
        rank terms :math:`w_i (\\bar r_i - 1)`; Copeland ``classic`` has none, 0) and
        :math:`c_g / s_g` is taken as 0 where :math:`s_g` is 0 or missing.
        ``share`` :math:`= c_i / s_{root}`, missing where the index score is 0 or missing.
        The loop is over the spec's groups; every step is an array operation over all areas
        (:func:`._explain.explain_rows`), the same code :meth:`explain` runs for one area.
        """
        return self._explain(np.arange(len(self._run.rows)), codes=self.area_codes)

    def _explain(self, rows: np.ndarray, codes: np.ndarray | None = None) -> pd.DataFrame:
        eff = next(r for r in self._run.log if r.step == "weights").summary["effective"]
        at = self._run.rows[rows]
        return explain_rows(self.spec, scores=self._run.scores, terms=self._run.terms,
                            values=indicator_values(self.spec, self._prep.raw[at],
                                                    self._prep.denominator[at]),
                            weights=self._run.weights, effective=eff, rows=rows, codes=codes)

    # ---- replay -------------------------------------------------------------------------------
    def rebuild(self, *, data: pd.DataFrame | str | Path | None = None,
                **changes: Mapping[str, Any]) -> Build:
        """Re-run the build from its log with changed parameters.

        Parameters
        ----------
        data : optional
            New data (same columns); the whole pipeline is re-run.
        **changes
            One mapping per step to merge into that step's logged parameters, e.g.
            ``normalise={"method": "zscore"}``, ``aggregate={"method": "geometric"}``.
            ``weights`` may also map node ids to new weights:
            ``weights={"income": 0.3}`` (then rescaled within the group per
            ``on_unnormalised``). Switching ``method`` drops the old method's parameters.

        Returns
        -------
        Build
            A new build; this one is unchanged. Only steps from the first changed one on are
            re-run (earlier outputs are reused).
        """
        blocks = {r.step: copy.deepcopy(r.params) for r in self._run.log}
        node_weights: dict[str, float] = {}
        start = len(STEPS)
        for step, change in changes.items():
            if step not in STEPS:
                raise IndexSpecError(f"rebuild: unknown step {step!r}; steps are "
                                     f"{', '.join(STEPS)}")
            if not isinstance(change, Mapping):
                raise IndexSpecError(f"rebuild: {step}= must be a mapping, not {change!r}")
            change = dict(change)
            if step == "weights":
                params = {k for table in SCHEMA["weights"].values() for k in table} | {
                    "method", "by_level"}
                odd = [k for k in change if k not in params and k not in self.spec.node_ids]
                if odd:
                    raise IndexSpecError(
                        f"rebuild: weights: unknown node or parameter {odd[0]!r}; nodes are "
                        f"{', '.join(n for n in self.spec.node_ids if n != ROOT)}")
                for key in [k for k in change if k in self.spec.node_ids]:
                    value = change.pop(key)
                    if isinstance(value, bool) or not isinstance(value, int | float):
                        raise IndexSpecError(f"rebuild: weight of {key!r} must be a number")
                    node_weights[key] = float(value)
            if change:
                check_block(step, change, partial=True, fail=_raiser(f"rebuild: {step}"))
                blocks[step] = merge_blocks(blocks.get(step, {}), change)
                if "by_level" in change:
                    blocks[step]["by_level"] = change["by_level"]
            start = min(start, STEPS.index(step))
        spec = self.spec.with_steps(blocks, weights=node_weights or None)
        if data is not None:
            prep = prepare(spec, data)
            return Build(spec, prep, _pipeline.run(spec, prep))
        if start == len(STEPS):
            return self
        return Build(spec, self._prep, _pipeline.run(spec, self._prep, start=STEPS[start],
                                                     cache=self._run))

    def uncertainty(self, *, n: int = 1000, seed: int | None = None,
                    weight_noise: float = 0.25,
                    alternatives: Mapping[str, Any] | None = None,
                    node: str = ROOT, sampling: bool | Mapping[str, str] = False,
                    progress: Callable[[int], None] | None = None) -> Any:
        """Monte Carlo uncertainty of the ranks of ``node``.

        Each of ``n`` replications perturbs every weight by ±``weight_noise`` (uniform, then
        rescaled within its group), draws one parameter block per step from
        ``alternatives`` and, with ``sampling``, redraws count indicators from their
        binomial/Poisson sampling error; the result gives per area the nominal, median and
        5th/95th percentile ranks and P(worst decile). See
        :func:`rescomm.measure.uncertainty` for details.
        """
        from ._uncertainty import uncertainty

        return uncertainty(self, n=n, seed=seed, weight_noise=weight_noise,
                           alternatives=alternatives, node=node, sampling=sampling,
                           progress=progress)

    def sensitivity(self, *, n: int = 256, seed: int | None = None,
                    weight_noise: float = 0.25,
                    alternatives: Mapping[str, Any] | None = None, node: str = ROOT,
                    area: str | None = None, by: str = "group", num_resamples: int = 1000,
                    confidence: float = 0.95,
                    progress: Callable[[int], None] | None = None) -> Any:
        """Sobol first-order and total effects (Saltelli design, SALib) of the weights and
        step alternatives on the ranks of ``node``: the mean absolute rank shift, or
        ``area``'s rank. See :func:`rescomm.measure._sensitivity.sensitivity`."""
        from ._sensitivity import sensitivity

        return sensitivity(self, n=n, seed=seed, weight_noise=weight_noise,
                           alternatives=alternatives, node=node, area=area, by=by,
                           num_resamples=num_resamples, confidence=confidence,
                           progress=progress)

    def audit(self, *, corr_threshold: float = 0.9) -> dict[str, pd.DataFrame]:
        """Statistical audit tables: indicator statistics and flags, correlations with parent
        and siblings, and per group Cronbach's alpha and PC1 share (see ``_audit.audit``)."""
        from ._audit import audit

        return audit(self, corr_threshold=corr_threshold)

    def rebuild_quiet(self, **changes: Mapping[str, Any]) -> Build:
        """:meth:`rebuild` with the engine's named warnings silenced (for Monte Carlo runs)."""
        from ._errors import MeasureWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MeasureWarning)
            return self.rebuild(**changes)

    def __repr__(self) -> str:
        return (f"<Build {self.spec.id} {self.spec.version}: {len(self._run.rows)} areas, "
                f"{len(self.spec.indicators)} indicators, {len(self.spec.groups)} groups>")
