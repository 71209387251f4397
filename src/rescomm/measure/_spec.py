"""The declarative, versioned index specification (YAML) and its validation.

A spec names the indicators (source column, direction, unit, weight, optional denominator,
goalposts and published rank column), the groups above them (any depth, one root called
``index``), and the method of every pipeline step, with overrides per level and per node.
Validation errors name the offending key and, for YAML, its line: ``spec.yaml:14:
indicators[2].direction: must be 1 or -1, not 2``.

Spec files are read as UTF-8 and may be at most :data:`MAX_SPEC_BYTES` long, nest at most
:data:`MAX_SPEC_DEPTH` deep and expand to at most :data:`MAX_SPEC_VALUES` values: YAML aliases
(``*name``) repeat a block without copying its text, so a few lines of nested aliases ("billion
laughs") would otherwise expand to billions of values, and PyYAML scans deeply nested flow
collections in quadratic time. Each limit refuses the file with one line.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from ._errors import IndexSpecError
from ._schema import (
    DEFAULT_METHOD,
    GROUP_STEPS,
    INDICATOR_STEPS,
    STEPS,
    check_block,
    fill_defaults,
    merge_blocks,
)

#: Version of the spec *format* this engine reads (the ``spec_version`` key).
SPEC_FORMAT_VERSION = 1
ROOT = "index"
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_POLARITIES = ("higher_is_better", "higher_is_worse")
_GEOGRAPHIES = ("lsoa11", "lsoa21", "none")
_TOP_KEYS = {
    "spec_version", "id", "name", "version", "description", "references", "data_source",
    "polarity", "area",
    "index", "groups", "indicators", "steps",
}
_INDICATOR_KEYS = {
    "id", "name", "description", "column", "aliases", "rank_column", "rank_aliases", "parent",
    "direction", "unit", "weight", "denominator", "goalposts", "target", "shrink", "source",
    *INDICATOR_STEPS,
}
_GROUP_KEYS = {"id", "name", "description", "parent", "weight", *INDICATOR_STEPS, *GROUP_STEPS}
_ROOT_KEYS = {"name", "description", *INDICATOR_STEPS, *GROUP_STEPS}
#: Largest spec file read, in bytes (the built-in frameworks are about 7 kB).
MAX_SPEC_BYTES = 1_000_000
#: Most values (mappings, lists and scalars, aliases counted each time they are used) a spec
#: may expand to (the built-in frameworks have about 1,000).
MAX_SPEC_VALUES = 50_000
#: Deepest nesting of mappings and lists (the built-in frameworks nest 4 deep).
MAX_SPEC_DEPTH = 50


# --------------------------------------------------------------------------- YAML with lines
class _SpecLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than :data:`MAX_SPEC_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self._depth >= MAX_SPEC_DEPTH:
            line = self.peek_event().start_mark.line + 1
            raise IndexSpecError(f"line {line}: nested more than {MAX_SPEC_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: libyaml's parser where PyYAML was built with it (about 30x faster than the pure-Python one,
#: which made parsing the spec most of the cost of building a small index); same tags and marks.
#: libyaml refuses nesting over 1,000 levels itself; the pure-Python parser, which would scan
#: deep flow nesting in quadratic time, stops at :data:`MAX_SPEC_DEPTH` (``_SpecLoader``).
_YAML_LOADER = getattr(yaml, "CSafeLoader", None) or _SpecLoader
_SCALARS = yaml.SafeLoader.yaml_constructors


class _Marked:
    """YAML text turned into plain Python objects plus a ``path -> line`` table."""

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple, int] = {}
        self._loader = yaml.SafeLoader("")
        self._values = 0
        node = yaml.compose(text, Loader=_YAML_LOADER)
        self.value = self._convert(node, ()) if node is not None else None

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar's value through the safe constructor for its tag (as ``construct_object``
        does, without its bookkeeping); anything else through ``construct_object``."""
        construct = _SCALARS.get(node.tag) if isinstance(node, yaml.ScalarNode) else None
        if construct is None:
            return self._loader.construct_object(node, deep=True)
        return construct(self._loader, node)

    def _convert(self, node: yaml.Node, path: tuple) -> Any:
        self._values += 1
        if self._values > MAX_SPEC_VALUES:
            raise IndexSpecError(
                f"line {node.start_mark.line + 1}: the spec expands to more than "
                f"{MAX_SPEC_VALUES:,} values (YAML aliases repeating large blocks?); "
                "write it out without nested aliases")
        if len(path) >= MAX_SPEC_DEPTH:
            raise IndexSpecError(f"line {node.start_mark.line + 1}: nested more than "
                                 f"{MAX_SPEC_DEPTH} levels deep")
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self._scalar(key_node)
                if not isinstance(key, str | int | float | bool | None):
                    line = key_node.start_mark.line + 1
                    raise IndexSpecError(f"line {line}: a key must be a name, not a "
                                         f"{type(key).__name__}")
                if key in out:
                    line = key_node.start_mark.line + 1
                    raise IndexSpecError(f"line {line}: duplicate key {key!r}")
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self._convert(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._convert(v, (*path, i)) for i, v in enumerate(node.value)]
        return self._scalar(node)


