"""Read the literal data of PHEindicatormethods' R test scripts in place (no copy of them here).

``r_value(path, "df1")`` finds ``df1 <- ...`` in an R file and evaluates the literal
expression after the arrow with a tiny evaluator that knows what those scripts use for data:
numbers (``17L``, ``-5``), strings, ``NA``, ``c()``, ``rep(x, n)``, ``data.frame()`` and
``tibble()`` (a dict of columns), ``round(x, n)`` and ``as_tibble(x)`` (x itself). A bare name
evaluates to a :class:`Name`; any other call to a :class:`Call` with its evaluated arguments,
so that ``r_value(path, "test4")`` gives the ``age_contents`` a call was made with.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN = re.compile(r'\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)L?|"(?P<str>[^"]*)"'
                   r"|(?P<name>[A-Za-z_.][A-Za-z0-9_.]*)|(?P<op>[(),=]))")


@dataclass(frozen=True)
class Name:
    name: str


@dataclass
class Call:
    function: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if m is None:
            break  # end of the literal expression (a pipe, an operator, ...)
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.i = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expr(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text
        if kind == "name":
            nxt = self.peek()
            if nxt == ("op", "("):
                self.take()
                return self.call(text)
            if text == "NA" or text.startswith("NA_"):
                return math.nan
            if text in ("TRUE", "FALSE"):
                return text == "TRUE"
            return Name(text)
        raise ValueError(f"unexpected {text!r}")

    def call(self, function: str) -> Any:
        args, kwargs = [], {}
        while self.peek() != ("op", ")"):
            tok, nxt = self.peek(), self.tokens[self.i + 1]
            if tok[0] == "name" and nxt == ("op", "="):
                self.take()
                self.take()
                kwargs[tok[1]] = self.expr()
            else:
                args.append(self.expr())
            if self.peek() == ("op", ","):
                self.take()
        self.take()
        return _apply(function, args, kwargs)


def _flat(values: list[Any]) -> list[Any]:
    out = []
    for v in values:
        out.extend(v if isinstance(v, list) else [v])
    return out


def _apply(function: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    if function == "c":
        return _flat(args)
    if function == "rep":
        x, times = args[0], int(args[1] if len(args) > 1 else kwargs["times"])
        return (x if isinstance(x, list) else [x]) * times
    if function in ("data.frame", "tibble"):
        return {k: v for k, v in kwargs.items() if k != "stringsAsFactors"}
    if function in ("round", "as_tibble"):
        return args[0]
    return Call(function, args, kwargs)


def r_value(path: Path, name: str) -> Any:
    """Evaluate the literal expression assigned to ``name`` (``name <- ...``) in ``path``."""
    text = path.read_text(encoding="utf-8")
    m = re.search(rf"^{re.escape(name)}\s*<-\s*", text, flags=re.MULTILINE)
    if m is None:
        raise KeyError(f"{name} is not assigned in {path.name}")
    return _Parser(_tokens(text[m.end():])).expr()
