import numpy as np
import pandas as pd
import pytest

from rescomm.stats import benchmark_comparison, compare_to_benchmark, proportion


@pytest.mark.parametrize("value, lower, upper, polarity, expected", [
    (3.0, 2.7, 3.6, "high_is_good", "worse"),
    (3.0, 2.7, 3.6, "low_is_good", "better"),
    (3.0, 2.7, 3.6, "no_judgement", "lower"),
    (5.0, 4.5, 6.0, "high_is_good", "better"),
    (5.0, 4.5, 6.0, "no_judgement", "higher"),
    (4.2, 3.5, 4.5, "high_is_good", "similar"),
    (3.0, 2.7, 4.0, "low_is_good", "similar"),  # benchmark on the limit counts as similar
])
def test_single_overlap_against_a_benchmark_of_four(value, lower, upper, polarity, expected):
    assert compare_to_benchmark(value, lower, upper, 4.0, polarity=polarity) == expected


def test_double_overlap_uses_both_intervals():
    # Fingertips' comparer test case: 3.0 [2.7, 3.6] against 4.0 [3.5, 4.5] overlaps.
    assert compare_to_benchmark(3.0, 2.7, 3.6, 4.0, benchmark_lower=3.5,
                                benchmark_upper=4.5) == "similar"
    assert compare_to_benchmark(3.0, 2.7, 3.4, 4.0, benchmark_lower=3.5,
                                benchmark_upper=4.5) == "worse"


def test_missing_values_are_not_compared_rather_than_nan():
    got = compare_to_benchmark([3.0, np.nan], [2.0, np.nan], [3.5, np.nan], 4.0)
    assert list(got) == ["worse", "not compared"]


def test_benchmark_comparison_reads_wrapper_columns_at_both_levels():
    data = pd.DataFrame({"area": ["a", "b", "c"], "x": [30, 52, 70], "n": [100, 100, 100]})
    table = proportion(data, "x", "n", confidence=(0.95, 0.998))
    got = benchmark_comparison(table, benchmark=0.5, polarity="high_is_good")
    assert list(got["comparison95_0"]) == ["worse", "similar", "better"]
    assert list(got["comparison99_8"]) == ["worse", "similar", "better"]
    near = benchmark_comparison(table, benchmark=0.4, confidence=(0.95, 0.998))
    # 30/100: 95% interval [0.219, 0.396] excludes 0.4; 99.8% interval [0.187, 0.443] holds it
    assert near.loc[0, "comparison95_0"] == "worse"
    assert near.loc[0, "comparison99_8"] == "similar"


def test_unknown_polarity_is_refused():
    with pytest.raises(ValueError) as err:
        compare_to_benchmark(1.0, 0.5, 1.5, 1.0, polarity="RAG")
    assert str(err.value) == (
        "polarity must be one of ('high_is_good', 'low_is_good', 'no_judgement'); got 'RAG'"
    )