def read_spec_text(path: Path, *, what: str = "spec file") -> str:
    """The text of a YAML file, refused with one line if it is over :data:`MAX_SPEC_BYTES` or
    not UTF-8.

    Raises
    ------
    IndexSpecError
        Too large, not UTF-8 (names the first bad byte and its offset), or unreadable.
    """
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise IndexSpecError(f"{what} {path} is {size:,} bytes; a spec may be at most "
                                 f"{MAX_SPEC_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise IndexSpecError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise IndexSpecError(
            f"{what} {path} is not UTF-8 text (line {line}: byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8") from None


def parse_yaml(text: str, *, name: str = "<yaml>") -> tuple[Any, dict[tuple, int]]:
    """YAML text as plain Python values and a ``path -> line`` table, within the limits above
    (safe tags only, duplicate keys refused).

    Raises
    ------
    IndexSpecError
        ``name:line: ...`` for invalid YAML, a duplicate key, or too many values.
    """
    if len(text) > MAX_SPEC_BYTES:
        raise IndexSpecError(f"{name}: the spec is {len(text):,} characters; a spec may be at "
                             f"most {MAX_SPEC_BYTES:,}")
    try:
        marked = _Marked(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise IndexSpecError(f"{name}{line}: not valid YAML: "
                             f"{getattr(exc, 'problem', exc)}") from None
    except IndexSpecError as exc:
        raise IndexSpecError(f"{name}: {exc}") from None
    except RecursionError:
        raise IndexSpecError(f"{name}: the YAML is nested too deeply") from None
    return marked.value, marked.lines


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


# --------------------------------------------------------------------------- spec objects
@dataclass(frozen=True)
class ColumnRef:
    """A data column and the alternative names it may carry (e.g. official File 7 names)."""

    column: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.column, *self.aliases)


@dataclass(frozen=True)
class Denominator:
    """``x / denominator * scale`` (COINr ``Denominate``: x / (d / ScaleFactor))."""

    ref: ColumnRef
    scale: float = 1.0


@dataclass(frozen=True)
class Indicator:
    """A leaf of the hierarchy: one source column turned into one normalised score."""

    id: str
    name: str
    source: ColumnRef
    parent: str
    direction: int = 1
    unit: str = ""
    weight: float = 1.0
    rank: ColumnRef | None = None
    denominator: Denominator | None = None
    goalposts: tuple[float, float] | None = None
    target: float | None = None
    shrink: bool = False
    description: str = ""
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """An inner node: aggregates its children's scores. The root group is called ``index``."""

    id: str
    name: str
    parent: str | None
    weight: float = 1.0
    description: str = ""
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class AreaSpec:
    """Which columns identify areas, their local authority and population."""

    code: ColumnRef
    geography: str = "none"
    la: ColumnRef | None = None
    population: ColumnRef | None = None


