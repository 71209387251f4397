"""Input data at the boundary: read the table, find the spec's columns, check area codes.

Everything a user can get wrong in a data file is caught here, with one message that names the
column and the rows (misspelt or missing columns with a "did you mean", non-numeric cells,
duplicate or empty area codes, unknown codes, LSOA 2011 and 2021 codes mixed).
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from rescomm.data import find_encoding_error

from ._errors import IndexDataError
from ._spec import ColumnRef, IndexSpec

_MAX_LISTED = 5


def read_table(path: str | Path, *, spec: IndexSpec | None = None,
               encoding: str = "utf-8") -> pd.DataFrame:
    """Read CSV (optionally gzip), Parquet or Excel into a DataFrame (area codes as text).

    A missing file is an :class:`IndexDataError` that says, for a ``spec`` with a
    ``data_source``, where the official data come from. CSV text is decoded as ``encoding``
    (default UTF-8, a byte-order mark allowed); a file in another encoding is refused naming
    its first undecodable line and byte.
    """
    p = Path(path)
    if not p.is_file():
        raise IndexDataError(f"data file {p} does not exist{_where_from(spec)}")
    name = p.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(p)
        if name.endswith((".xlsx", ".xls")):
            return pd.read_excel(p)
        return pd.read_csv(p, low_memory=False, encoding=_csv_encoding(encoding))
    except UnicodeDecodeError:
        problem = find_encoding_error(p, encoding)
        raise IndexDataError(str(problem or f"{p} is not {encoding} text")) from None
    except LookupError:
        raise IndexDataError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1252)") from None
    except (ValueError, OSError) as exc:
        raise IndexDataError(f"cannot read {p}: {exc}") from None


def _csv_encoding(encoding: str) -> str:
    """``utf-8-sig`` for UTF-8 (drops a byte-order mark), else ``encoding``."""
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


def _where_from(spec: IndexSpec | None) -> str:
    """``"; framework X reads ... (or leave the data out ...)"`` for a missing data file."""
    if spec is None or not spec.data_source:
        return ""
    from ._frameworks import has_bundled_inputs

    bundled = (" (or leave the data out to use its bundled Cheshire & Merseyside inputs)"
               if has_bundled_inputs(spec) else "")
    return f"; framework {spec.id} reads {spec.data_source}{bundled}"


def _rows(idx: np.ndarray, codes: np.ndarray | None = None) -> str:
    """'rows 3, 8 (E01000003, E01000008) and 4 more' (1-based data rows, header excluded)."""
    shown = [int(i) + 1 for i in idx[:_MAX_LISTED]]
    text = ", ".join(map(str, shown))
    if codes is not None:
        text += " (" + ", ".join(str(codes[i]) for i in idx[:_MAX_LISTED]) + ")"
    if idx.size > _MAX_LISTED:
        text += f" and {idx.size - _MAX_LISTED} more"
    return ("row " if idx.size == 1 else "rows ") + text


def _text(s: pd.Series) -> np.ndarray:
    """Column as an object array of stripped strings (missing stays missing)."""
    values = s.to_numpy(object)
    if all(type(v) is str for v in values):
        joined = "".join(values)
        if not any(c in joined for c in " \t\r\n\xa0"):
            return values
    return s.astype("string").str.strip().to_numpy(object)


def resolve_column(frame: pd.DataFrame, ref: ColumnRef, what: str) -> str:
    """The first of ``ref.names`` present in ``frame``; otherwise an error with suggestions."""
    for name in ref.names:
        if name in frame.columns:
            return name
    tried = ", ".join(repr(n) for n in ref.names)
    close = difflib.get_close_matches(ref.column, [str(c) for c in frame.columns], n=3,
                                      cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise IndexDataError(f"column {ref.column!r} for {what} not found (tried {tried}){hint}")


def numeric_column(frame: pd.DataFrame, column: str, what: str, codes: np.ndarray) -> np.ndarray:
    """Column as float; non-numeric cells are an error naming the rows and values."""
    s = frame[column]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=float, na_value=np.nan)
    text = s.astype("string").str.strip()
    out = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero((out.isna() & text.notna() & (text != "")).to_numpy())
    if bad.size:
        examples = ", ".join(repr(str(s.iloc[i])) for i in bad[:3])
        raise IndexDataError(f"column {column!r} ({what}) has non-numeric values in "
                             f"{_rows(bad, codes)}: {examples}")
    return out.to_numpy(dtype=float, na_value=np.nan)


def numeric_block(frame: pd.DataFrame, columns: list[tuple[str, str]],
                  codes: np.ndarray) -> np.ndarray:
    """``(column, what)`` pairs as the columns of one float array (n x len(columns)).

    Numeric columns are taken in one step; any other column goes through
    :func:`numeric_column`, which names its non-numeric cells.
    """
    names = [c for c, _ in columns]
    if frame.columns.is_unique:
        block = frame[names]
        # integer, unsigned or float (numpy or nullable extension dtypes), never bool
        if all(getattr(dtype, "kind", "O") in "iuf" for dtype in block.dtypes):
            return block.to_numpy(dtype=float, na_value=np.nan)
    out = np.empty((len(frame), len(columns)))
    for j, (column, what) in enumerate(columns):
        out[:, j] = numeric_column(frame, column, what, codes)
    return out


def indicator_values(spec: IndexSpec, raw: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Each indicator in its ``unit``: a count divided by its denominator and multiplied by
    the spec's scale (``x / d * scale``, missing where ``d`` is 0 or missing), any other
    indicator as read. The one definition of "the value of an indicator" that explanations,
    profiles, tables and pages show (before imputation, treatment and normalisation).

    Parameters
    ----------
    spec : IndexSpec
    raw, denominator : array (n, m)
        Source values and denominators of n areas, one column per indicator in spec order.
    """
    from ._denominate import denominate

    values = np.array(raw, dtype=float, copy=True)
    for j, ind in enumerate(spec.indicators):
        if ind.denominator is not None:
            values[:, j] = denominate(values[:, j], denominator[:, j],
                                      scale=ind.denominator.scale)[0]
    return values


