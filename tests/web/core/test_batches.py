"""Bounded batches (rescomm.web.core.batches): every statement stays under the databases'
expression and parameter limits however many rows there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rescomm.web.core.batches import BATCH, chunked, in_batches


@pytest.mark.parametrize(("n", "size", "lengths"), [
    (0, 3, []), (1, 3, [1]), (3, 3, [3]), (7, 3, [3, 3, 1]), (1001, 500, [500, 500, 1]),
])
def test_chunked_keeps_order_and_caps_each_piece(n, size, lengths):
    pieces = list(chunked(range(n), size))
    assert [len(p) for p in pieces] == lengths
    assert [v for p in pieces for v in p] == list(range(n))


def test_chunked_refuses_a_size_below_one():
    with pytest.raises(ValueError, match="size must be 1 or more"):
        list(chunked([1], 0))


def test_in_batches_reads_every_object_in_order_with_its_prefetch_bounded(db):
    from rescomm.web.areas.models import Lsoa21

    queryset = Lsoa21.objects.select_related("local_authority").order_by("-code")
    expected = list(queryset.values_list("code", flat=True))
    assert len(expected) > 2 * 50  # the Halton and Liverpool LSOAs of the test database
    with CaptureQueriesContext(connection) as queries:
        got = [(a.code, a.local_authority.name) for a in in_batches(queryset, size=50)]
    assert [code for code, _ in got] == expected
    assert all(name for _, name in got)  # joined, not fetched one by one
    assert len(queries) == 1 + -(-len(expected) // 50)  # the keys, then one query a batch


def test_the_oruk_relations_of_over_a_thousand_services_load_without_an_or_chain(db):
    """Regression: Django 5.2 writes a forward-key prefetch as ``id = a OR id = b OR ...`` on
    SQLite, which failed from 1,000 assets ("Expression tree is too large"). The relations
    the export and the stored documents read join forward keys instead, in batches."""
    from tests.web.assets.conftest import record

    from rescomm.web.assets import oruk
    from rescomm.web.assets.importer import import_assets
    from rescomm.web.assets.models import Service

    import_assets([record(f"batch:{i}", name=f"Batch {i:04d}") for i in range(400)],
                  source="tests")
    assert Service.objects.count() > 1000
    with CaptureQueriesContext(connection) as queries:
        services = list(in_batches(oruk.with_relations(Service.objects.order_by("id"))))
        documents = [oruk.service(s) for s in services]
    assert len(documents) == Service.objects.count()
    assert max(q["sql"].count(" OR ") for q in queries) < BATCH
    assert len(queries) < 40  # a fixed number a batch, not one a service
