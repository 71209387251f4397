"""``/api/index/``: published runs, paged results, deciles for the map and one area; errors in
the project's one shape."""

from __future__ import annotations

import pytest

from rescomm.web.insight.models import IndexValue

from ..factories import LIVE_POSTCODE_LSOA21

pytestmark = pytest.mark.django_db


def test_runs_lists_the_published_index_with_its_nodes_and_uncertainty(client, index_run):
    body = client.get("/api/index/runs").json()
    assert [run["framework"] for run in body] == ["imd2025"]
    run = body[0]
    assert run["area_count"] == 382
    assert run["rank_convention"].startswith("rank 1 = most deprived of the 382 areas")
    assert [node["id"] for node in run["nodes"]][:3] == ["index", "income", "employment"]
    assert run["nodes"][1]["effective_weight"] == pytest.approx(0.225)
    assert run["uncertainty"]["runs"] == 50 and run["uncertainty"]["seed"] == 7
    assert run["csv_url"].endswith("/index/imd2025/results.csv")
    assert client.get("/api/index/runs/imd2025").json() == run


def test_results_are_paged_in_index_rank_order_with_every_node(client, index_run):
    first = client.get("/api/index/runs/imd2025/results", {"page_size": 50}).json()
    assert (first["count"], first["pages"], first["page"]) == (382, 8, 1)
    assert first["next"].endswith("/api/index/runs/imd2025/results?page=2&page_size=50")
    assert first["previous"] is None
    ranks = [row["values"]["index"]["rank"] for row in first["results"]]
    assert ranks == list(range(1, 51))
    row = first["results"][0]
    assert set(row["values"]) == {"index", "income", "employment", "education", "health",
                                  "crime", "barriers", "living_env"}
    assert row["values"]["index"]["rank_p05"] <= row["values"]["index"]["rank_p95"]
    assert "rank_p05" not in row["values"]["income"] or row["values"]["income"]["rank_p05"] is None
    last = client.get("/api/index/runs/imd2025/results", {"page_size": 50, "page": 8}).json()
    assert len(last["results"]) == 32 and last["next"] is None


def test_deciles_give_every_area_of_one_node(client, index_run):
    body = client.get("/api/index/runs/imd2025/deciles", {"node": "health"}).json()
    assert len(body["deciles"]) == 382
    expected = IndexValue.objects.get(node__node_id="health", area_code=LIVE_POSTCODE_LSOA21)
    assert body["deciles"][LIVE_POSTCODE_LSOA21] == expected.decile


def test_one_area_has_values_comparisons_and_contributions(client, index_run):
    body = client.get(f"/api/index/runs/imd2025/areas/{LIVE_POSTCODE_LSOA21}").json()
    assert body["la_name"] == "Liverpool"
    index = body["nodes"][0]
    assert index["node"] == "index" and index["la_areas"] == 302
    total = sum(c["contribution"] for c in body["contributions"])
    assert total == pytest.approx(index["value"]["score"])
    assert body["url"].endswith(f"/index/imd2025/{LIVE_POSTCODE_LSOA21}/")


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/index/runs/nothing", 404, "not_found", None),
        ("/api/index/runs/imd2025/areas/E01999999", 404, "not_found", None),
        ("/api/index/runs/imd2025/deciles?node=bogus", 404, "not_found", None),
        ("/api/index/runs/imd2025/results?page_size=501", 400, "invalid_request", "page_size"),
        ("/api/index/runs/imd2025/results?page=9", 404, "not_found", None),
        ("/api/index/runs/imd2025/results?page=0", 400, "invalid_request", "page"),
    ],
)
def test_errors_have_the_one_shape(client, index_run, url, status, code, field):
    response = client.get(url)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (status, code)
    if field:
        assert list(error["fields"]) == [field]


def test_the_index_api_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/index/runs", "/api/index/runs/{framework}",
                 "/api/index/runs/{framework}/results", "/api/index/runs/{framework}/deciles",
                 "/api/index/runs/{framework}/areas/{code}"):
        assert path in paths
