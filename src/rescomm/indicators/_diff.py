"""What changed between two releases: indicators, areas and periods added or removed, and
values that moved by more than a tolerance."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._readers import KEY_COLUMNS

#: Compared for each key; a change in any of them beyond the tolerance is a changed value.
COMPARED = ("value", "lower_95", "upper_95", "count", "denominator")


@dataclass
class ReleaseDiff:
    """The differences from ``old`` to ``new`` (see :func:`diff_values`)."""

    indicators_added: list[str] = field(default_factory=list)
    indicators_removed: list[str] = field(default_factory=list)
    areas_added: list[str] = field(default_factory=list)
    areas_removed: list[str] = field(default_factory=list)
    #: ``(indicator, period)`` pairs
    periods_added: list[tuple[str, str]] = field(default_factory=list)
    periods_removed: list[tuple[str, str]] = field(default_factory=list)
    rows_added: int = 0
    rows_removed: int = 0
    rows_same: int = 0
    #: one row per changed key: the key columns, ``old_value``, ``new_value``, ``change``
    #: (new - old) and ``changed`` (which of :data:`COMPARED` moved)
    changed: pd.DataFrame = field(default_factory=pd.DataFrame)
    tolerance: float = 0.0

    @property
    def is_empty(self) -> bool:
        return not (self.rows_added or self.rows_removed or len(self.changed))

    def as_dict(self, *, limit: int | None = 100) -> dict:
        changed = self.changed if limit is None else self.changed.head(limit)
        records = changed.replace({np.nan: None}).to_dict(orient="records")
        return {
            "indicators_added": self.indicators_added,
            "indicators_removed": self.indicators_removed,
            "areas_added": self.areas_added,
            "areas_removed": self.areas_removed,
            "periods_added": [list(p) for p in self.periods_added],
            "periods_removed": [list(p) for p in self.periods_removed],
            "rows_added": self.rows_added,
            "rows_removed": self.rows_removed,
            "rows_same": self.rows_same,
            "values_changed": len(self.changed),
            "tolerance": self.tolerance,
            "changed": records,
        }


def _moved(old: pd.Series, new: pd.Series, tolerance: float) -> np.ndarray:
    a = old.to_numpy(dtype="float64")
    b = new.to_numpy(dtype="float64")
    both = ~np.isnan(a) & ~np.isnan(b)
    differ = np.isnan(a) != np.isnan(b)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore"):
        moved = both & (np.abs(b - a) > np.maximum(tolerance * scale, 1e-12))
    return differ | moved


def diff_values(old: pd.DataFrame, new: pd.DataFrame, *, tolerance: float = 1e-6) -> ReleaseDiff:
    """Compare two tidy value tables (``VALUE_COLUMNS``), key by key.

    Parameters
    ----------
    tolerance
        Relative: a value has changed when ``|new - old| > tolerance * max(|old|, |new|)``
        (default one part in a million, which ignores re-rounding noise), or when it
        appears or disappears (a number where there was none, or the reverse).
    """
    key = list(KEY_COLUMNS)
    columns = key + list(COMPARED)
    merged = old.loc[:, columns].merge(new.loc[:, columns], on=key, how="outer",
                                       suffixes=("_old", "_new"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    moved_any = np.zeros(len(both), dtype=bool)
    which = []
    for column in COMPARED:
        moved = _moved(both[f"{column}_old"], both[f"{column}_new"], tolerance)
        moved_any |= moved
        which.append(np.where(moved, column, ""))
    labels = [",".join(filter(None, parts)) for parts in zip(*which, strict=True)] \
        if which and len(both) else []
    changed = both.loc[moved_any, key].copy()
    changed["old_value"] = both.loc[moved_any, "value_old"].to_numpy()
    changed["new_value"] = both.loc[moved_any, "value_new"].to_numpy()
    changed["change"] = changed["new_value"] - changed["old_value"]
    changed["changed"] = [label for label, m in zip(labels, moved_any, strict=True) if m]
    changed = changed.sort_values(key).reset_index(drop=True)

    def ids(frame: pd.DataFrame, column: str) -> set:
        return set(frame[column].unique())

    def pairs(frame: pd.DataFrame) -> set:
        return set(map(tuple, frame[["indicator_id", "period"]].drop_duplicates().to_numpy()))

    return ReleaseDiff(
        indicators_added=sorted(ids(new, "indicator_id") - ids(old, "indicator_id")),
        indicators_removed=sorted(ids(old, "indicator_id") - ids(new, "indicator_id")),
        areas_added=sorted(ids(new, "area_code") - ids(old, "area_code")),
        areas_removed=sorted(ids(old, "area_code") - ids(new, "area_code")),
        periods_added=sorted(pairs(new) - pairs(old)),
        periods_removed=sorted(pairs(old) - pairs(new)),
        rows_added=int((merged["_merge"] == "right_only").sum()),
        rows_removed=int((merged["_merge"] == "left_only").sum()),
        rows_same=int(len(both) - moved_any.sum()),
        changed=changed,
        tolerance=tolerance,
    )
