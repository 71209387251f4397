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
from typing import Any

import numpy as np
import pandas as pd


class _Moments:
    """Power sums of ``x - c`` (``c`` = the initial mean), updated in O(1) when a block of equal
    values moves; gives e1071 type-2 skewness and kurtosis without another pass over the data."""

    def __init__(self, v: np.ndarray) -> None:
        self.n = v.size
        self.c = float(v.mean()) if v.size else 0.0
        d = v - self.c
        d2 = d * d
        self.s = [float(d.sum()), float(d2.sum()), float((d2 * d).sum()), float((d2 * d2).sum())]

    def move(self, k: int, old: float, new: float) -> None:
        a, b = old - self.c, new - self.c
        for p in range(4):
            self.s[p] += k * (b ** (p + 1) - a ** (p + 1))

    def central(self) -> tuple[float, float, float]:
        n, (s1, s2, s3, s4) = self.n, self.s
        mu = s1 / n
        m2 = s2 - n * mu**2
        m3 = s3 - 3 * mu * s2 + 2 * n * mu**3
        m4 = s4 - 4 * mu * s3 + 6 * mu**2 * s2 - 3 * n * mu**4
        return m2, m3, m4

    def skew(self) -> float:
        n = self.n
        m2, m3, _ = self.central()
        if n < 3 or m2 <= 1e-14 * max(abs(self.s[1]), 1e-300) or m2**1.5 == 0:
            return float("nan")
        return float(np.sqrt(n) * m3 / m2**1.5 * np.sqrt(n * (n - 1)) / (n - 2))

    def kurt(self) -> float:
        n = self.n
        m2, _, m4 = self.central()
        if n < 4 or m2 <= 1e-14 * max(abs(self.s[1]), 1e-300) or m2**2 == 0:
            return float("nan")
        r = n * m4 / m2**2
        return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))

    def check(self, skew_thresh: float, kurt_thresh: float) -> bool | None:
        sk, kt = self.skew(), self.kurt()
        if np.isnan(sk) or np.isnan(kt):
            return None
        return bool(abs(sk) < skew_thresh or kt < kurt_thresh)


def skew(x: np.ndarray) -> float:
    """Sample skewness, e1071 type 2 / Excel ``SKEW`` (NaN ignored; NaN if fewer than 3 points).

    Notes
    -----
    .. math:: g = \\frac{\\sqrt{n}\\,\\sum d^3}{(\\sum d^2)^{3/2}}\\cdot\\frac{\\sqrt{n(n-1)}}{n-2},
              \\quad d = x - \\bar x
    """
    v = np.asarray(x, dtype=float)
    return _Moments(v[~np.isnan(v)]).skew()


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis, e1071 type 2 / Excel ``KURT`` (NaN if fewer than 4 points).

    Notes
    -----
    .. math:: r = \\frac{n\\sum d^4}{(\\sum d^2)^2},\\quad
              k = \\frac{((n+1)(r-3)+6)(n-1)}{(n-2)(n-3)}
    """
    v = np.asarray(x, dtype=float)
    return _Moments(v[~np.isnan(v)]).kurt()


def check_skew_kurt(
    x: np.ndarray, *, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[bool | None, float, float]:
    """COINr ``check_SkewKurt``: pass if ``|skew| < skew_thresh`` or ``kurt < kurt_thresh``.

    Returns ``(passes, skew, kurtosis)``; ``passes`` is None when they cannot be computed
    (fewer than 4 values, or zero variance), in which case COINr leaves the vector untreated.
    """
    v = np.asarray(x, dtype=float)
    m = _Moments(v[~np.isnan(v)])
    sk, kt = m.skew(), m.kurt()
    return m.check(skew_thresh, kurt_thresh), sk, kt


def winsorise(
    x: np.ndarray,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[np.ndarray, int, np.ndarray]:
    """COINr ``winsorise``: move extreme values in one step at a time.

    While the vector fails the skew/kurtosis check (or ``force_win``) and fewer than ``winmax``
    points have been moved: if skew >= 0, every point equal to the maximum takes the next
    highest value, otherwise every point equal to the minimum takes the next lowest value.
    Implemented on the sorted values with O(1) moment updates per step (same result as
    re-computing skew and kurtosis from scratch, as COINr does).

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
    y, nwin, hi, lo = _winsorise(x, winmax=winmax, skew_thresh=skew_thresh,
                                 kurt_thresh=kurt_thresh, force_win=force_win)
    return y, nwin, _marks(np.shape(x), hi, lo)


