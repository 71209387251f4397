"""Paired before/after change analysis for outcome measures (e.g. SWEMWBS metric scores)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats

from rescomm.stats._checks import as_float_array, check_confidence, position
from rescomm.stats._errors import DegenerateDataWarning
from rescomm.stats._mean import t_interval

__all__ = ["PairedChange", "paired_change"]

#: Significance level of the Shapiro-Wilk check that ``method="auto"`` uses.
NORMALITY_ALPHA = 0.05
#: Above this many pairs ``method="auto"`` uses the t-test without a normality check:
#: Shapiro-Wilk p-values are not accurate past 5,000 (scipy), and at such sizes the mean
#: change is close to normal whatever the differences' shape (central limit theorem), while
#: the check would reject normality for trivial departures.
NORMALITY_MAX_N = 5000


@dataclass(frozen=True)
class PairedChange:
    """Result of :func:`paired_change`; every number carries its method and level.

    Attributes
    ----------
    n_pairs : int
        Complete before/after pairs analysed.
    n_baseline : int or None
        People measured at baseline (caller-supplied), for attrition.
    attrition : float or None
        ``1 - n_pairs / n_baseline``.
    mean_before, mean_after, mean_change : float
        Means; change is after minus before.
    sd_change : float
        Standard deviation of the differences.
    lower, upper : float
        Student's t confidence interval of the mean change.
    test : str
        ``"paired t-test"`` or ``"Wilcoxon signed-rank test"``.
    statistic, p_value : float
        Test statistic (t, or Wilcoxon's W) and two-sided p-value.
    effect_size : float
        Cohen's d_z (mean change / SD of change) for the t-test; matched-pairs rank-biserial
        correlation for Wilcoxon.
    effect_size_name : str
    normality_p : float or None
        Shapiro-Wilk p-value of the differences (``method="auto"`` with 3 to
        :data:`NORMALITY_MAX_N` pairs).
    reliable_change : float or None
        Threshold for an individual's reliable change.
    improved, no_change, deteriorated : int or None
        Counts of people whose change exceeds the threshold in the good / bad direction.
    confidence : float
    method : str
        How the test was chosen (e.g. ``"auto: Shapiro-Wilk p >= 0.05 -> paired t-test"``).
    """

    n_pairs: int
    n_baseline: int | None
    attrition: float | None
    mean_before: float
    mean_after: float
    mean_change: float
    sd_change: float
    lower: float
    upper: float
    test: str
    statistic: float
    p_value: float
    effect_size: float
    effect_size_name: str
    normality_p: float | None
    reliable_change: float | None
    improved: int | None
    no_change: int | None
    deteriorated: int | None
    confidence: float
    method: str


def _pairs(before: Any, after: Any, missing: str) -> tuple[np.ndarray, np.ndarray]:
    b = as_float_array(before, "before").reshape(-1)
    a = as_float_array(after, "after").reshape(-1)
    if b.shape != a.shape:
        raise ValueError(
            f"mismatched lengths: before has {b.size} values, after has {a.size}; pass one "
            f"value per person in the same order"
        )
    gap = np.isnan(b) | np.isnan(a)
    if gap.any():
        if missing == "raise":
            i = int(np.flatnonzero(gap)[0])
            raise ValueError(
                f"before/after has a missing value at position {position(i, b.shape)}; pass "
                f"missing='drop' to analyse complete pairs only"
            )
        if missing != "drop":
            raise ValueError(f"missing must be 'raise' or 'drop'; got {missing!r}")
        b, a = b[~gap], a[~gap]
    return b, a


def paired_change(
    before: Any,
    after: Any,
    *,
    confidence: float = 0.95,
    reliable_change: float | None = None,
    method: Literal["auto", "t", "wilcoxon"] = "auto",
    higher_is_better: bool = True,
    n_baseline: int | None = None,
    missing: Literal["raise", "drop"] = "raise",
) -> PairedChange:
    """Mean change with t CI, a paired test, an effect size and reliable-change counts.

    Parameters
    ----------
    before, after : array_like, 1-D
        Scores of the same people before and after, in the same order (e.g. SWEMWBS metric
        scores from :func:`swemwbs_metric`).
    confidence : float, keyword-only
        Level of the interval of the mean change, as a fraction.
    reliable_change : float, optional, keyword-only
        Individual reliable-change threshold on the score scale; for SWEMWBS metric scores use
        :data:`SWEMWBS_RELIABLE_CHANGE` (2.87). None skips the counts.
    method : {"auto", "t", "wilcoxon"}, keyword-only
        Test of "no change": the paired t-test, the Wilcoxon signed-rank test, or "auto":
        Shapiro-Wilk on the differences, t-test if :math:`p \\ge 0.05` (or fewer than 3
        pairs, or more than :data:`NORMALITY_MAX_N` pairs), else Wilcoxon.
    higher_is_better : bool, keyword-only
        Direction of improvement (True for SWEMWBS; False for e.g. UCLA-3 loneliness).
    n_baseline : int, optional, keyword-only
        People measured at baseline, supplied by the caller, to report attrition.
    missing : {"raise", "drop"}, keyword-only
        Whether a pair with a missing score is an error or is dropped.

    Returns
    -------
    PairedChange

    Raises
    ------
    ValueError
        For mismatched lengths, fewer than 2 complete pairs, a bad confidence, or
        ``n_baseline < n_pairs``.

    Warns
    -----
    DegenerateDataWarning
        When every difference is zero: the test statistic and effect size are 0 and the
        p-value is 1 (no evidence of change), rather than NaN.

    Notes
    -----
    With differences :math:`d_i = a_i - b_i`: mean change :math:`\\bar d \\mp
    t_{n-1}\\, s_d/\\sqrt n`; Cohen's :math:`d_z = \\bar d / s_d`; rank-biserial
    :math:`r = (W^+ - W^-)/(W^+ + W^-)` over non-zero differences (zero differences are
    dropped, Wilcoxon's method). A person improved if :math:`d_i > R` (or :math:`-d_i > R`
    when lower is better), deteriorated if the opposite change exceeds :math:`R`, else no
    reliable change.

    References
    ----------
    .. [1] Shah N, Cader M, Andrews WP, Wijesekera D, Stewart-Brown SL. Responsiveness of the
       Short Warwick Edinburgh Mental Well-Being Scale (SWEMWBS): evaluation a clinical
       sample. Health Qual Life Outcomes 2018;16:239. doi:10.1186/s12955-018-1060-2
    .. [2] Jacobson NS, Truax P. Clinical significance: a statistical approach to defining
       meaningful change in psychotherapy research. J Consult Clin Psychol 1991;59:12-19.
       doi:10.1037/0022-006X.59.1.12
    .. [3] Kerby DS. The simple difference formula: an approach to teaching nonparametric
       correlation. Compr Psychol 2014;3. doi:10.2466/11.IT.3.1
    .. [4] Lakens D. Calculating and reporting effect sizes to facilitate cumulative science.
       Front Psychol 2013;4:863. doi:10.3389/fpsyg.2013.00863
    """
    c = check_confidence(confidence)
    if method not in ("auto", "t", "wilcoxon"):
        raise ValueError(f"method must be 'auto', 't' or 'wilcoxon'; got {method!r}")
    b, a = _pairs(before, after, missing)
    n = int(b.size)
    if n < 2:
        raise ValueError(f"paired_change needs at least 2 complete pairs; got {n}")
    if n_baseline is not None and n_baseline < n:
        raise ValueError(f"n_baseline ({n_baseline}) cannot be below the {n} complete pairs")
    d = a - b
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    lower, upper = t_interval(mean, sd, n, confidence=c)
    normality_p = None
    if method == "auto":
        if 3 <= n <= NORMALITY_MAX_N and sd > 0:
            normality_p = float(stats.shapiro(d).pvalue)
        use_t = normality_p is None or normality_p >= NORMALITY_ALPHA
        if n < 3:
            chosen = "auto: fewer than 3 pairs -> paired t-test"
        elif n > NORMALITY_MAX_N:
            chosen = (f"auto: more than {NORMALITY_MAX_N:,} pairs -> paired t-test (mean "
                      "change close to normal; no normality check)")
        else:
            chosen = (f"auto: Shapiro-Wilk p {'>=' if use_t else '<'} {NORMALITY_ALPHA} -> "
                      + ("paired t-test" if use_t else "Wilcoxon signed-rank test"))
    else:
        use_t = method == "t"
        chosen = f"as requested: {'paired t-test' if use_t else 'Wilcoxon signed-rank test'}"
    test = "paired t-test" if use_t else "Wilcoxon signed-rank test"
    if sd == 0 and mean == 0:
        warnings.warn(
            "every paired difference is zero: no change to test; statistic and effect size "
            "are 0 and the p-value is 1",
            DegenerateDataWarning,
            stacklevel=2,
        )
        statistic, p_value, effect = 0.0, 1.0, 0.0
    elif use_t:
        res = stats.ttest_rel(a, b)
        statistic, p_value = float(res.statistic), float(res.pvalue)
        effect = mean / sd if sd > 0 else float(np.sign(mean)) * np.inf
    else:
        res = stats.wilcoxon(d, zero_method="wilcox")
        statistic, p_value = float(res.statistic), float(res.pvalue)
        nz = d[d != 0]
        ranks = stats.rankdata(np.abs(nz))
        w_plus, w_minus = ranks[nz > 0].sum(), ranks[nz < 0].sum()
        effect = float((w_plus - w_minus) / (w_plus + w_minus))
    improved = no_change = deteriorated = None
    if reliable_change is not None:
        if reliable_change <= 0:
            raise ValueError(f"reliable_change must be > 0; got {reliable_change}")
        good = d if higher_is_better else -d
        improved = int((good > reliable_change).sum())
        deteriorated = int((good < -reliable_change).sum())
        no_change = n - improved - deteriorated
    return PairedChange(
        n_pairs=n,
        n_baseline=n_baseline,
        attrition=None if n_baseline is None else 1.0 - n / n_baseline,
        mean_before=float(b.mean()),
        mean_after=float(a.mean()),
        mean_change=mean,
        sd_change=sd,
        lower=lower,
        upper=upper,
        test=test,
        statistic=statistic,
        p_value=p_value,
        effect_size=effect,
        effect_size_name="Cohen's d_z" if use_t else "rank-biserial correlation",
        normality_p=normality_p,
        reliable_change=reliable_change,
        improved=improved,
        no_change=no_change,
        deteriorated=deteriorated,
        confidence=c,
        method=chosen,
    )
