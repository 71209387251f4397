"""Bounded queries over unbounded sets: never one ``IN (...)`` list or prefetch for all rows.

Two database limits make a query built from "every id we have" fail only at real size, never
with small test fixtures:

- SQLite parses ``a = 1 OR a = 2 OR ...`` into an expression tree at most 1,000 deep ("Expression
  tree is too large (maximum depth 1000)"). Django 5.2 writes the prefetch of a forward foreign
  key (``prefetch_related("location")`` from ``ServiceAtLocation``) in exactly that form on
  SQLite, which has no tuple ``IN`` (``TupleIn`` falls back to ``OR``), so a prefetch over
  1,000 or more objects fails there.
- Every database caps the parameters of one statement (SQLite 32,766 by default, PostgreSQL
  65,535), so a plain ``pk__in=[...]`` of an unbounded list fails too, only later.

:func:`chunked` cuts a list into pieces of at most :data:`BATCH`, and :func:`in_batches` reads a
queryset with its ``select_related``/``prefetch_related`` a batch of primary keys at a time, so
every statement stays bounded whatever the number of rows. Prefer a join or a subquery
(``Exists``, ``field__in=<queryset>``) where one does the job; use these when Python has to hold
the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db.models import Model, QuerySet

__all__ = ["BATCH", "chunked", "in_batches"]

#: Rows per statement: well under SQLite's expression depth (1,000) and parameter limits.
BATCH = 500

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def chunked(values: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """``values`` in lists of at most ``size`` (the last may be shorter), in order."""
    if size < 1:
        raise ValueError(f"size must be 1 or more, not {size}")
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def in_batches(queryset: QuerySet[M], *, size: int = BATCH) -> Iterator[M]:
    """Every object of ``queryset``, in its order, read ``size`` primary keys at a time.

    The primary keys are read first (one query, no ``IN`` list); then each batch is fetched with
    the queryset's own ``select_related`` and ``prefetch_related``, so a prefetch covers at most
    ``size`` objects. Objects changed between the two reads are seen as they are at the second;
    objects deleted in between are skipped.
    """
    keys = list(queryset.prefetch_related(None).values_list("pk", flat=True))
    for chunk in chunked(keys, size):
        found = {obj.pk: obj for obj in queryset.filter(pk__in=chunk)}
        for key in chunk:
            obj = found.get(key)
            if obj is not None:
                yield obj
