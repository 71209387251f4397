"""The vocabulary of an index spec: steps, their methods and each method's parameters.

One table drives validation of YAML specs, of per-level/per-node overrides and of
``Build.rebuild(**changes)``, so a misspelt method or parameter is reported the same way
everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: Pipeline order. Every build runs every step (a step may be a no-op, e.g. ``impute: none``).
STEPS: tuple[str, ...] = (
    "denominate",
    "shrink",
    "impute",
    "screen",
    "treat",
    "normalise",
    "weights",
    "aggregate",
)
#: Steps resolved per indicator (overrides may sit on an indicator or any ancestor group).
INDICATOR_STEPS: tuple[str, ...] = ("impute", "treat", "normalise")
#: Steps resolved per group (overrides may sit on the group itself or on its ancestors).
GROUP_STEPS: tuple[str, ...] = ("weights", "aggregate")
#: Step keys that are not per-method parameters.
STRUCTURAL_KEYS: frozenset[str] = frozenset({"method", "by_level"})

_MISSING = object()


@dataclass(frozen=True)
class Param:
    """One parameter: a checker returning an error message (or ``None``) and a default."""

    check: Callable[[Any], str | None]
    default: Any = _MISSING

    @property
    def required(self) -> bool:
        return self.default is _MISSING


def _number(lo: float | None = None, hi: float | None = None, *, none_ok: bool = False):
    def check(v: Any) -> str | None:
        if v is None and none_ok:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            return f"must be a number, not {v!r}"
        if lo is not None and v < lo:
            return f"must be >= {lo}, not {v!r}"
        if hi is not None and v > hi:
            return f"must be <= {hi}, not {v!r}"
        return None

    return check


def _int(lo: int | None = None, *, none_ok: bool = False):
    def check(v: Any) -> str | None:
        if v is None and none_ok:
            return None
        if isinstance(v, bool) or not isinstance(v, int):
            return f"must be an integer, not {v!r}"
        if lo is not None and v < lo:
            return f"must be >= {lo}, not {v!r}"
        return None

    return check


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"must be true or false, not {v!r}"


def _choice(*options: str):
    def check(v: Any) -> str | None:
        return None if v in options else f"must be one of {', '.join(options)}; got {v!r}"

    return check


def _str(*, none_ok: bool = False):
    def check(v: Any) -> str | None:
        if v is None and none_ok:
            return None
        return None if isinstance(v, str) and v else f"must be a non-empty string, not {v!r}"

    return check


def _pair(*, increasing: bool = True):
    def check(v: Any) -> str | None:
        if (
            not isinstance(v, list | tuple)
            or len(v) != 2
            or any(isinstance(x, bool) or not isinstance(x, int | float) for x in v)
        ):
            return f"must be a list of two numbers, not {v!r}"
        if increasing and not v[0] < v[1]:
            return f"must be [low, high] with low < high, not {list(v)!r}"
        return None

    return check


_TIES = _choice("average", "min", "max", "first", "dense")
_ZERO_VAR = Param(_choice("nan", "midpoint", "error"), "nan")

#: step -> method -> parameter -> Param. ``"*"`` holds parameters common to every method.
SCHEMA: dict[str, dict[str, dict[str, Param]]] = {
    "denominate": {
        "*": {"zero_denominator": Param(_choice("nan", "error"), "nan")},
        "ratio": {},
    },
    "shrink": {
        "*": {},
        "logit_eb": {
            "parent": Param(_str(none_ok=True), None),
            "correction": Param(_number(0.0), 0.5),
            "min_between_var": Param(_number(0.0), 1e-6),
        },
    },
    "impute": {
        "*": {},
        "none": {},
        "mean": {},
        "median": {},
        "group_mean": {
            "by": Param(_str()),
            "fallback": Param(_choice("none", "mean", "median"), "none"),
        },
        "group_median": {
            "by": Param(_str()),
            "fallback": Param(_choice("none", "mean", "median"), "none"),
        },
    },
    "screen": {
        "*": {},
        "availability": {
            "min_coverage": Param(_number(0.0, 1.0), 0.0),
            "basis": Param(_choice("current", "raw"), "current"),
        },
    },
    "treat": {
        "*": {},
        "none": {},
        "winsorise": {
            "winmax": Param(_int(0, none_ok=True), 5),
            "skew_thresh": Param(_number(0.0), 2.0),
            "kurt_thresh": Param(_number(), 3.5),
            "force_win": Param(_bool, False),
            "fallback": Param(_choice("log_ct", "log_ct_orig", "log_ct_plus", "boxcox", "none"),
                              "log_ct"),
            "combine": Param(_bool, False),
            "lmbda": Param(_number(), 0.0),
        },
        "log_ct": {},
        "log_ct_orig": {},
        "log_ct_plus": {},
        "boxcox": {"lmbda": Param(_number()), "makepos": Param(_bool, True)},
    },
    "normalise": {
        "*": {"zero_variance": _ZERO_VAR},
        "none": {},
        "minmax": {"range": Param(_pair(), [0.0, 100.0])},
        "zscore": {"mean_sd": Param(_pair(increasing=False), [0.0, 1.0])},
        "prank": {"ties": Param(_TIES, "min")},
        "rank": {"ties": Param(_TIES, "min")},
        "borda": {"ties": Param(_TIES, "min")},
        "dist2max": {},
        "dist2ref": {"reference": Param(_str()), "cap": Param(_bool, False)},
        "dist2target": {"target": Param(_number(none_ok=True), None), "cap": Param(_bool, False)},
        "fracmax": {},
        "goalposts": {
            "lo": Param(_number(none_ok=True), None),
            "hi": Param(_number(none_ok=True), None),
            "scale": Param(_number(), 100.0),
            "truncate": Param(_bool, True),
        },
        "rank_inverse_normal": {"ties": Param(_TIES, "average"), "c": Param(_number(0, 0.5), 0.0)},
        "exponential": {
            "constant": Param(_number(1e-9), 23.0),
            "scale": Param(_number(1e-9), 100.0),
            "n": Param(_int(1, none_ok=True), None),
            "ties": Param(_TIES, "average"),
            "use_rank_column": Param(_bool, True),
        },
    },
    "weights": {
        "*": {
            "on_unnormalised": Param(_choice("rescale", "warn", "error", "keep"), "warn"),
            "on_negative": Param(_choice("error", "abs", "clip"), "error"),
        },
        "explicit": {},
        "equal": {},
        "pca": {},
        "factor": {"max_iter": Param(_int(1), 500)},
    },
    "aggregate": {
        "*": {
            "missing": Param(_choice("skip", "propagate"), "skip"),
            "min_coverage": Param(_number(0.0, 1.0), 0.0),
        },
        "arithmetic": {},
        "geometric": {
            "zero_policy": Param(_choice("error", "epsilon", "nan"), "epsilon"),
            "epsilon": Param(_number(1e-300), 0.01),
        },
        "harmonic": {
            "zero_policy": Param(_choice("error", "epsilon", "nan"), "epsilon"),
            "epsilon": Param(_number(1e-300), 0.01),
        },
        "generalised": {
            "p": Param(_number()),
            "zero_policy": Param(_choice("error", "epsilon", "nan"), "epsilon"),
            "epsilon": Param(_number(1e-300), 0.01),
        },
        "copeland": {"variant": Param(_choice("coinr", "classic"), "coinr")},
    },
}

#: The default method of each step when a spec leaves it out.
DEFAULT_METHOD: dict[str, str] = {
    "denominate": "ratio",
    "shrink": "logit_eb",
    "impute": "none",
    "screen": "availability",
    "treat": "none",
    "normalise": "minmax",
    "weights": "explicit",
    "aggregate": "arithmetic",
}


def check_block(
    step: str,
    block: Mapping[str, Any],
    *,
    partial: bool,
    fail: Callable[[str, str], None],
) -> None:
    """Check one parameter block of ``step``; call ``fail(key, message)`` on the first problem.

    ``partial`` blocks (overrides) may omit required parameters, which the full resolution
    supplies later.
    """
    methods = SCHEMA[step]
    method = block.get("method")
    if method is not None and method not in methods or method == "*":
        options = ", ".join(m for m in methods if m != "*")
        fail("method", f"unknown {step} method {method!r}; choose one of {options}")
        return
    known: dict[str, Param] = dict(methods["*"])
    if method is not None:
        known.update(methods[method])
    else:
        for name, spec in methods.items():
            if name != "*":
                known.update(spec)
    for key, value in block.items():
        if key in STRUCTURAL_KEYS:
            continue
        if key not in known:
            allowed = ", ".join(sorted(known)) or "(none)"
            what = f"{step} method {method!r}" if method else f"step {step!r}"
            fail(key, f"unknown parameter {key!r} for {what}; allowed: {allowed}")
            return
        message = known[key].check(value)
        if message:
            fail(key, message)
            return
    if not partial and method is not None:
        for key, spec in methods[method].items():
            if spec.required and key not in block:
                fail("method", f"{step} method {method!r} needs parameter {key!r}")
                return


def fill_defaults(step: str, block: Mapping[str, Any]) -> dict[str, Any]:
    """A resolved copy of ``block``: method set, defaults filled, unknown method params dropped."""
    method = block.get("method", DEFAULT_METHOD[step])
    out: dict[str, Any] = {"method": method}
    for table in (SCHEMA[step]["*"], SCHEMA[step][method]):
        for key, spec in table.items():
            if key in block:
                value = block[key]
                out[key] = list(value) if isinstance(value, tuple) else value
            elif not spec.required:
                out[key] = spec.default
    return out


def merge_blocks(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Apply ``override`` on ``base``; switching method drops the old method's parameters."""
    step_common = {k for table in SCHEMA.values() for k in table["*"]}
    if "method" in override and override["method"] != base.get("method"):
        merged = {k: v for k, v in base.items() if k in step_common}
    else:
        merged = dict(base)
    merged.update({k: v for k, v in override.items() if k != "by_level"})
    return merged
