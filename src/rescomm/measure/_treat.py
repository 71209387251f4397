"""Outlier treatment exactly as COINr ``Treat()``: skew/kurtosis check, Winsorisation, log.

COINr's default (``Treat.numeric`` with ``winsorise``, ``log_CT`` and ``check_SkewKurt``):

1. An indicator *passes* if ``|skew| < 2`` **or** ``kurtosis < 3.5`` (so it is treated only
   while ``|skew| >= 2`` **and** ``kurtosis >= 3.5``).
2. If it fails, Winsorise one step at a time: if skew >= 0 the maximum value(s) take the next
   highest value, otherwise the minimum value(s) take the next lowest; stop when it passes or
   when the number of Winsorised points reaches ``winmax``.
3. If it still fails, apply the fallback transform to the **original** values (or to the
   Winsorised ones with ``combine=True``).

Skewness and kurtosis are e1071 "type 2" (the Excel definitions), as COINr's ``skew``/``kurt``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def skew(x: np.ndarray) -> float:
    """Sample skewness, e1071 type 2 / Excel ``SKEW`` (NaN ignored; NaN if fewer than 3 points).

    Notes
    -----
    .. math:: g = \\frac{\\sqrt{n}\\,\\sum d^3}{(\\sum d^2)^{3/2}}\\cdot\\frac{\\sqrt{n(n-1)}}{n-2},
              \\quad d = x - \\bar x
    """
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 3:
        return float("nan")
    d = v - v.mean()
    m2 = np.dot(d, d)
    if m2 == 0:
        return float("nan")
    return float(np.sqrt(n) * np.sum(d**3) / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis, e1071 type 2 / Excel ``KURT`` (NaN if fewer than 4 points).

    Notes
    -----
    .. math:: r = \\frac{n\\sum d^4}{(\\sum d^2)^2},\\quad
              k = \\frac{((n+1)(r-3)+6)(n-1)}{(n-2)(n-3)}
    """
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 4:
        return float("nan")
    d = v - v.mean()
    m2 = np.dot(d, d)
    if m2 == 0:
        return float("nan")
    r = n * np.sum(d**4) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurt(
    x: np.ndarray, *, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[bool | None, float, float]:
    """COINr ``check_SkewKurt``: pass if ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``.

    Returns ``(passes, skew, kurtosis)``; ``passes`` is None when they cannot be computed
    (fewer than 4 values, or zero variance), in which case COINr leaves the vector untreated.
    """
    sk, kt = skew(x), kurt(x)
    if np.isnan(sk) or np.isnan(kt):
        return None, sk, kt
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh), sk, kt


def winsorise(
    x: np.ndarray,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[np.ndarray, int, np.ndarray]:
    """COINr ``winsorise``: move extreme values in one step at a time.

    Returns
    -------
    x : numpy.ndarray
        The Winsorised vector.
    nwin : int
        Number of Winsorised points, counted as COINr does (the points tied at the last
        treated maximum plus those at the last treated minimum).
    treated : numpy.ndarray of str
        ``"winhi"``/``"winlo"`` at treated positions, ``""`` elsewhere.
    """
    x = np.asarray(x, dtype=float).copy()
    passing = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)[0]
    passing = True if passing is None else passing
    nwin = 0
    imax = np.array([], dtype=int)
    imin = np.array([], dtype=int)
    if not passing or force_win:
        below = winmax is None or nwin < winmax
        while (not passing or force_win) and below:
            present = ~np.isnan(x)
            if present.sum() < 2:
                break
            if skew(x) >= 0:
                top = np.nanmax(x)
                imax = np.flatnonzero(x == top)
                rest = present.copy()
                rest[imax] = False
                if not rest.any():
                    break
                x[imax] = np.max(x[rest])
            else:
                bottom = np.nanmin(x)
                imin = np.flatnonzero(x == bottom)
                rest = present.copy()
                rest[imin] = False
                if not rest.any():
                    break
                x[imin] = np.min(x[rest])
            nwin = imax.size + imin.size
            below = winmax is None or nwin < winmax
            ok = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)[0]
            passing = True if ok is None else ok
    treated = np.full(x.shape, "", dtype=object)
    treated[imax] = "winhi"
    treated[imin] = "winlo"
    return x, nwin, treated


def log_ct(x: np.ndarray) -> np.ndarray:
    """COIN Tool log: :math:`\\ln(x - \\min x + 0.01(\\max x - \\min x))` (COINr ``log_CT``)."""
    x = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def log_ct_orig(x: np.ndarray) -> np.ndarray:
    """Original COIN Tool log: :math:`\\ln(x - \\min x + 1)` (COINr ``log_CT_orig``)."""
    x = np.asarray(x, dtype=float)
    return np.log(x - np.nanmin(x) + 1.0)