@dataclass(frozen=True)
class IndexSpec:
    """A validated index specification. ``raw`` is the spec exactly as given."""

    id: str
    name: str
    version: str
    polarity: str
    area: AreaSpec
    indicators: tuple[Indicator, ...]
    groups: tuple[Group, ...]
    steps: Mapping[str, Mapping[str, Any]]
    raw: Mapping[str, Any]
    description: str = ""
    references: tuple[str, ...] = ()
    source: str = "<dict>"
    text: str | None = None  # the YAML text exactly as given, when loaded from YAML
    data_source: str = ""  # where the official input data come from (said when it is missing)

    # ---- structure -------------------------------------------------------------------------
    # The spec is frozen, so its tree is worked out once (a build asks for parents, children
    # and levels thousands of times: linear searches there were a fixed cost of every build).
    @cached_property
    def _tree(self) -> tuple[dict[str, Indicator | Group], dict[str, tuple[str, ...]],
                             tuple[str, ...]]:
        nodes: dict[str, Indicator | Group] = {}
        for item in (*self.indicators, *self.groups):
            nodes.setdefault(item.id, item)
        kids: dict[str, list[str]] = {}
        for item in (*self.groups, *self.indicators):
            kids.setdefault(item.parent, []).append(item.id)
        children = {node: tuple(ids) for node, ids in kids.items()}
        order: list[str] = []

        def visit(node: str) -> None:
            order.append(node)
            for child in children.get(node, ()):
                visit(child)

        visit(ROOT)
        return nodes, children, tuple(order)

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Every node, root first, then depth-first pre-order in spec order."""
        return self._tree[2]

    def children(self, node: str) -> tuple[str, ...]:
        return self._tree[1].get(node, ())

    def parent(self, node: str) -> str | None:
        return self._node(node).parent

    def ancestors(self, node: str) -> tuple[str, ...]:
        """Ancestors from the root down to the node's parent."""
        chain: list[str] = []
        current = self.parent(node)
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        return tuple(reversed(chain))

    def level(self, node: str) -> int:
        """COINr convention: indicators are level 1; a group is 1 + its highest child level."""
        return self._levels[node] if node in self._levels else self._level(node)

    @cached_property
    def _levels(self) -> dict[str, int]:
        return {node: self._level(node) for node in self.node_ids}

    def _level(self, node: str) -> int:
        kids = self.children(node)
        return 1 if not kids else 1 + max(self._level(k) for k in kids)

    def is_indicator(self, node: str) -> bool:
        return isinstance(self._tree[0].get(node), Indicator)

    def indicator(self, node: str) -> Indicator:
        item = self._tree[0].get(node)
        if isinstance(item, Indicator):
            return item
        raise KeyError(node)

    def _node(self, node: str) -> Indicator | Group:
        item = self._tree[0].get(node)
        if item is None:
            raise IndexSpecError(f"unknown node {node!r}; nodes are {', '.join(self.node_ids)}")
        return item

    def weight(self, node: str) -> float:
        return self._node(node).weight

    # ---- step parameters -------------------------------------------------------------------
    def resolve(self, step: str, node: str) -> dict[str, Any]:
        """Parameters of ``step`` for ``node``: default < by_level < ancestors < node.

        Worked out once per (step, node) of this spec, which is frozen; each call returns a
        new dict.
        """
        key = (step, node)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(step, node)
        return dict(self._resolved[key])

    @cached_property
    def _resolved(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {}

    def _resolve(self, step: str, node: str) -> dict[str, Any]:
        block = dict(self.steps.get(step, {}))
        by_level = block.pop("by_level", {}) or {}
        level = 1 if step in INDICATOR_STEPS else self.level(node)
        if level in by_level:
            block = merge_blocks(block, by_level[level])
        for ancestor in (*self.ancestors(node), node):
            override = self._node(ancestor).overrides.get(step)
            if override:
                block = merge_blocks(block, override)
        problems: list[str] = []
        check_block(step, block, partial=False,
                    fail=lambda key, msg: problems.append(f"{key}: {msg}"))
        if problems:
            raise IndexSpecError(f"{self.source}: steps.{step} resolved for node {node!r}: "
                                 f"{problems[0]}")
        return fill_defaults(step, block)

    def with_steps(self, steps: Mapping[str, Mapping[str, Any]],
                   weights: Mapping[str, float] | None = None) -> IndexSpec:
        """A copy with new step blocks and/or node weights (validated like the original)."""
        raw = copy.deepcopy(dict(self.raw))
        raw["steps"] = {k: copy.deepcopy(dict(v)) for k, v in steps.items()}
        if weights:
            unknown = [k for k in weights if k not in self.node_ids or k == ROOT]
            if unknown:
                raise IndexSpecError(
                    f"rebuild: unknown node(s) {', '.join(map(repr, unknown))} in weights; "
                    f"nodes are {', '.join(n for n in self.node_ids if n != ROOT)}")
            for section in ("indicators", "groups"):
                for item in raw.get(section, []) or []:
                    if item.get("id") in weights:
                        item["weight"] = weights[item["id"]]
        return parse_spec(raw, source=self.source)


# --------------------------------------------------------------------------- parsing
class _Checker:
    def __init__(self, source: str, lines: Mapping[tuple, int]) -> None:
        self.source = source
        self.lines = lines

    def fail(self, path: tuple, message: str) -> None:
        line = None
        probe = path
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        where = f"{self.source}:{line}" if line else self.source
        raise IndexSpecError(f"{where}: {_dotted(path)}: {message}")

    def mapping(self, value: Any, path: tuple, allowed: set[str] | None = None) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping, not {type(value).__name__}")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.fail((*path, key), f"unknown key {key!r}; allowed: "
                                            f"{', '.join(sorted(allowed))}")
        return value

    def text(self, value: Any, path: tuple, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
            self.fail(path, f"must be a non-empty string, not {value!r}")
        return str(value)

    def number(self, value: Any, path: tuple) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a number, not {value!r}")
        return float(value)

    def column(self, value: Any, path: tuple, aliases: Any = None) -> ColumnRef:
        if isinstance(value, dict):
            self.mapping(value, path, {"column", "aliases"})
            aliases = value.get("aliases", aliases)
            value = value.get("column")
            path = (*path, "column")
        name = self.text(value, path)
        if aliases is None:
            aliases = []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            self.fail(path, f"aliases must be a list of column names, not {aliases!r}")
        return ColumnRef(name, tuple(aliases))

    def step_block(self, step: str, value: Any, path: tuple, *, partial: bool) -> dict:
        block = self.mapping(value, path)
        check_block(step, block, partial=partial,
                    fail=lambda key, msg: self.fail((*path, key), msg))
        return block

    def overrides(self, item: dict, path: tuple, steps: tuple[str, ...]) -> dict:
        out = {}
        for step in steps:
            if step in item:
                out[step] = self.step_block(step, item[step], (*path, step), partial=True)
        return out


def parse_spec(raw: Mapping[str, Any], *, source: str = "<dict>",
               lines: Mapping[tuple, int] | None = None) -> IndexSpec:
    """Validate a spec given as plain Python data (e.g. parsed YAML) and build an ``IndexSpec``.

    Raises
    ------
    IndexSpecError
        Naming the key (dotted path) and, when ``lines`` is known, the YAML line.
    """
    c = _Checker(source, lines or {})
    top = c.mapping(raw, (), _TOP_KEYS)
    for key in ("spec_version", "id", "indicators"):
        if key not in top:
            c.fail((key,), "is required")
    if top["spec_version"] != SPEC_FORMAT_VERSION:
        c.fail(("spec_version",), f"this engine reads spec_version {SPEC_FORMAT_VERSION}, "
                                  f"not {top['spec_version']!r}")
    spec_id = c.text(top["id"], ("id",))
    polarity = top.get("polarity", "higher_is_better")
    if polarity not in _POLARITIES:
        c.fail(("polarity",), f"must be one of {', '.join(_POLARITIES)}; got {polarity!r}")
    references = top.get("references", []) or []
    if not isinstance(references, list):
        c.fail(("references",), "must be a list of strings")

    area_raw = c.mapping(top.get("area", {"code": "area_code"}), ("area",),
                         {"code", "geography", "la", "population"})
    if "code" not in area_raw:
        c.fail(("area", "code"), "is required (the column holding area codes)")
    geography = area_raw.get("geography", "none")
    if geography not in _GEOGRAPHIES:
        c.fail(("area", "geography"), f"must be one of {', '.join(_GEOGRAPHIES)}; "
                                      f"got {geography!r}")
    area = AreaSpec(
        code=c.column(area_raw["code"], ("area", "code")),
        geography=geography,
        la=c.column(area_raw["la"], ("area", "la")) if area_raw.get("la") else None,
        population=(c.column(area_raw["population"], ("area", "population"))
                    if area_raw.get("population") else None),
    )

    root_raw = c.mapping(top.get("index", {}) or {}, ("index",), _ROOT_KEYS)
    groups = [Group(id=ROOT, name=c.text(root_raw.get("name", top.get("name", spec_id)),
                                         ("index", "name")),
                    parent=None, description=str(root_raw.get("description", "")),
                    overrides=c.overrides(root_raw, ("index",), (*INDICATOR_STEPS, *GROUP_STEPS)))]
    seen: dict[str, tuple] = {ROOT: ("index",)}

    def new_id(item: dict, path: tuple) -> str:
        if "id" not in item:
            c.fail(path, "needs an 'id'")
        node_id = c.text(item["id"], (*path, "id"))
        if not _ID.match(node_id):
            c.fail((*path, "id"), f"{node_id!r} must start with a letter and use only "
                                  "letters, digits and underscores")
        if node_id in seen:
            c.fail((*path, "id"), f"duplicate node id {node_id!r} "
                                  f"(first at {_dotted(seen[node_id])})")
        if node_id == "area":
            c.fail((*path, "id"), "'area' is reserved (results start with area_code)")
        seen[node_id] = path
        return node_id

    def weight_of(item: dict, path: tuple) -> float:
        w = c.number(item.get("weight", 1.0), (*path, "weight"))
        if w < 0:
            c.fail((*path, "weight"), f"negative weight {w} is not allowed")
        return w

    groups_raw = top.get("groups", []) or []
    if not isinstance(groups_raw, list):
        c.fail(("groups",), "must be a list")
    for i, item in enumerate(groups_raw):
        path = ("groups", i)
        c.mapping(item, path, _GROUP_KEYS)
        gid = new_id(item, path)
        groups.append(Group(
            id=gid, name=c.text(item.get("name", gid), (*path, "name")),
            parent=c.text(item.get("parent", ROOT), (*path, "parent")),
            weight=weight_of(item, path), description=str(item.get("description", "")),
            overrides=c.overrides(item, path, (*INDICATOR_STEPS, *GROUP_STEPS))))

    inds_raw = top["indicators"]
    if not isinstance(inds_raw, list) or not inds_raw:
        c.fail(("indicators",), "must be a non-empty list")
    indicators = []
    for i, item in enumerate(inds_raw):
        path = ("indicators", i)
        c.mapping(item, path, _INDICATOR_KEYS)
        iid = new_id(item, path)
        if "column" not in item:
            c.fail(path, f"indicator {iid!r} needs a 'column' (its source column)")
        direction = item.get("direction", 1)
        if direction not in (1, -1) or isinstance(direction, bool):
            c.fail((*path, "direction"), f"must be 1 or -1, not {direction!r}")
        denominator = None
        if item.get("denominator") is not None:
            d = item["denominator"]
            dpath = (*path, "denominator")
            if isinstance(d, dict):
                c.mapping(d, dpath, {"column", "aliases", "scale"})
                scale = c.number(d.get("scale", 1.0), (*dpath, "scale"))
                if scale == 0:
                    c.fail((*dpath, "scale"), "must not be 0")
                denominator = Denominator(c.column({k: v for k, v in d.items() if k != "scale"},
                                                   dpath), scale)
            else:
                denominator = Denominator(c.column(d, dpath))
        goalposts = None
        if item.get("goalposts") is not None:
            gp = item["goalposts"]
            if (not isinstance(gp, list) or len(gp) != 2
                    or any(isinstance(v, bool) or not isinstance(v, int | float) for v in gp)
                    or gp[0] == gp[1]):
                c.fail((*path, "goalposts"), f"must be [lo, hi] with lo != hi, not {gp!r}")
            goalposts = (float(gp[0]), float(gp[1]))
        shrink = item.get("shrink", False)
        if not isinstance(shrink, bool):
            c.fail((*path, "shrink"), f"must be true or false, not {shrink!r}")
        if shrink and denominator is None:
            c.fail((*path, "shrink"), "shrinkage needs counts: give the indicator a "
                                      "'denominator' (population at risk)")
        indicators.append(Indicator(
            id=iid, name=c.text(item.get("name", iid), (*path, "name")),
            source=c.column(item["column"], (*path, "column"), item.get("aliases")),
            parent=c.text(item.get("parent", ROOT), (*path, "parent")),
            direction=int(direction), unit=str(item.get("unit", "") or ""),
            weight=weight_of(item, path),
            rank=(c.column(item["rank_column"], (*path, "rank_column"), item.get("rank_aliases"))
                  if item.get("rank_column") else None),
            denominator=denominator, goalposts=goalposts,
            target=(c.number(item["target"], (*path, "target"))
                    if item.get("target") is not None else None),
            shrink=shrink, description=str(item.get("description", "") or ""),
            overrides=c.overrides(item, path, INDICATOR_STEPS)))

    group_ids = {g.id for g in groups}
    for section, items in (("groups", groups[1:]), ("indicators", indicators)):
        for i, item in enumerate(items):
            if item.parent not in group_ids:
                hint = ("an indicator cannot be a parent"
                        if item.parent in seen else f"groups are {', '.join(sorted(group_ids))}")
                c.fail((section, i, "parent"), f"unknown parent {item.parent!r} ({hint})")
    parents = {g.id: g.parent for g in groups}
    for i, g in enumerate(groups[1:]):
        chain, current = {g.id}, g.parent
        while current is not None:
            if current in chain:
                c.fail(("groups", i, "parent"), f"group {g.id!r} is part of a cycle")
            chain.add(current)
            current = parents[current]
    used = {i.parent for i in indicators} | {g.parent for g in groups if g.parent}
    for i, g in enumerate(groups):
        if g.id not in used:
            path = ("index",) if g.id == ROOT else ("groups", i - 1)
            c.fail(path, f"group {g.id!r} has no children")

    steps_raw = c.mapping(top.get("steps", {}) or {}, ("steps",), set(STEPS))
    steps: dict[str, dict[str, Any]] = {}
    for step in STEPS:
        block = c.step_block(step, steps_raw.get(step, {}) or {}, ("steps", step), partial=True)
        block = dict(block)
        block.setdefault("method", DEFAULT_METHOD[step])
        check_block(step, block, partial=False,
                    fail=lambda key, msg, s=step: c.fail(("steps", s, key), msg))
        by_level = block.get("by_level", {}) or {}
        c.mapping(by_level, ("steps", step, "by_level"))
        for level, sub in by_level.items():
            if isinstance(level, bool) or not isinstance(level, int) or level < 1:
                c.fail(("steps", step, "by_level", level), "levels are integers >= 1 "
                                                           "(indicators are level 1)")
            c.step_block(step, sub, ("steps", step, "by_level", level), partial=True)
        steps[step] = block

    return IndexSpec(
        id=spec_id, name=str(top.get("name", spec_id)), version=str(top.get("version", "")),
        polarity=polarity, area=area, indicators=tuple(indicators), groups=tuple(groups),
        steps=steps, raw=copy.deepcopy(dict(top)), description=str(top.get("description", "")),
        references=tuple(str(r) for r in references), source=source,
        data_source=" ".join(str(top.get("data_source", "") or "").split()))


def load_spec(source: str | Path | Mapping[str, Any] | IndexSpec) -> IndexSpec:
    """Load and validate a spec from an ``IndexSpec``, a mapping, a YAML file, a YAML string,
    or the name of a built-in framework (see :func:`frameworks`).

    Raises
    ------
    IndexSpecError
        If the spec is invalid (names key and line) or the file/framework does not exist.
    """
    if isinstance(source, IndexSpec):
        return source
    if isinstance(source, Mapping):
        return parse_spec(source)
    from ._frameworks import framework_path, is_framework

    text_source = str(source)
    if isinstance(source, str) and is_framework(source):
        path: Path | None = framework_path(source)
    elif isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                      and source.endswith((".yaml", ".yml"))):
        path = Path(source)
        if not path.is_file():
            raise IndexSpecError(f"spec file {path} does not exist")
    elif isinstance(source, str) and "\n" in source:
        path = None
    else:
        from ._frameworks import frameworks

        raise IndexSpecError(f"{text_source!r} is neither a built-in framework "
                             f"({', '.join(frameworks())}) nor a .yaml file")
    text = read_spec_text(path) if path is not None else text_source
    name = path.name if path is not None else "<yaml>"
    return _parse_text(text, name)


@lru_cache(maxsize=32)
def _parse_text(text: str, name: str) -> IndexSpec:
    """The spec in YAML ``text`` (from ``name``). Specs are immutable, so the same text is
    parsed once per process (a Monte Carlo or a test suite builds the same spec many times)."""
    value, lines = parse_yaml(text, name=name)
    return dataclasses.replace(parse_spec(value, source=name, lines=lines), text=text)
