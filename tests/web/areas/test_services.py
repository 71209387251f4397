"""``load_demo``: one transaction, idempotent per bundle version, progress as it goes."""

from __future__ import annotations

import pytest

from rescomm.web.areas import services
from rescomm.web.areas.models import DataLoad, Deprivation, LocalAuthority, Lsoa11Successor, Lsoa21

from ..factories import HALTON, LIVERPOOL

MODELS = (DataLoad, Deprivation, LocalAuthority, Lsoa11Successor, Lsoa21)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


class InjectedFailure(RuntimeError):
    pass


def fail_at(stage: str):
    """A progress callback that raises once the load reports ``stage`` (mid-transaction)."""
    lines: list[str] = []

    def progress(line: str) -> None:
        lines.append(line)
        if line.startswith(f"{stage}:"):
            raise InjectedFailure(f"injected failure at {line!r}")

    progress.lines = lines
    return progress


@pytest.mark.django_db
def test_second_load_of_the_same_bundle_does_nothing(django_assert_max_num_queries):
    before = row_counts()
    lines: list[str] = []
    with django_assert_max_num_queries(1):
        result = services.load_demo(lads=[HALTON, LIVERPOOL], progress=lines.append)
    assert result.loaded is False
    assert row_counts() == before
    assert lines and lines[0].startswith("up to date")


@pytest.mark.django_db
def test_forced_reload_replaces_rows_without_duplicating_them():
    before = row_counts()
    lines: list[str] = []
    result = services.load_demo(lads=[HALTON, LIVERPOOL], force=True, progress=lines.append)
    assert result.loaded is True
    assert row_counts() == before
    assert DataLoad.objects.get().checksum == result.checksum
    stages = {line.split(":")[0] for line in lines}
    assert {"local_authorities", "lsoa21", "deprivation", "lsoa11_successors", "done"} <= stages
    assert any(line == f"lsoa21: {before['Lsoa21']:,}/{before['Lsoa21']:,}" for line in lines)


@pytest.mark.django_db
def test_loading_another_scope_replaces_the_previous_one():
    result = services.load_demo(lads=[HALTON])
    assert result.loaded is True
    assert set(Lsoa21.objects.values_list("local_authority_id", flat=True)) == {HALTON}
    assert Lsoa21.objects.count() == 80
    assert Deprivation.objects.count() == 80 * 14


@pytest.mark.django_db
def test_loaded_rows_hold_the_bundled_values():
    lsoa = Lsoa21.objects.get(code="E01033756")
    assert lsoa.name == "Liverpool 061C"
    assert lsoa.local_authority_id == LIVERPOOL
    assert lsoa.population == sum(band["count"] for band in lsoa.population_by_age)
    assert [band["band"] for band in lsoa.population_by_age][:2] == ["0-4", "5-9"]
    assert lsoa.population_by_age[-1]["band"] == "85+"
    imd = Deprivation.objects.get(lsoa=lsoa, domain="imd")
    assert 1 <= imd.decile <= 10 and 1 <= imd.rank <= 33_755


@pytest.mark.django_db
def test_failure_mid_load_keeps_the_previous_data_whole():
    before = row_counts()
    with pytest.raises(InjectedFailure):
        services.load_demo(lads=[HALTON], force=True, progress=fail_at("deprivation"))
    assert row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_failure_mid_load_into_an_empty_database_leaves_zero_rows():
    for model in (Deprivation, Lsoa21, LocalAuthority, Lsoa11Successor, DataLoad):
        model.objects.all().delete()
    progress = fail_at("deprivation")
    with pytest.raises(InjectedFailure):
        services.load_demo(lads=[HALTON, LIVERPOOL], progress=progress)
    assert any(line.startswith("lsoa21:") for line in progress.lines), "failed too early"
    assert row_counts() == dict.fromkeys(row_counts(), 0)


@pytest.mark.django_db
def test_unknown_local_authority_is_refused_with_the_choices():
    with pytest.raises(services.UnknownLocalAuthorityError) as raised:
        services.load_demo(lads=["E09000001"])
    assert "E09000001" in str(raised.value)
    assert "E08000012 (Liverpool)" in str(raised.value)


def test_checksum_depends_on_the_scope_not_its_order():
    assert services.bundle_checksum([HALTON, LIVERPOOL]) == services.bundle_checksum(
        [LIVERPOOL, HALTON]
    )
    assert services.bundle_checksum([HALTON]) != services.bundle_checksum([LIVERPOOL])
