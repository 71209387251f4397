import dataclasses
import warnings

import numpy as np
import pytest
from scipy import stats

from rescomm.stats import SWEMWBS_RELIABLE_CHANGE, DegenerateDataWarning, paired_change


def _normal_pairs(n=60, shift=1.5, seed=3):
    rng = np.random.default_rng(seed)
    before = rng.normal(22, 4, n)
    return before, before + rng.normal(shift, 2.5, n)


def test_mean_change_interval_and_t_test_agree_with_scipy():
    before, after = _normal_pairs()
    res = paired_change(before, after, method="t")
    d = after - before
    assert res.mean_change == pytest.approx(d.mean())
    ci = stats.ttest_rel(after, before).confidence_interval(0.95)
    assert (res.lower, res.upper) == pytest.approx((ci.low, ci.high))
    assert res.p_value == pytest.approx(stats.ttest_rel(after, before).pvalue)
    assert res.effect_size == pytest.approx(d.mean() / d.std(ddof=1))
    assert res.effect_size_name == "Cohen's d_z" and res.test == "paired t-test"


def test_auto_chooses_wilcoxon_for_skewed_differences():
    rng = np.random.default_rng(0)
    before = rng.normal(20, 3, 80)
    after = before + rng.exponential(2.0, 80) ** 2
    res = paired_change(before, after)
    assert res.normality_p is not None and res.normality_p < 0.05
    assert res.test == "Wilcoxon signed-rank test"
    assert res.effect_size_name == "rank-biserial correlation"
    assert res.method.startswith("auto: Shapiro-Wilk p < 0.05")


def test_auto_uses_the_t_test_without_a_normality_check_past_5000_pairs():
    rng = np.random.default_rng(1)
    before = rng.normal(20, 3, 6000)
    after = before + rng.exponential(2.0, 6000) ** 2  # skewed: Shapiro-Wilk would reject
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy warns about Shapiro-Wilk past 5,000
        res = paired_change(before, after)
    assert res.normality_p is None and res.test == "paired t-test"
    assert res.method.startswith("auto: more than 5,000 pairs -> paired t-test")
    assert paired_change(before[:5000], after[:5000]).test == "Wilcoxon signed-rank test"


def test_rank_biserial_is_one_when_everyone_improves():
    res = paired_change([10, 11, 12, 13, 14], [12, 14, 13, 17, 20], method="wilcoxon")
    assert res.effect_size == pytest.approx(1.0)


def test_reliable_change_counts_use_the_swemwbs_threshold():
    before = np.array([20.0, 20.0, 20.0, 20.0])
    after = np.array([23.0, 22.0, 17.0, 20.5])
    res = paired_change(before, after, reliable_change=SWEMWBS_RELIABLE_CHANGE, method="t")
    assert (res.improved, res.no_change, res.deteriorated) == (1, 2, 1)
    res = paired_change(before, after, reliable_change=2.87, higher_is_better=False,
                        method="t")
    assert (res.improved, res.deteriorated) == (1, 1)


def test_attrition_uses_the_callers_baseline_count():
    before, after = _normal_pairs(n=40)
    res = paired_change(before, after, n_baseline=50)
    assert res.n_pairs == 40 and res.attrition == pytest.approx(0.2)


def test_result_is_frozen_and_describes_itself():
    res = paired_change([1.0, 2.0, 3.0], [2.0, 2.5, 4.5])
    assert res.confidence == 0.95 and res.method
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.mean_change = 0  # type: ignore[misc]


def test_no_change_at_all_is_a_named_degenerate_case():
    with pytest.warns(DegenerateDataWarning):
        res = paired_change([3.0, 4.0, 5.0], [3.0, 4.0, 5.0])
    assert (res.statistic, res.p_value, res.effect_size) == (0.0, 1.0, 0.0)


def test_mismatched_lengths_and_missing_pairs_are_refused():
    with pytest.raises(ValueError) as err:
        paired_change([1, 2, 3], [1, 2])
    assert str(err.value) == (
        "mismatched lengths: before has 3 values, after has 2; pass one value per person in "
        "the same order"
    )
    with pytest.raises(ValueError, match="missing='drop'"):
        paired_change([1, 2, np.nan], [1, 2, 3])
    res = paired_change([1, 2, np.nan, 4], [2, 2, 3, 6], missing="drop")
    assert res.n_pairs == 3


def test_confidence_must_be_a_fraction():
    with pytest.raises(ValueError, match="Did you mean 0.95"):
        paired_change([1, 2, 3], [2, 3, 5], confidence=95)
