"""The pyarrow adaptor: string conversion, matching, categoricals, bundled reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from rescomm.data import DataFileMissingError
from rescomm.geo._arrow import categorical, positions_in, read_bundled, to_arrow_strings


def test_anything_that_is_not_a_string_becomes_null():
    got = to_arrow_strings(np.array(["a", None, np.nan, 3, "b"], dtype=object))
    assert got.to_pylist() == ["a", None, None, None, "b"]


@pytest.mark.parametrize("values", [
    pd.Series(["a", None], dtype="string[pyarrow]"),
    pd.Series(["a", None], dtype="string[python]"),
    pd.Series(["a", None], dtype="category"),
    pd.Series(["a", None], dtype=object),
    pa.chunked_array([["a"], [None]]),
])
def test_every_pandas_and_arrow_string_flavour_converts(values):
    assert to_arrow_strings(values).to_pylist() == ["a", None]


def test_positions_are_minus_one_where_absent():
    got = positions_in(pa.array(["b", "z", None]), pa.array(["a", "b"]))
    assert got.tolist() == [1, -1, -1]


def test_categoricals_keep_missing_values_missing():
    cat = categorical(["x", None, "x", "y"])
    assert cat.isna().tolist() == [False, True, False, False]
    assert list(cat.categories) == ["x", "y"]


def test_a_missing_bundled_file_names_the_file_and_the_fix(tmp_path, monkeypatch):
    import rescomm.data._bundled as bundled

    monkeypatch.setattr(bundled, "BUNDLED_DIR", tmp_path)
    with pytest.raises(DataFileMissingError) as info:
        read_bundled("postcodes_cm")
    assert str(info.value) == (
        f"bundled data file {tmp_path / 'postcodes_cm.parquet'} is missing: reinstall rescomm, "
        "or rebuild it with `python scripts/build_bundled_data.py --shared PATH/TO/shared/data`"
    )