@cache
def _lsoa_sets() -> tuple[pd.Index, pd.Index]:
    from rescomm.data import load_lsoa11_lsoa21_lookup

    lk = load_lsoa11_lsoa21_lookup()
    return (pd.Index(lk["lsoa11_code"].astype(str).unique()),
            pd.Index(lk["lsoa21_code"].astype(str).unique()))


def check_area_codes(codes: np.ndarray, *, geography: str, column: str) -> None:
    """Reject empty/duplicate codes, and for LSOA geographies unknown or mixed-vintage codes.

    Raises
    ------
    IndexDataError
        Naming the column and the offending rows, and how to fix it.
    """
    s = pd.Series(codes, dtype=object)
    empty = np.flatnonzero((s.isna() | (s.astype(str).str.strip() == "")).to_numpy())
    if empty.size:
        raise IndexDataError(f"column {column!r} has empty area codes in {_rows(empty)}")
    dup = np.flatnonzero(pd.Index(codes).duplicated(keep=False))
    if dup.size:
        raise IndexDataError(f"column {column!r} has duplicate area codes in "
                             f"{_rows(dup, codes)}; each area must appear once")
    if geography == "none" and not s.astype(str).str[:3].isin(["E01", "W01"]).any():
        return
    s11, s21 = _lsoa_sets()
    in11 = s11.get_indexer(codes) >= 0
    in21 = s21.get_indexer(codes) >= 0
    only11 = np.flatnonzero(in11 & ~in21)
    only21 = np.flatnonzero(in21 & ~in11)
    fix = "convert them with rescomm.data.load_lsoa11_lsoa21_lookup() first"
    if only11.size and only21.size:
        raise IndexDataError(
            f"column {column!r} mixes LSOA 2011 and LSOA 2021 codes: {only11.size} exist only "
            f"in 2011 ({_rows(only11, codes)}) and {only21.size} only in 2021 "
            f"({_rows(only21, codes)}); {fix}")
    if geography == "lsoa11" and only21.size:
        raise IndexDataError(
            f"column {column!r} holds LSOA 2021 codes but this index uses LSOA 2011 "
            f"({_rows(only21, codes)}); {fix}")
    if geography == "lsoa21" and only11.size:
        raise IndexDataError(
            f"column {column!r} holds LSOA 2011 codes but this index uses LSOA 2021 "
            f"({_rows(only11, codes)}); {fix}")
    if geography in ("lsoa11", "lsoa21"):
        unknown = np.flatnonzero(~(in11 | in21))
        if unknown.size:
            raise IndexDataError(f"column {column!r} has codes that are not {geography.upper()} "
                                 f"LSOA codes in {_rows(unknown, codes)}")


