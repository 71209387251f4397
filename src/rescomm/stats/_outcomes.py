"""Scoring of wellbeing and loneliness outcome measures: SWEMWBS, ONS4, UCLA-3.

Only published scoring facts are here (ranges, thresholds, the SWEMWBS conversion table);
no questionnaire item wording is shipped.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from typing import Any, Literal

import numpy as np

from rescomm.stats._checks import as_float_array, position
from rescomm.stats._errors import IncompleteResponseWarning, Policy, apply_policy, check_policy

__all__ = [
    "ONS4_ITEMS",
    "SWEMWBS_RELIABLE_CHANGE",
    "ons4_band",
    "swemwbs_metric",
    "swemwbs_total",
    "ucla3_lonely",
    "ucla3_total",
]

#: Reliable change on the SWEMWBS metric scale: 2.77 SEM = 2.87 points (Shah et al. 2018).
SWEMWBS_RELIABLE_CHANGE = 2.87

Ons4Item = Literal["life_satisfaction", "worthwhile", "happiness", "anxiety"]
ONS4_ITEMS: tuple[str, ...] = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


def _load_swemwbs() -> np.ndarray:
    text = files("rescomm.stats").joinpath("data/swemwbs_raw_to_metric.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    table = np.full(36, np.nan)
    for r in rows:
        table[int(r["raw_score"])] = float(r["metric_score"])
    if np.isnan(table[7:]).any():
        raise RuntimeError("bundled SWEMWBS table must cover raw scores 7 to 35")
    table.setflags(write=False)
    return table


_SWEMWBS = _load_swemwbs()


def _check_integers(v: np.ndarray, lo: int, hi: int, what: str) -> None:
    """Raise naming the first value that is not a whole number in [lo, hi] (NaN is allowed)."""
    bad = ~np.isnan(v) & ((v < lo) | (v > hi) | (v != np.round(v)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{what} must be whole numbers from {lo} to {hi}; got {v.reshape(-1)[i]:g} at "
            f"position {position(i, v.shape)}"
        )


def swemwbs_metric(raw: Any) -> Any:
    """Convert raw SWEMWBS totals (7-35) to metric scores with the published table.

    Parameters
    ----------
    raw : array_like or scalar
        Raw totals: the sum of the seven item scores (see :func:`swemwbs_total`). Missing
        totals (NaN) stay missing.

    Returns
    -------
    float or ndarray
        Metric scores, 7.00 to 35.00 (higher is better wellbeing).

    Raises
    ------
    ValueError
        If a raw total is not a whole number from 7 to 35; the message names the value and
        its position.

    Notes
    -----
    SWEMWBS raw totals are ordinal; the Rasch-derived conversion table (bundled as
    ``data/swemwbs_raw_to_metric.csv``) maps them to an interval scale, so metric scores can be
    averaged and differenced. Analyses of change should use metric scores.

    References
    ----------
    .. [1] Stewart-Brown S, Tennant A, Tennant R, Platt S, Parkinson J, Weich S. Internal
       construct validity of the Warwick-Edinburgh Mental Well-being Scale (WEMWBS): a Rasch
       analysis using data from the Scottish Health Education Population Survey. Health Qual
       Life Outcomes 2009;7:15. doi:10.1186/1477-7525-7-15
    """
    v = as_float_array(raw, "raw")
    _check_integers(v, 7, 35, "raw SWEMWBS totals")
    idx = np.where(np.isnan(v), 0, v).astype(int)
    out = np.where(np.isnan(v), np.nan, _SWEMWBS[idx])
    return float(out) if out.ndim == 0 else out


def _item_totals(
    items: Any, n_items: int, lo: int, hi: int, name: str, incomplete: str
) -> Any:
    check_policy("incomplete", incomplete)
    a = as_float_array(items, "items")
    single = a.ndim == 1
    if single:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != n_items:
        raise ValueError(
            f"{name} needs {n_items} item scores per response (shape (n, {n_items})); got "
            f"shape {np.shape(items)}"
        )
    _check_integers(a[0] if single else a, lo, hi, f"{name} item scores")
    missing = np.isnan(a).any(axis=1)
    apply_policy(
        missing,
        incomplete,
        name="incomplete",
        category=IncompleteResponseWarning,
        what=f"{name} response with missing items",
        consequence="their totals are NaN (no imputation)",
    )
    totals = np.where(missing, np.nan, np.nansum(a, axis=1))
    return float(totals[0]) if single else totals


def swemwbs_total(items: Any, *, incomplete: Policy = "warn") -> Any:
    """Raw SWEMWBS totals from the seven item scores (each 1-5).

    Parameters
    ----------
    items : array_like, shape (7,) or (n, 7)
        Item scores 1 ("none of the time") to 5 ("all of the time"); NaN for a missing item.
    incomplete : {"warn", "raise", "ignore"}, keyword-only
        Policy for responses with any missing item: no total (NaN) with an
        :class:`IncompleteResponseWarning` by default. Missing items are never imputed.

    Returns
    -------
    float or ndarray
        Raw totals 7-35; convert with :func:`swemwbs_metric` before analysis.

    Raises
    ------
    ValueError
        If the shape is not (n, 7) or an item is not a whole number from 1 to 5 (the message
        names the value and its (response, item) position).

    References
    ----------
    .. [1] Stewart-Brown S et al. Health Qual Life Outcomes 2009;7:15.
       doi:10.1186/1477-7525-7-15
    """
    return _item_totals(items, 7, 1, 5, "SWEMWBS", incomplete)


def ucla3_total(items: Any, *, incomplete: Policy = "warn") -> Any:
    """Totals of the three-item UCLA Loneliness Scale (each item 1-3, total 3-9).

    Parameters
    ----------
    items : array_like, shape (3,) or (n, 3)
        Item scores 1 ("hardly ever or never"), 2 ("some of the time"), 3 ("often").
    incomplete : {"warn", "raise", "ignore"}, keyword-only
        Policy for responses with a missing item (NaN total, warning by default).

    Returns
    -------
    float or ndarray
        Totals 3-9; higher is lonelier. See :func:`ucla3_lonely` for the 6+ cut-off.

    References
    ----------
    .. [1] Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. A short scale for measuring
       loneliness in large surveys. Res Aging 2004;26:655-672. doi:10.1177/0164027504268574
    .. [2] Office for National Statistics. Measuring loneliness: guidance for use of the
       national indicators on surveys. ONS, 2018.
    """
    return _item_totals(items, 3, 1, 3, "UCLA-3", incomplete)


def ucla3_lonely(total: Any) -> Any:
    """Whether a UCLA-3 total (3-9) indicates loneliness: total >= 6.

    Parameters
    ----------
    total : array_like or scalar
        UCLA-3 totals; NaN stays missing (returned as None in an object array).

    Returns
    -------
    bool or ndarray of object (True/False/None)

    Notes
    -----
    Scores 6-9 are classed as lonely and 3-5 as not lonely: a common dichotomisation of the
    Hughes et al. (2004) scale, and the one rescomm reports. Report the cut-off with results.

    References
    ----------
    .. [1] Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. Res Aging 2004;26:655-672.
       doi:10.1177/0164027504268574
    """
    t = as_float_array(total, "total")
    _check_integers(t, 3, 9, "UCLA-3 totals")
    out = np.where(np.isnan(t), None, t >= 6).astype(object)
    return (None if out.item() is None else bool(out.item())) if out.ndim == 0 else out


_BANDS = {
    "positive": ((0, 4, "low"), (5, 6, "medium"), (7, 8, "high"), (9, 10, "very high")),
    "anxiety": ((0, 1, "very low"), (2, 3, "low"), (4, 5, "medium"), (6, 10, "high")),
}


def ons4_band(item: Ons4Item, score: Any) -> Any:
    """ONS personal well-being (ONS4) threshold band of a 0-10 score.

    Parameters
    ----------
    item : {"life_satisfaction", "worthwhile", "happiness", "anxiety"}
        Which of the four questions the score answers.
    score : array_like or scalar
        Whole-number scores 0-10; NaN stays missing (None).

    Returns
    -------
    str or ndarray of object
        Life satisfaction, worthwhile and happiness: ``"low"`` (0-4), ``"medium"`` (5-6),
        ``"high"`` (7-8), ``"very high"`` (9-10). Anxiety: ``"very low"`` (0-1), ``"low"``
        (2-3), ``"medium"`` (4-5), ``"high"`` (6-10); for anxiety, higher is worse.

    Raises
    ------
    ValueError
        For an unknown item, or a score that is not a whole number from 0 to 10.

    References
    ----------
    .. [1] Office for National Statistics. Personal well-being user guidance (thresholds).
       ONS, 2018; also stated in ONS, Personal well-being frequently asked questions.
    """
    if item not in ONS4_ITEMS:
        raise ValueError(f"item must be one of {ONS4_ITEMS}; got {item!r}")
    s = as_float_array(score, "score")
    _check_integers(s, 0, 10, f"ONS4 {item} scores")
    bands = _BANDS["anxiety" if item == "anxiety" else "positive"]
    conditions = [(s >= lo) & (s <= hi) for lo, hi, _ in bands]
    out = np.select(conditions, [label for *_, label in bands], default="").astype(object)
    out = np.where(np.isnan(s), None, out)
    return out.item() if out.ndim == 0 else out
