"""Thin adaptor over pyarrow for the vectorised string work in :mod:`rescomm.geo`.

Strings are hashed and matched by Arrow's C++ kernels, which is what keeps a 100,000-postcode
look-up free of per-row Python.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rescomm.data import bundled_path

_STRING_TYPES = {
    pa.string(): pd.StringDtype("pyarrow"),
    pa.large_string(): pd.StringDtype("pyarrow"),
}


def to_arrow_strings(values: pd.Series | pd.Index | Iterable[object]) -> pa.Array:
    """Arrow ``string`` array of ``values``; anything that is not a ``str`` becomes null."""
    if isinstance(values, str):
        raise TypeError("expected many values, got one string; wrap it in a list")
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks().cast(pa.string())
    if isinstance(values, pa.Array):
        return values.cast(pa.string())
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    if isinstance(values, pd.api.extensions.ExtensionArray):
        if isinstance(values.dtype, pd.StringDtype | pd.ArrowDtype):
            return _combined(pa.array(values)).cast(pa.string())
        if isinstance(values.dtype, pd.CategoricalDtype) and (
            values.categories.inferred_type in ("string", "empty")
        ):
            return _combined(pa.array(values)).dictionary_decode().cast(pa.string())
        values = values.to_numpy(dtype=object, na_value=None)
    elif not isinstance(values, np.ndarray):
        values = list(values)
    values = np.asarray(values, dtype=object).ravel()
    try:
        return pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        is_str = np.frompyfunc(isinstance, 2, 1)(values, str).astype(bool)
        return pa.array(np.where(is_str, values, None), type=pa.string(), from_pandas=True)


def positions_in(values: pa.Array, universe: pa.Array) -> np.ndarray:
    """Position of each of ``values`` in ``universe`` (``int64``; -1 where absent or null)."""
    found = pc.index_in(values, value_set=universe)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def categorical(values: pa.Array | pd.Series | Iterable[object]) -> pd.Categorical:
    """Categorical of strings via Arrow dictionary encoding (nulls stay missing)."""
    encoded = pc.dictionary_encode(to_arrow_strings(values))
    return pd.Categorical.from_codes(
        encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64),
        categories=pd.Index(encoded.dictionary.to_pylist(), dtype=object),
    )


def string_array(values: pa.Array) -> pd.arrays.ArrowStringArray:
    """pandas ``string[pyarrow]`` array backed by ``values`` (no copy)."""
    return pd.arrays.ArrowStringArray(values.cast(pa.string()))


def read_bundled(name: str, columns: list[str] | None = None,
                 filters: pc.Expression | None = None) -> pd.DataFrame:
    """A bundled table (optionally only ``columns``, and only the rows that pass Parquet
    ``filters``) with Arrow-backed string columns."""
    table = pq.read_table(bundled_path(name), columns=columns, filters=filters)
    return table.to_pandas(types_mapper=_STRING_TYPES.get)


def _combined(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
