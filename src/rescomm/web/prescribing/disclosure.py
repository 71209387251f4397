"""Counts as the social prescribing reports publish them: every aggregate count on a page or
in a CSV is a :class:`Count` made here, so that it never says more or less than is true
(style rule 17b).

- shown: the number;
- primary (the true count is 1 to 4): "fewer than 5";
- secondary (hidden so that a count of 1 to 4 cannot be worked out from the total and the
  other counts; its true value may be anything, e.g. 7): "hidden to protect privacy", never a
  range;
- rounded (to the nearest 5): the rounded number, and the table says it is rounded.

The suppression itself is :func:`rescomm.stats.suppress_small` and
:func:`rescomm.stats.suppress_shared_total`; :func:`note` gives the sentence printed beside a
table for the kinds of hidden or rounded counts in it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rescomm import stats

#: Counts from 1 to THRESHOLD - 1 are hidden (ONS health statistics guidance for sensitive data).
THRESHOLD = 5
#: Rounding base of the pathway funnel.
ROUND_TO = 5
SMALL = f"fewer than {THRESHOLD}"
PROTECTED = "hidden to protect privacy"

SHOWN, PRIMARY, SECONDARY, ROUNDED = "shown", "primary", "secondary", "rounded"

NOTES = {
    PRIMARY: f'"{SMALL}" is a count from 1 to {THRESHOLD - 1}, hidden.',
    SECONDARY: f'"{PROTECTED}" is a count hidden so that a count from 1 to {THRESHOLD - 1} '
               "cannot be worked out from the total and the other counts (secondary "
               "suppression); it can be any size.",
    ROUNDED: f"Counts are rounded to the nearest {ROUND_TO}, so a rounded count can be up to "
             f"{ROUND_TO // 2} more or less than the true count, and rounded counts need not "
             "add up.",
}
#: The same, short, for the CSV export's ``note`` column.
CSV_NOTES = {SHOWN: "", PRIMARY: f"a count from 1 to {THRESHOLD - 1}, hidden",
             SECONDARY: "hidden so that a small count cannot be worked out (secondary "
                        "suppression); any size",
             ROUNDED: f"rounded to the nearest {ROUND_TO}"}


@dataclass(frozen=True)
class Count:
    """One published count: ``value`` (None when hidden) and why it looks as it does."""

    value: int | None
    status: str = SHOWN

    def __post_init__(self) -> None:
        if self.status not in NOTES and self.status != SHOWN:
            raise ValueError(f"unknown count status {self.status!r}")
        hidden = self.status in (PRIMARY, SECONDARY)
        if hidden and self.value is not None:
            raise ValueError(f"a {self.status} count must not have a value")
        if not hidden and self.value is None:
            raise ValueError(f"a {self.status} count must have a value")

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        if self.status == PRIMARY:
            return SMALL
        if self.status == SECONDARY:
            return PROTECTED
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.text


def from_suppressed(value: float, status: str) -> Count:
    """A count from :mod:`rescomm.stats` suppression output (NaN where hidden)."""
    if status in (PRIMARY, SECONDARY):
        return Count(None, status)
    return Count(int(value))


def small(n: int) -> Count:
    """A count published on its own (no total it adds up to): hidden only if 1 to 4."""
    return Count(None, PRIMARY) if 0 < n < THRESHOLD else Count(n)


def rounded(n: int) -> Count:
    """A count rounded to the nearest :data:`ROUND_TO` (halves up); 0 stays 0 and 1 to 4 are
    "fewer than 5" (rounding alone would show 3 and 4 as 5)."""
    if n == 0:
        return Count(0)
    if n < THRESHOLD:
        return Count(None, PRIMARY)
    return Count(ROUND_TO * math.floor(n / ROUND_TO + 0.5), ROUNDED)


def note(counts: Iterable[Count]) -> str:
    """The sentences that explain the hidden or rounded counts among ``counts`` ("" if none)."""
    present = {c.status for c in counts}
    return " ".join(NOTES[s] for s in (PRIMARY, SECONDARY, ROUNDED) if s in present)


def one_way(labels: Sequence[str], counts: Sequence[int]) -> dict:
    """A table of categories and its total: ``{"rows": [(label, Count)], "total": Count,
    "note": str}``, primary and secondary suppression against the total."""
    if not counts or sum(counts) == 0:
        return {"rows": [(label, Count(0)) for label in labels], "total": Count(0), "note": ""}
    result = stats.suppress_small(list(counts), threshold=THRESHOLD)
    cells = [from_suppressed(v, s) for v, s in zip(result.values, result.status, strict=True)]
    total = from_suppressed(result.row_totals[0], result.row_total_status[0])
    return {"rows": list(zip(labels, cells, strict=True)), "total": total,
            "note": note([*cells, total])}


def grid(labels: Sequence[str], matrix: Sequence[Sequence[int]]) -> list[dict]:
    """Rows of a two-way table whose row totals are published (columns are not): per row
    ``{"label", "counts": [Count], "total": Count}``."""
    if not matrix:
        return []
    result = stats.suppress_small([list(row) for row in matrix], threshold=THRESHOLD)
    rows = []
    for i, label in enumerate(labels):
        rows.append({
            "label": label,
            "counts": [from_suppressed(v, s) for v, s in
                       zip(result.values[i], result.status[i], strict=True)],
            "total": from_suppressed(result.row_totals[i], result.row_total_status[i]),
        })
    return rows


def grid_note(rows: Iterable[dict]) -> str:
    """:func:`note` for the counts and totals of :func:`grid` rows."""
    return note(c for row in rows for c in (*row["counts"], row["total"]))


def shared_total(tables: Mapping[str, tuple[Sequence[str], Sequence[int]]], *,
                 unpublished: Mapping[str, Sequence[bool]] | None = None) -> dict:
    """One-way tables of the same people (each adds up to everyone), suppressed together so
    that the one total is published once and the same for all: ``{"total": Count, name:
    {"rows": [(label, Count)], "note": str}}``. ``unpublished`` cells are counted but left out
    of the rows (e.g. periods before those shown)."""
    names = list(tables)
    masks = [list((unpublished or {}).get(n, [False] * len(tables[n][1]))) for n in names]
    counts = [list(tables[n][1]) for n in names]
    if sum(counts[0]) == 0:
        return {"total": Count(0), **{
            n: {"rows": [(label, Count(0)) for label, hide in
                         zip(tables[n][0], mask, strict=True) if not hide], "note": ""}
            for n, mask in zip(names, masks, strict=True)}}
    result = stats.suppress_shared_total(counts, threshold=THRESHOLD, unpublished=masks)
    out: dict = {"total": from_suppressed(result.total, result.total_status)}
    for n, mask, table in zip(names, masks, result.tables, strict=True):
        rows = [(label, from_suppressed(v, s)) for label, v, s, hide in
                zip(tables[n][0], table.values, table.status, mask, strict=True) if not hide]
        out[n] = {"rows": rows, "note": note(c for _, c in rows)}
    return out


__all__ = ["NOTES", "PROTECTED", "SMALL", "THRESHOLD", "Count", "grid", "grid_note", "note",
           "one_way", "rounded", "shared_total", "small"]
