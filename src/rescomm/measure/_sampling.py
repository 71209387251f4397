"""Sampling error of count indicators: which indicators can be resampled, and how.

An indicator built from a count ``x`` over a denominator ``d`` (e.g. claimants / working-age
population) is itself an estimate. One Monte Carlo replication replaces every observed count
by a draw from its sampling distribution (a parametric bootstrap, plug-in estimates):

* **binomial** for proportions, :math:`x^* \\sim \\mathrm{Bin}(d, \\hat p)`, :math:`\\hat p = x/d`
  (variance :math:`d\\hat p(1-\\hat p)`), when every count is at most its whole-number
  denominator;
* **Poisson** for counts and rates, :math:`x^* \\sim \\mathrm{Pois}(x)` (variance :math:`x`),
  when counts may exceed the denominator (events per person) or the denominator is not a whole
  number (e.g. person-years), or for a count indicator without a denominator.

The plug-in parameter makes a zero count (or :math:`x = d`) a fixed point: it gets no sampling
variance, a known limitation of the parametric bootstrap for rare events (PHE Fingertips
practice is the same for funnel plots). References: Efron B., Tibshirani R.J. *An Introduction
to the Bootstrap*, ch. 6 (parametric bootstrap), Chapman & Hall 1993; Saisana et al. 2005 for
treating input error as one source of uncertainty in composite indicators.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._data import Prepared, _rows
from ._errors import IndexDataError, IndexSpecError
from ._spec import IndexSpec

MODELS = ("binomial", "poisson")


def _whole(x: np.ndarray) -> np.ndarray:
    """Mask of finite, non-negative whole numbers."""
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & (x >= 0) & (np.abs(x - np.round(x)) < 1e-9)


def _auto(x: np.ndarray, d: np.ndarray) -> str | None:
    ok = ~np.isnan(x)
    if not ok.any() or not _whole(x[ok]).all():
        return None
    both = ok & ~np.isnan(d)
    if _whole(d[both]).all() and (x[both] <= d[both]).all():
        return "binomial"
    return "poisson"


def sampling_models(spec: IndexSpec, prep: Prepared,
                    sampling: bool | Mapping[str, str]) -> dict[str, str]:
    """Choose the sampling model of each indicator.

    Parameters
    ----------
    spec, prep
        The build's spec and prepared data.
    sampling : bool or mapping indicator id -> ``"binomial"`` / ``"poisson"``
        ``True``: every indicator with a denominator whose values are whole, non-negative
        counts (binomial when every count is at most its whole-number denominator, else
        Poisson). A mapping names exactly the indicators to resample and their model.

    Returns
    -------
    dict indicator id -> model (empty when ``sampling`` is false).

    Raises
    ------
    IndexSpecError
        Unknown indicator or model, binomial without a denominator, or nothing to resample.
    IndexDataError
        Values that are not whole counts, or counts above their binomial denominator (names
        the column and rows).
    """
    if sampling is False or sampling is None:
        return {}
    col = {ind.id: j for j, ind in enumerate(spec.indicators)}
    if sampling is True:
        out = {}
        for ind in spec.indicators:
            if ind.denominator is None:
                continue
            model = _auto(prep.raw[:, col[ind.id]], prep.denominator[:, col[ind.id]])
            if model:
                out[ind.id] = model
        if not out:
            raise IndexSpecError(
                "sampling: no indicator has counts to resample (one qualifies when it has a "
                "denominator and whole, non-negative counts); name count indicators "
                "explicitly, e.g. sampling={'deaths': 'poisson'}")
        return out
    if not isinstance(sampling, Mapping):
        raise IndexSpecError(f"sampling must be true/false or a mapping indicator -> model, "
                             f"not {sampling!r}")
    out = {}
    for key, model in sampling.items():
        if key not in col:
            raise IndexSpecError(f"sampling: unknown indicator {key!r}; indicators are "
                                 f"{', '.join(col)}")
        if model not in MODELS:
            raise IndexSpecError(f"sampling.{key}: model must be one of {', '.join(MODELS)}, "
                                 f"not {model!r}")
        j = col[key]
        ind = spec.indicators[j]
        x, d = prep.raw[:, j], prep.denominator[:, j]
        column = prep.columns[key]
        bad = np.flatnonzero(~np.isnan(x) & ~_whole(x))
        if bad.size:
            raise IndexDataError(f"sampling.{key}: column {column!r} must hold whole, "
                                 f"non-negative counts to resample; not in "
                                 f"{_rows(bad, prep.codes)}")
        if model == "binomial":
            if ind.denominator is None:
                raise IndexSpecError(f"sampling.{key}: binomial needs a denominator; use "
                                     "poisson for a count without one")
            dcol = prep.columns[f"{key}.denominator"]
            both = ~np.isnan(x) & ~np.isnan(d)
            bad = np.flatnonzero(both & ~_whole(d))
            if bad.size:
                raise IndexDataError(f"sampling.{key}: binomial denominators ({dcol!r}) must "
                                     f"be whole numbers; not in {_rows(bad, prep.codes)}; "
                                     "use poisson")
            bad = np.flatnonzero(both & (x > d))
            if bad.size:
                raise IndexDataError(f"sampling.{key}: count above its denominator "
                                     f"({column!r} > {dcol!r}) in {_rows(bad, prep.codes)}; "
                                     "use poisson for rates")
        out[key] = model
    return out


def resample(prep: Prepared, spec: IndexSpec, models: Mapping[str, str],
             rng: np.random.Generator) -> np.ndarray:
    """One draw of the raw indicator matrix with the counts of ``models`` resampled.

    Missing counts stay missing; binomial cells with a missing or zero denominator keep
    their observed count. Columns are drawn in indicator order (reproducible per ``rng``).
    """
    raw = prep.raw.copy()
    for j, ind in enumerate(spec.indicators):
        model = models.get(ind.id)
        if model is None:
            continue
        x = prep.raw[:, j]
        ok = ~np.isnan(x)
        if model == "poisson":
            raw[ok, j] = rng.poisson(x[ok])
        else:
            d = prep.denominator[:, j]
            ok &= ~np.isnan(d) & (d > 0)
            raw[ok, j] = rng.binomial(np.round(d[ok]).astype(np.int64), x[ok] / d[ok])
    return raw
