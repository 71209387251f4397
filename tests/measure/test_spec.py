"""The YAML index spec: valid specs load; every mistake names the key and the YAML line."""

from __future__ import annotations

import pytest
from measure_helpers import SPECS, make_spec

from rescomm.measure import IndexSpecError, _spec, frameworks, load_spec

GOOD = """\
spec_version: 1
id: toy
polarity: higher_is_better
area: {code: code}
groups:
  - {id: people, weight: 0.5}
  - {id: place, weight: 0.5}
indicators:
  - {id: a, column: a, parent: people}
  - {id: b, column: b, parent: people, direction: -1}
  - {id: c, column: c, parent: place}
steps:
  normalise: {method: minmax, range: [0, 100]}
"""


def _error(text: str) -> str:
    with pytest.raises(IndexSpecError) as info:
        load_spec(text)
    return str(info.value)


def test_a_valid_yaml_spec_loads_with_its_hierarchy():
    spec = load_spec(GOOD)
    assert spec.node_ids == ("index", "people", "a", "b", "place", "c")
    assert spec.level("a") == 1 and spec.level("people") == 2 and spec.level("index") == 3
    assert spec.indicator("b").direction == -1
    assert spec.resolve("normalise", "a") == {"method": "minmax", "range": [0, 100],
                                              "zero_variance": "nan"}


def test_the_spec_is_kept_exactly_as_given():
    spec = load_spec(GOOD)
    assert spec.text == GOOD
    assert spec.raw["groups"][0] == {"id": "people", "weight": 0.5}
    assert "impute" not in spec.raw.get("steps", {})


@pytest.mark.parametrize(("bad", "good", "where", "says"), [
    ("direction: -1", "direction: 2", "<yaml>:10: indicators[1].direction", "must be 1 or -1"),
    ("parent: place}", "parent: plaice}", "<yaml>:11: indicators[2].parent",
     "unknown parent 'plaice'"),
    ("method: minmax", "method: min_max", "<yaml>:13: steps.normalise.method",
     "unknown normalise method 'min_max'"),
    ("range: [0, 100]", "rnage: [0, 100]", "<yaml>:13: steps.normalise.rnage",
     "unknown parameter 'rnage'"),
    ("range: [0, 100]", "range: [100, 0]", "<yaml>:13: steps.normalise.range",
     "low < high"),
    ("{id: c,", "{id: a,", "<yaml>:11: indicators[2].id", "duplicate node id 'a'"),
    ("spec_version: 1", "spec_version: 2", "<yaml>:1: spec_version", "reads spec_version 1"),
    ("polarity: higher_is_better", "polarity: up", "<yaml>:3: polarity", "higher_is_worse"),
    ("{id: place, weight: 0.5}", "{id: place, weight: -0.5}", "<yaml>:7: groups[1].weight",
     "negative weight"),
])
def test_a_mistake_is_reported_with_its_key_and_line(bad, good, where, says):
    message = _error(GOOD.replace(bad, good, 1))
    assert message.startswith(where), message
    assert says in message


def test_an_unknown_top_level_key_is_named():
    assert "unknown key 'stesp'" in _error(GOOD.replace("steps:", "stesp:"))


def test_a_group_without_children_is_rejected():
    message = _error(GOOD.replace("  - {id: c, column: c, parent: place}\n", ""))
    assert "group 'place' has no children" in message


def test_a_cycle_between_groups_is_rejected():
    text = GOOD.replace("{id: people, weight: 0.5}", "{id: people, parent: place}").replace(
        "{id: place, weight: 0.5}", "{id: place, parent: people}")
    assert "cycle" in _error(text)


def test_invalid_yaml_reports_the_line():
    message = _error(GOOD.replace("area: {code: code}", "area: {code: code"))
    assert message.startswith("<yaml>:") and "not valid YAML" in message


def test_a_shrunk_indicator_needs_a_denominator():
    assert "needs counts" in _error(GOOD.replace("{id: a, column: a, parent: people}",
                                                 "{id: a, column: a, parent: people, "
                                                 "shrink: true}"))


def test_a_dict_spec_is_validated_too():
    with pytest.raises(IndexSpecError, match=r"indicators\[0\]\.direction"):
        load_spec(make_spec(indicators=[{"id": "a", "column": "a", "direction": 0}]))


