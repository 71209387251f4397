"""Read-side queries used by the API and by other apps."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from rescomm.web.areas import queries, services

from ..factories import HALTON, LIVERPOOL, SPLIT_LSOA11

pytestmark = pytest.mark.django_db


def test_decile_summary_counts_every_lsoa_once_per_authority():
    summary = {row["code"]: row for row in queries.decile_summary()}
    assert set(summary) == {HALTON, LIVERPOOL}
    assert summary[HALTON]["total"] == 80 == sum(summary[HALTON]["deciles"])
    assert summary[LIVERPOOL]["total"] == 302


def test_lsoa_table_filters_by_decile_on_the_overall_index_only():
    rows = list(queries.lsoa_table(lad=HALTON, decile=1))
    assert rows and all(row.imd_decile == 1 for row in rows)
    ranks = [row.imd_rank for row in rows]
    assert ranks == sorted(ranks)


def test_a_2011_code_names_its_2021_successors():
    with pytest.raises(queries.LsoaNotFoundError) as raised:
        queries.get_lsoa(SPLIT_LSOA11)
    assert raised.value.is_2011_code
    assert {lsoa.code for lsoa in raised.value.successors} >= {"E01035382"}


def test_geojson_cache_follows_the_data_version():
    cache.clear()
    before = queries.data_version()
    everything = queries.lsoa_geojson()
    services.load_demo(lads=[HALTON])  # another scope, so another data version
    assert queries.data_version() != before
    assert len(queries.lsoa_geojson()) < len(everything)
