"""The cell-suppression engine behind :func:`rescomm.stats.suppress_small`.

A table is a list of *elements* (cells and totals, integer counts) and *lines*: sets of
elements that add up to another element (a row and its total, a column and its total, the
row totals and the grand total, or several one-way tables of the same people and their shared
total). Each published element is shown, hidden because it is small (*primary*) or hidden so
that a small one cannot be worked out (*secondary*); some elements are *unpublished* (in the
arithmetic but never shown).

The audit takes the reader's view: shown values are known exactly, a primary element is known
to be from ``low`` to ``threshold - 1`` (its label says so), a secondary one of ``threshold``
or more is known to be at least ``threshold`` (secondary cells are always chosen from counts of
``threshold`` or more, and the rule is public), and any other hidden element only to be at
least ``low``. These bounds are propagated through every line until nothing changes (interval
constraint propagation); a hidden element is *protected* when at least two whole values remain
possible. Until every hidden element is protected, the engine hides the smallest shown count of
``threshold`` or more in a line through an unprotected element, or, when its lines have none,
the total of such a line.

Interval propagation is exact for lines that share at most their total (a one-way table, or
several one-way tables of the same people: each line's sums form a run of whole numbers); for
lines that share cells (a two-way table with its margins) it can miss a deduction that needs
several lines at once, so those are audited exactly with integer programs, as tau-ARGUS
audits a suppression pattern with linear programs.
Hundepool et al. (2012), *Statistical Disclosure Control*, Wiley, ch. 4 (secondary cell
suppression, the audit of feasibility intervals), doi:10.1002/9781118348239.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHOWN, PRIMARY, SECONDARY, UNPUBLISHED = "shown", "primary", "secondary", "unpublished"
_INF = math.inf


@dataclass(frozen=True)
class Line:
    """``sum(values[cells]) == values[total]``."""

    cells: tuple[int, ...]
    total: int


class _Bounds:
    """Lower and upper bounds per element; upper may be infinite."""

    def __init__(self, lo: list[float], hi: list[float]) -> None:
        self.lo, self.hi = lo, hi

    def _sum_hi_without(self, cells: Sequence[int], skip: int | None) -> float:
        total = 0.0
        for c in cells:
            if c == skip:
                continue
            if self.hi[c] == _INF:
                return _INF
            total += self.hi[c]
        return total

    def tighten(self, line: Line) -> bool:
        """Narrow every element of ``line`` from the others; True if anything changed."""
        changed = False
        lo, hi = self.lo, self.hi
        cells, t = line.cells, line.total
        sum_lo = sum(lo[c] for c in cells)
        sum_hi = self._sum_hi_without(cells, None)
        if sum_lo > lo[t]:
            lo[t], changed = sum_lo, True
        if sum_hi < hi[t]:
            hi[t], changed = sum_hi, True
        for c in cells:
            others_lo = sum_lo - lo[c]
            others_hi = self._sum_hi_without(cells, c)
            new_lo = lo[t] - others_hi if others_hi != _INF else -_INF
            new_hi = hi[t] - others_lo if hi[t] != _INF else _INF
            if new_lo > lo[c]:
                lo[c], changed = new_lo, True
                sum_lo = sum(lo[x] for x in cells)
            if new_hi < hi[c]:
                hi[c], changed = new_hi, True
        return changed


def _initial(values: np.ndarray, status: list[str], threshold: int, low: int) -> _Bounds:
    lo: list[float] = []
    hi: list[float] = []
    for value, s in zip(values.tolist(), status, strict=True):
        if s == SHOWN:
            lo.append(value)
            hi.append(value)
        elif s == PRIMARY:
            lo.append(low)
            hi.append(threshold - 1)
        elif s == SECONDARY and value >= threshold:
            lo.append(threshold)
            hi.append(_INF)
        elif s == SECONDARY:
            lo.append(low)
            hi.append(_INF)
        else:  # unpublished: a count, nothing more is known
            lo.append(0)
            hi.append(_INF)
    return _Bounds(lo, hi)


def feasible_bounds(values: np.ndarray, status: list[str], lines: Sequence[Line], *,
                    threshold: int, low: int) -> _Bounds:
    """What a reader can work out about each element from the published table."""
    bounds = _initial(values, status, threshold, low)
    for _ in range(100_000):
        changed = False
        for line in lines:
            changed = bounds.tighten(line) or changed
        if not changed:
            return bounds
    raise RuntimeError("suppression audit did not settle")  # pragma: no cover - bounded


def exact_bounds(values: np.ndarray, status: list[str], lines: Sequence[Line], *,
                 threshold: int, low: int) -> _Bounds:
    """The same as :func:`feasible_bounds` but exact for any table: the least and greatest
    whole value of each hidden element as integer programs (scipy's HiGHS ``milp``); 10**9
    stands for "no upper bound"."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    start = _initial(values, status, threshold, low)
    n = len(status)
    cap = 1e9
    lo = np.array(start.lo, dtype=float)
    hi = np.minimum(np.array(start.hi, dtype=float), cap)
    matrix = np.zeros((len(lines), n))
    for k, line in enumerate(lines):
        matrix[k, list(line.cells)] += 1
        matrix[k, line.total] -= 1
    constraint = LinearConstraint(matrix, 0, 0)
    out = _Bounds(list(start.lo), list(start.hi))
    for i, s in enumerate(status):
        if s == SHOWN:
            continue
        for sign in (1.0, -1.0):
            objective = np.zeros(n)
            objective[i] = sign
            res = milp(objective, constraints=constraint, integrality=np.ones(n),
                       bounds=Bounds(lo, hi))
            if not res.success:  # pragma: no cover - the true table is always feasible
                raise RuntimeError(f"suppression audit failed: {res.message}")
            value = round(sign * res.fun)
            if sign > 0:
                out.lo[i] = value
            else:
                out.hi[i] = _INF if value >= cap else value
    return out


def _unprotected(status: list[str], bounds: _Bounds) -> list[int]:
    return [i for i, s in enumerate(status)
            if s in (PRIMARY, SECONDARY) and bounds.hi[i] - bounds.lo[i] < 1]


def protect(values: np.ndarray, status: list[str], lines: Sequence[Line], *, threshold: int,
            low: int, exact: bool = False) -> list[str]:
    """Hide further elements (secondary suppression) until no hidden element can be worked out.

    ``status`` gives each element as shown, primary or unpublished; the result adds the
    secondary ones. ``exact`` audits with :func:`exact_bounds` (for tables whose lines share
    cells, e.g. two-way tables); otherwise with :func:`feasible_bounds`, which is exact when
    lines share at most their total. Deterministic: of the lines through an unprotected
    element, the one that on its own leaves that element the fewest possible values (then the
    lowest element index) and still has something to hide; in it, the smallest shown cell of
    ``threshold`` or more (lowest index on ties), else the line's total. Finally, secondary
    suppressions made unnecessary by later ones are undone (latest first).
    """
    original = list(status)
    status = list(status)
    audit = exact_bounds if exact else feasible_bounds
    through: dict[int, list[Line]] = {}
    for line in lines:
        for e in (*line.cells, line.total):
            through.setdefault(e, []).append(line)
    order: list[int] = []
    for _ in range(2 * len(status) + 1):
        bounds = audit(values, status, lines, threshold=threshold, low=low)
        exposed = _unprotected(status, bounds)
        if not exposed:
            return _unhide(values, status, original, order, lines, audit, threshold, low)
        alone = _initial(values, status, threshold, low)
        options = sorted((_width_alone(e, line, alone), k, n, line)
                         for k, e in enumerate(exposed)
                         for n, line in enumerate(through.get(e, [])))
        for *_, line in options:
            pick = _next_to_hide(values, status, [line], threshold)
            if pick is not None:
                status[pick] = SECONDARY
                order.append(pick)
                break
        else:  # pragma: no cover - hiding every total of a line always leaves a range
            raise RuntimeError(f"counts at {exposed} cannot be protected: every line through "
                               "them is already hidden")
    raise RuntimeError("suppression did not settle")  # pragma: no cover - each step hides one


def _unhide(values, status, original, order, lines, audit, threshold, low) -> list[str]:
    """Undo secondary suppressions that later ones made unnecessary (latest first): each is
    restored when every hidden element stays protected without it."""
    status = list(status)
    for e in reversed(order):
        trial = list(status)
        trial[e] = original[e]
        if not _unprotected(trial, audit(values, trial, lines, threshold=threshold, low=low)):
            status = trial
    return status


def _width_alone(e: int, line: Line, bounds: _Bounds) -> float:
    """How many values beyond one ``e`` could take from ``line`` alone (the line that gives it
    away first is widened first)."""
    single = _Bounds(list(bounds.lo), list(bounds.hi))
    single.tighten(line)
    single.tighten(line)
    return single.hi[e] - single.lo[e]


def _next_to_hide(values: np.ndarray, status: list[str], lines: list[Line],
                  threshold: int) -> int | None:
    for line in lines:
        candidates = [c for c in line.cells if status[c] == SHOWN and values[c] >= threshold]
        if candidates:
            return min(candidates, key=lambda c: (values[c], c))
    for line in lines:
        if status[line.total] in (SHOWN, PRIMARY):
            return line.total
    return None


def primary_status(values: np.ndarray, published: np.ndarray, *, threshold: int,
                   low: int) -> list[str]:
    """Shown, primary (``low`` to ``threshold - 1``) or unpublished, per element."""
    out = []
    for value, pub in zip(values.tolist(), published.tolist(), strict=True):
        if not pub:
            out.append(UNPUBLISHED)
        elif low <= value < threshold:
            out.append(PRIMARY)
        else:
            out.append(SHOWN)
    return out