def test_overrides_resolve_default_then_level_then_ancestors_then_node():
    spec = load_spec(make_spec(
        groups=[{"id": "people", "normalise": {"method": "zscore"},
                 "aggregate": {"method": "geometric"}},
                {"id": "place"}],
        indicators=[
            {"id": "a", "column": "a", "parent": "people"},
            {"id": "b", "column": "b", "parent": "people",
             "normalise": {"method": "prank"}},
            {"id": "c", "column": "c", "parent": "place"},
        ],
        steps={"normalise": {"method": "minmax", "range": [1, 100]},
               "aggregate": {"method": "arithmetic", "by_level": {3: {"method": "harmonic"}}}},
    ))
    assert spec.resolve("normalise", "a")["method"] == "zscore"
    assert "range" not in spec.resolve("normalise", "a")  # switching method drops its params
    assert spec.resolve("normalise", "b")["method"] == "prank"
    assert spec.resolve("normalise", "c") == {"method": "minmax", "range": [1, 100],
                                              "zero_variance": "nan"}
    assert spec.resolve("aggregate", "people")["method"] == "geometric"
    assert spec.resolve("aggregate", "place")["method"] == "arithmetic"
    assert spec.resolve("aggregate", "index")["method"] == "harmonic"


def test_builtin_frameworks_are_listed_and_load():
    assert {"imd2019", "imd2025"} <= set(frameworks())
    spec = load_spec("imd2019")
    assert spec.polarity == "higher_is_worse"
    assert [i.weight for i in spec.indicators] == [0.225, 0.225, 0.135, 0.135, 0.093, 0.093,
                                                   0.093]


def test_an_unknown_framework_name_is_a_clear_error():
    with pytest.raises(IndexSpecError, match="neither a built-in framework"):
        load_spec("imd2091")


def test_the_asem_spec_in_the_test_tree_is_valid():
    spec = load_spec(SPECS / "asem.yaml")
    assert len(spec.indicators) == 49 and len(spec.groups) == 11


# ------------------------------------------------------------------ hostile and odd files
def billion_laughs(levels: int = 9) -> str:
    """Nine nested aliases of nine: 9**9 (387 million) values once expanded."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    return GOOD + "\n".join(lines).replace("lol", "x_lol") + "\n"


def test_yaml_aliases_that_expand_to_billions_of_values_are_refused_in_one_line():
    message = _error(billion_laughs())
    assert message.startswith("<yaml>: line ")
    assert "expands to more than 50,000 values" in message and "\n" not in message


def test_a_few_aliases_are_fine_the_limit_counts_values():
    text = GOOD.replace("steps:\n  normalise: {method: minmax, range: [0, 100]}",
                        "steps:\n  normalise: &n {method: minmax, range: [0, 100]}\n"
                        "description: x")
    assert load_spec(text).resolve("normalise", "a")["method"] == "minmax"


def test_a_spec_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(GOOD + "#" * 1_000_000 + "\n", encoding="utf-8")
    with pytest.raises(IndexSpecError, match=r"huge.yaml is 1,000,\d{3} bytes; a spec may be "
                                             r"at most 1,000,000 bytes"):
        load_spec(path)


def test_a_spec_file_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.replace("id: toy", "id: toy\nname: Caf\xe9 index").encode("latin-1"))
    message = _error_of(path)
    assert "latin1.yaml is not UTF-8 text (line 3: byte 0xe9 at offset" in message
    assert "save it as UTF-8" in message


def test_deep_flow_nesting_stops_early_with_either_yaml_parser(monkeypatch):
    text = "x: " + "[" * 100_000 + "\n"
    assert "nesting depth" in _error(text)  # libyaml: exceeded maximum nesting depth
    monkeypatch.setattr(_spec, "_YAML_LOADER", _spec._SpecLoader)  # PyYAML without libyaml
    assert "line 1: nested more than 50 levels deep" in _error(text + "# pure Python\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("".join(f"{'  ' * i}k{i}:\n" for i in range(60)), "line 51: nested more than 50 levels"),
    ("? [a, b]\n: 1\n", "a key must be a name, not a list"),
])
def test_odd_yaml_is_refused_with_one_line(text, expected):
    message = _error(text)
    assert expected in message and "\n" not in message


def _error_of(path) -> str:
    with pytest.raises(IndexSpecError) as info:
        load_spec(path)
    return str(info.value)
