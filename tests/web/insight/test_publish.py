"""Publishing a build to the web app: stored in one transaction, replacing the previous run of
the framework atomically; bad input refused with the reason and nothing written."""

from __future__ import annotations

import math

import pytest
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st

from rescomm import data, measure
from rescomm.web.accounts.models import AuditEvent
from rescomm.web.insight import publish as service
from rescomm.web.insight.models import IndexContribution, IndexNode, IndexRun, IndexValue

from .conftest import FRAMEWORK, TEST_RUNS, imd_test_build

HALTON = "E06000006"


@pytest.fixture(scope="module")
def halton_build():
    table = data.load_imd(2025)
    return measure.build(FRAMEWORK, table[table["lad_code"] == HALTON])


def counts(run_id=None) -> tuple[int, int, int, int]:
    runs = IndexRun.objects.filter(framework=FRAMEWORK)
    return (
        runs.count(),
        IndexNode.objects.filter(run__in=runs).count(),
        IndexValue.objects.filter(run__in=runs).count(),
        IndexContribution.objects.filter(run__in=runs).count(),
    )


def test_published_run_holds_every_area_and_node_as_built(index_run):
    build = imd_test_build()
    results = build.results.set_index("area_code")
    nodes = list(index_run.nodes.values_list("node_id", flat=True))
    assert nodes == list(build.spec.node_ids)
    assert index_run.area_count == len(results) == 382
    assert index_run.values.count() == len(results) * len(nodes)
    for value in index_run.values.select_related("node").filter(area_code="E01033756"):
        row = results.loc["E01033756"]
        assert value.score == pytest.approx(row[f"{value.node.node_id}_score"])
        assert value.rank == row[f"{value.node.node_id}_rank"]
        assert value.decile == row[f"{value.node.node_id}_decile"]
        assert value.la_code == "E08000012"


def test_contributions_add_up_to_the_index_score_of_each_area(index_run):
    index = dict(index_run.values.filter(node__node_id="index").values_list("area_code", "score"))
    sums = dict(
        index_run.contributions.values("area_code")
        .annotate(total=Sum("contribution"))
        .values_list("area_code", "total")
    )
    assert sums.keys() == index.keys()
    assert all(math.isclose(sums[c], index[c], rel_tol=1e-9) for c in index)


def test_uncertainty_is_stored_for_the_index_with_an_ordered_interval(index_run):
    assert index_run.uncertainty_runs == TEST_RUNS
    index = index_run.values.filter(node__node_id="index")
    assert index.filter(rank_p05__isnull=True).count() == 0
    for value in index[:50]:
        assert 1 <= value.rank_p05 <= value.rank_median <= value.rank_p95 <= 382
        assert 0 <= value.p_worst_decile <= 1
    # indicators are not perturbed by weight noise: no interval claimed
    assert not index_run.values.filter(node__kind="indicator", rank_p05__isnull=False).exists()