def log_ct_plus(x: np.ndarray) -> np.ndarray:
    """Skew-aware log (COINr ``log_CT_plus``): ``log_ct`` if skew > 0, else
    :math:`-\\ln(\\max x + a - x)` with :math:`a = 0.01(\\max x - \\min x)`."""
    x = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    a = 0.01 * (hi - lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        if skew(x) > 0:
            return np.log(x - lo + a)
        return -np.log(hi + a - x)


def boxcox(x: np.ndarray, *, lmbda: float, makepos: bool = True) -> np.ndarray:
    """Box-Cox with fixed :math:`\\lambda` (COINr ``boxcox``): :math:`(x^\\lambda - 1)/\\lambda`,
    :math:`\\ln x` if :math:`\\lambda = 0`; ``makepos`` first shifts to ``x - min(x) + 1``."""
    x = np.asarray(x, dtype=float)
    if makepos:
        x = x - np.nanmin(x) + 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x) if lmbda == 0 else (x**lmbda - 1.0) / lmbda


_TRANSFORMS = {"log_ct": log_ct, "log_ct_orig": log_ct_orig, "log_ct_plus": log_ct_plus}


@dataclass
class TreatResult:
    """What happened to one indicator (one row of the treatment report)."""

    values: np.ndarray
    skew0: float
    kurt0: float
    passed0: bool | None
    nwin: int = 0
    skew1: float = float("nan")
    kurt1: float = float("nan")
    passed1: bool | None = None
    transform: str = ""
    skew2: float = float("nan")
    kurt2: float = float("nan")
    passed2: bool | None = None
    treated: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))

    @property
    def passes(self) -> bool:
        last = [p for p in (self.passed0, self.passed1, self.passed2) if p is not None]
        return True if not last else last[-1]


def _transform(x: np.ndarray, name: str, lmbda: float, makepos: bool = True) -> np.ndarray:
    if name == "boxcox":
        return boxcox(x, lmbda=lmbda, makepos=makepos)
    return _TRANSFORMS[name](x)


def treat(
    x: np.ndarray,
    *,
    method: str = "winsorise",
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
    fallback: str = "log_ct",
    combine: bool = False,
    lmbda: float = 0.0,
    makepos: bool = True,
) -> TreatResult:
    """Treat one indicator for outliers (COINr ``Treat.numeric`` with its defaults).

    Parameters
    ----------
    x : numpy.ndarray
        Indicator values (NaN ignored in every statistic and left missing).
    method : {"winsorise", "log_ct", "log_ct_orig", "log_ct_plus", "boxcox", "none"}
        ``"winsorise"`` is COINr's two-stage default; the others transform unconditionally.
    winmax, skew_thresh, kurt_thresh, force_win
        Winsorisation limits (COINr ``f1_para``).
    fallback : {"log_ct", "log_ct_orig", "log_ct_plus", "boxcox", "none"}
        Second-stage transform if Winsorisation fails (COINr ``f2``).
    combine : bool
        Apply the fallback to the Winsorised values instead of the originals
        (COINr ``combine_treat``).
    lmbda, makepos
        Box-Cox parameters.

    Returns
    -------
    TreatResult

    References
    ----------
    OECD/JRC. Handbook on Constructing Composite Indicators, 2008, doi:10.1787/9789264043466-en.
    """
    x = np.asarray(x, dtype=float)
    p0, s0, k0 = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    res = TreatResult(values=x.copy(), skew0=s0, kurt0=k0, passed0=p0,
                      treated=np.full(x.shape, "", dtype=object))
    if method == "none":
        return res
    if method != "winsorise":
        res.values = _transform(x, method, lmbda, makepos)
        res.transform = method
        res.treated[:] = method
        res.passed2, res.skew2, res.kurt2 = check_skew_kurt(
            res.values, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
        return res
    if p0 is None or p0:
        return res
    x1, nwin, marks = winsorise(x, winmax=winmax, skew_thresh=skew_thresh,
                                kurt_thresh=kurt_thresh, force_win=force_win)
    res.values, res.nwin, res.treated = x1, nwin, marks
    res.passed1, res.skew1, res.kurt1 = check_skew_kurt(
        x1, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    if res.passed1 is None or res.passed1 or fallback == "none":
        return res
    base = x1 if combine else x
    x2 = _transform(base, fallback, lmbda, makepos)
    res.values, res.transform = x2, fallback
    res.treated = (np.where(marks != "", marks + "+" + fallback, fallback) if combine
                   else np.full(x.shape, fallback, dtype=object))
    res.passed2, res.skew2, res.kurt2 = check_skew_kurt(
        x2, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    return res


def treat_table(data, **options):  # noqa: ANN001, ANN201 - thin pandas wrapper
    """Table wrapper of :func:`treat`: returns ``(treated DataFrame, report DataFrame)``."""
    import pandas as pd

    out = data.copy()
    rows = []
    for col in data.columns:
        r = treat(data[col].to_numpy(float), **options)
        out[col] = r.values
        rows.append({"indicator": col, "skew0": r.skew0, "kurt0": r.kurt0, "pass0": r.passed0,
                     "nwin": r.nwin, "skew1": r.skew1, "kurt1": r.kurt1, "pass1": r.passed1,
                     "transform": r.transform, "skew2": r.skew2, "kurt2": r.kurt2,
                     "pass2": r.passed2})
    return out, pd.DataFrame(rows)
