"""docs/measure.md stays honest: every public name and every CLI command is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

import rescomm.measure as measure

DOC = Path(__file__).resolve().parents[2] / "docs" / "measure.md"


@pytest.fixture(scope="module")
def text() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", measure.__all__)
def test_every_public_name_is_documented(text, name):
    assert f"`{name}`" in text or f"`{name}(" in text


def test_every_index_command_is_documented(text):
    from rescomm.cli.index import index

    for command in index.commands:
        assert f"rescomm index {command}" in text


@pytest.mark.parametrize("name", measure.__all__)
def test_every_public_function_has_a_docstring(name):
    obj = getattr(measure, name)
    assert (obj.__doc__ or "").strip(), name


def test_every_schema_method_is_documented(text):
    from rescomm.measure._schema import SCHEMA

    for step, methods in SCHEMA.items():
        for method in methods:
            if method not in ("*", "none", "ratio", "availability", "logit_eb"):
                assert f"`{method}`" in text, (step, method)