@pytest.mark.django_db
def test_publishing_again_replaces_the_run_with_no_leftovers(halton_build):
    before = IndexRun.objects.get(framework=FRAMEWORK).pk
    run = service.publish(halton_build, source="Halton only", published_by="test")
    assert run.pk != before
    assert counts() == (1, 8, 80 * 8, 80 * 7)
    assert AuditEvent.objects.filter(
        action="index_published", object_id=str(run.pk), reason__contains="replaced"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_leaves_the_previous_run_untouched(
    demo_data, halton_build, monkeypatch
):
    first = service.publish(halton_build, source="Halton only", published_by="test")
    before = counts()

    insert = service._insert

    def explode(model, rows, **kwargs):
        if model is IndexContribution:  # after the run, its nodes and values were written
            raise RuntimeError("disk full")
        return insert(model, rows, **kwargs)

    monkeypatch.setattr(service, "_insert", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        service.publish(imd_test_build(), source="both", published_by="test")
    assert counts() == before
    assert IndexRun.objects.get(framework=FRAMEWORK).pk == first.pk


BAD_INPUT = [
    (
        lambda b, other: dict(build="not a build"),
        "publish: expected a rescomm.measure.Build, got str; make one with "
        "rescomm.measure.build(framework, data)",
    ),
    (
        lambda b, other: dict(build=b, uncertainty=other.uncertainty(n=3, seed=1)),
        "publish: the uncertainty for node 'index' was not run on this build (382 areas vs "
        "80; areas not in the build: E01006512, E01006514, E01006518); use "
        "build.uncertainty(...) of the build you publish",
    ),
    (
        lambda b, other: dict(build=b, uncertainty=[b.uncertainty(n=3), b.uncertainty(n=3)]),
        "publish: two uncertainty results for node 'index'",
    ),
    (
        lambda b, other: dict(build=b, uncertainty=[b.uncertainty(n=3), "ranks"]),
        "publish: uncertainty must be rescomm.measure.UncertaintyResult objects "
        "(build.uncertainty(...)), got str",
    ),
    (
        lambda b, other: dict(build=b, source="  "),
        "publish: say where the data came from (source is empty)",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("make", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_the_reason_and_nothing_is_written(
    halton_build, make, message
):
    other = imd_test_build()
    before = counts()
    events = AuditEvent.objects.count()
    arguments = {"source": "test", "published_by": "test", **make(halton_build, other)}
    build = arguments.pop("build")
    with pytest.raises(service.PublishError) as caught:
        service.publish(build, **arguments)
    assert str(caught.value) == message
    assert counts() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_demo_publishing_is_idempotent_and_skips_missing_frameworks(monkeypatch):
    monkeypatch.setattr(service, "build_framework", lambda framework: imd_test_build())
    lines = []
    first = service.publish_demo(frameworks=[FRAMEWORK, "no_such_framework"], n=5, seed=1,
                                 progress=lines.append)
    assert [r.published for r in first] == [True, False]
    assert first[1].message == "no_such_framework: not available, skipped"
    run = first[0].run
    assert run.uncertainty_runs == 5 and run.published_by == "rescomm load-demo"
    again = service.publish_demo(frameworks=[FRAMEWORK], n=5, seed=1)
    assert not again[0].published and again[0].run.pk == run.pk
    assert again[0].message.startswith(f"{FRAMEWORK}: up to date")
    changed = service.publish_demo(frameworks=[FRAMEWORK], n=6, seed=1)
    assert changed[0].published and changed[0].run.pk != run.pk
    forced = service.publish_demo(frameworks=[FRAMEWORK], n=6, seed=1, force=True)
    assert forced[0].published


def test_a_framework_without_bundled_inputs_needs_data(tmp_path):
    from rescomm.measure import framework_path

    spec = tmp_path / "own.yaml"
    spec.write_text(framework_path(FRAMEWORK).read_text().replace("id: imd2025", "id: own"))
    with pytest.raises(measure.IndexDataError, match="framework 'own' has no bundled inputs"):
        service.build_framework(str(spec))


COUNTS = """\
spec_version: 1
id: counts
name: Counts (test spec)
polarity: higher_is_worse
area: {code: code}
indicators:
  - {id: cases, name: Cases, column: cases, denominator: {column: people, scale: 1000},
     unit: per 1000 people, weight: 0.5}
  - {id: other, name: Other, column: other, weight: 0.5}
steps:
  normalise: {method: minmax, range: [0, 100]}
"""


@pytest.mark.django_db
def test_an_indicator_given_as_a_count_says_what_it_is_divided_by(client):
    import pandas as pd

    table = pd.DataFrame({"code": ["A1", "A2", "A3", "A4"], "cases": [5, 10, 2, 8],
                          "people": [1000, 1500, 800, 1200], "other": [1.0, 3.0, 2.0, 4.0]})
    run = service.publish(measure.build(COUNTS, table), source="test", published_by="test")
    assert dict(run.nodes.values_list("node_id", "denominator")) == {
        "index": "", "cases": "people, x 1000", "other": ""}
    page = client.get("/index/counts/A2/").content.decode()
    assert "(count / people, x 1000)" in page
    # the value in the indicator's unit (per 1000 people), as `rescomm index explain` shows it
    stored = run.contributions.get(area_code="A2", indicator__node_id="cases").value
    assert stored == pytest.approx(10 / 1500 * 1000)
    assert f"{stored:.4f}" in page
    api = client.get("/api/index/runs/counts/areas/A2").json()
    cases = next(c for c in api["contributions"] if c["indicator"] == "cases")
    assert (cases["value"], cases["unit"]) == (pytest.approx(stored), "per 1000 people")


@given(st.lists(st.one_of(st.floats(min_value=-1e15, max_value=1e15),
                          st.sampled_from([0.5, 1.5, 2.5, -0.5, math.nan, math.inf])),
                max_size=50))
def test_whole_arrays_convert_like_single_values(values):
    import numpy as np

    array = np.array(values, dtype=float)
    assert service._integers(array) == [
        None if (n := service._number(v)) is None else int(round(n)) for v in values]
    assert service._numbers(array) == [service._number(v) for v in values]


def test_insert_refuses_columns_of_different_lengths():
    with pytest.raises(ValueError, match=r"IndexValue: columns of different lengths \[1, 2\]"):
        service._insert(IndexValue, {"area_code": ["a"], "score": [1.0, 2.0]}, stage="x",
                        say=lambda line: None)


@pytest.mark.django_db
def test_an_area_without_a_median_rank_stores_no_5th_percentile_rank(demo_data, halton_build):
    import dataclasses

    result = halton_build.uncertainty(n=TEST_RUNS, seed=3)
    summary = result.summary.copy()
    summary.loc[summary.index[0], "median_rank"] = math.nan
    result = dataclasses.replace(result, summary=summary)
    run = service.publish(halton_build, uncertainty=result, source="t", published_by="t")
    index = run.values.filter(node__kind="index").order_by("area_code")
    first = index.get(area_code=str(halton_build.results["area_code"].iloc[0]))
    assert first.rank_median is None and first.rank_p05 is None
    assert index.filter(rank_p05__isnull=False).count() == index.count() - 1