def _marks(shape: tuple[int, ...], hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    treated = np.full(shape, "", dtype=object)
    treated[hi] = "winhi"
    treated[lo] = "winlo"
    return treated


def _winsorise(
    x: np.ndarray, *, winmax: int | None, skew_thresh: float, kurt_thresh: float,
    force_win: bool,
) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float).copy()
    hi_idx = lo_idx = np.array([], dtype=int)
    present = np.flatnonzero(~np.isnan(x))
    order = present[np.argsort(x[present])]  # tie order is irrelevant: blocks hold all ties
    vals = x[order]
    m = _Moments(vals)
    passing = m.check(skew_thresh, kurt_thresh)
    passing = True if passing is None else passing
    n = vals.size
    lo_end, hi_start = 0, n  # vals[:lo_end] are at the (moved) minimum, vals[hi_start:] at max
    lo_val = hi_val = float("nan")
    last_hi = last_lo = 0  # size of the block moved at the last high / low step
    nwin = 0
    if n and (not passing or force_win):
        lo_val, hi_val = vals[0], vals[-1]
        lo_end = int(np.searchsorted(vals, lo_val, side="right"))
        hi_start = int(np.searchsorted(vals, hi_val, side="left"))
        below = winmax is None or nwin < winmax
        while (not passing or force_win) and below:
            if lo_val == hi_val:  # everything at one value: nothing left to move
                break
            sk = m.skew()
            if np.isnan(sk) or sk >= 0:
                k = n - hi_start
                nxt = vals[hi_start - 1] if hi_start - 1 >= lo_end else lo_val
                m.move(k, hi_val, nxt)
                hi_val = nxt
                hi_start = int(np.searchsorted(vals[:hi_start], nxt, side="left"))
                hi_start = max(hi_start, lo_end) if nxt != lo_val else lo_end
                last_hi = k
            else:
                k = lo_end
                nxt = vals[lo_end] if lo_end < hi_start else hi_val
                m.move(k, lo_val, nxt)
                lo_val = nxt
                lo_end = int(np.searchsorted(vals, nxt, side="right")) if lo_end < hi_start \
                    else hi_start
                lo_end = min(lo_end, hi_start) if nxt != hi_val else hi_start
                last_lo = k
            nwin = last_hi + last_lo
            below = winmax is None or nwin < winmax
            ok = m.check(skew_thresh, kurt_thresh)
            passing = True if ok is None else ok
        if last_hi:
            x[order[hi_start:]] = hi_val
            hi_idx = order[n - last_hi:]
        if last_lo:
            x[order[:lo_end]] = lo_val
            lo_idx = order[:last_lo]
    return x, nwin, hi_idx, lo_idx


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
    hi: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    lo: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))

    @property
    def n_treated(self) -> int:
        """Number of values changed (all of them once a transform was applied)."""
        if self.transform:
            return int(np.count_nonzero(~np.isnan(self.values)))
        return int(self.hi.size + self.lo.size)

    @property
    def treated(self) -> np.ndarray:
        """Per value: ``"winhi"``, ``"winlo"``, the transform name (``"winhi+log_ct"`` when
        combined) or ``""`` (COINr ``Treated_Points``)."""
        marks = _marks(self.values.shape, self.hi, self.lo)
        if self.transform:
            if self.hi.size + self.lo.size and self.combined:
                return np.where(marks != "", marks + "+" + self.transform, self.transform)
            return np.full(self.values.shape, self.transform, dtype=object)
        return marks

    combined: bool = False

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
    res = TreatResult(values=x, skew0=s0, kurt0=k0, passed0=p0)
    if method == "none":
        return res
    if method != "winsorise":
        res.values = _transform(x, method, lmbda, makepos)
        res.transform = method
        res.passed2, res.skew2, res.kurt2 = check_skew_kurt(
            res.values, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
        return res
    if p0 is None or p0:
        return res
    x1, nwin, res.hi, res.lo = _winsorise(x, winmax=winmax, skew_thresh=skew_thresh,
                                          kurt_thresh=kurt_thresh, force_win=force_win)
    res.values, res.nwin = x1, nwin
    res.passed1, res.skew1, res.kurt1 = check_skew_kurt(
        x1, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    if res.passed1 is None or res.passed1 or fallback == "none":
        return res
    base = x1 if combine else x
    res.values, res.transform, res.combined = _transform(base, fallback, lmbda, makepos), \
        fallback, combine
    res.passed2, res.skew2, res.kurt2 = check_skew_kurt(
        res.values, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    return res


def treat_table(data: pd.DataFrame, **options: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table wrapper of :func:`treat`: returns ``(treated DataFrame, report DataFrame)`` with
    one report row per column (skew/kurtosis before and after, points Winsorised,
    transform)."""
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