@dataclass
class Prepared:
    """The spec's view of one data table, as arrays in indicator order."""

    codes: np.ndarray
    raw: np.ndarray  # n x k indicator source values
    rank: np.ndarray  # n x k published ranks (NaN where the indicator has no rank column)
    denominator: np.ndarray  # n x k (NaN where no denominator)
    la: np.ndarray | None
    population: np.ndarray | None
    columns: dict[str, str]  # logical name -> column used
    frame: pd.DataFrame

    def column(self, name: str, what: str) -> np.ndarray:
        """Any other data column (e.g. an imputation group), by exact name or ``"la"``."""
        if name == "la":
            if self.la is None:
                raise IndexDataError(f"{what} uses 'la' but the spec has no area.la column")
            return self.la
        ref = ColumnRef(name)
        return self.frame[resolve_column(self.frame, ref, what)].to_numpy(object)


def prepare(spec: IndexSpec, data: pd.DataFrame | str | Path) -> Prepared:
    """Resolve and check every column the spec needs from ``data``.

    Raises
    ------
    IndexDataError
        On any missing/misspelt column, non-numeric value or bad area code.
    """
    frame = read_table(data, spec=spec) if isinstance(data, str | Path) else data
    if not isinstance(frame, pd.DataFrame):
        raise IndexDataError(f"data must be a pandas DataFrame or a file path, "
                             f"not {type(frame).__name__}")
    if frame.empty:
        raise IndexDataError("the data table has no rows")
    frame = frame.reset_index(drop=True)
    used: dict[str, str] = {}
    code_col = resolve_column(frame, spec.area.code, "area codes (area.code)")
    used["area_code"] = code_col
    codes = _text(frame[code_col])
    check_area_codes(codes, geography=spec.area.geography, column=code_col)
    n, k = len(frame), len(spec.indicators)
    raw_cols: list[tuple[str, str]] = []
    rank_cols: dict[int, tuple[str, str]] = {}
    den_cols: dict[int, tuple[str, str]] = {}
    for j, ind in enumerate(spec.indicators):
        what = f"indicator {ind.id!r}"
        col = resolve_column(frame, ind.source, what)
        used[ind.id] = col
        raw_cols.append((col, what))
        if ind.rank is not None:
            rcol = next((c for c in ind.rank.names if c in frame.columns), None)
            if rcol is not None:
                used[f"{ind.id}.rank"] = rcol
                rank_cols[j] = (rcol, f"published rank of {ind.id!r}")
        if ind.denominator is not None:
            dcol = resolve_column(frame, ind.denominator.ref, f"denominator of {ind.id!r}")
            used[f"{ind.id}.denominator"] = dcol
            den_cols[j] = (dcol, f"denominator of {ind.id!r}")
    raw = numeric_block(frame, raw_cols, codes)
    rank = np.full((n, k), np.nan)
    den = np.full((n, k), np.nan)
    if rank_cols:
        rank[:, list(rank_cols)] = numeric_block(frame, list(rank_cols.values()), codes)
    if den_cols:
        den[:, list(den_cols)] = numeric_block(frame, list(den_cols.values()), codes)
    la = None
    if spec.area.la is not None:
        lcol = resolve_column(frame, spec.area.la, "local authority (area.la)")
        used["la"] = lcol
        la = _text(frame[lcol])
    pop = None
    if spec.area.population is not None:
        pcol = next((c for c in spec.area.population.names if c in frame.columns), None)
        if pcol is not None:
            used["population"] = pcol
            pop = numeric_column(frame, pcol, "population (area.population)", codes)
    return Prepared(codes, raw, rank, den, la, pop, used, frame)
