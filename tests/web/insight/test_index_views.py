"""Index pages: the map with its no-JavaScript domain toggle, the sortable paged table, the CSV
download and the area profile, on IMD 2025 published for Halton and Liverpool (conftest)."""

from __future__ import annotations

import csv
import io
import re
import statistics

import pytest
from django.core.cache import cache

from rescomm import data, measure
from rescomm.web.insight import publish as service
from rescomm.web.insight.models import IndexRun, IndexValue

from ..factories import HALTON, HOSTILE, LIVE_POSTCODE_LSOA21, LIVERPOOL

pytestmark = pytest.mark.django_db

AREAS = 382  # LSOAs (2021) of Halton (80) and Liverpool (302)


def html(response) -> str:
    return response.content.decode()


def svg_of(response) -> str:
    return html(response).split('<svg class="choropleth"')[1].split("</svg>")[0]


def path_class(svg: str, code: str, framework: str = "imd2025") -> str:
    match = re.search(rf'<a href="/index/{framework}/{code}/">.*?<path class="(\w+)"', svg)
    assert match, code
    return match.group(1)


def decile(node: str, code: str) -> int:
    return IndexValue.objects.get(node__node_id=node, area_code=code).decile


def test_index_home_shows_the_first_published_index(client, index_run):
    response = client.get("/index/")
    assert response.status_code == 200
    page = html(response)
    assert "<h1 class=\"heading-l\">English Index of Multiple Deprivation 2025</h1>" in page
    assert svg_of(response).count("<a href=") == AREAS
    assert "Map of Index of Multiple Deprivation by decile" in page


def test_legend_states_that_decile_1_is_the_most_deprived(client, index_run):
    page = html(client.get("/index/imd2025/"))
    assert "1 (most deprived 10%)" in page
    assert "10 (least deprived 10%)" in page
    assert "Rank 1 is the most deprived of the 382 areas in this index" in page


def test_domain_toggle_without_javascript_recolours_the_server_map(client, index_run):
    cache.clear()
    index = client.get("/index/imd2025/")
    income = client.get("/index/imd2025/", {"node": "income"})
    assert income.status_code == 200
    page = html(income)
    assert "Map of Income Deprivation by decile" in page
    assert '<option value="income" selected>' in page
    assert '<form method="get" action="/index/imd2025/"' in page
    # the area's colour is its decile of the chosen node, on both maps
    for code in (LIVE_POSTCODE_LSOA21, "E01006512"):
        assert path_class(svg_of(index), code) == f"d{decile('index', code)}"
        assert path_class(svg_of(income), code) == f"d{decile('income', code)}"
    assert decile("index", "E01006512") != decile("income", "E01006512")


def test_an_unknown_node_is_a_400_naming_the_field(client, index_run):
    response = client.get("/index/imd2025/", {"node": "nonsense"})
    assert response.status_code == 400
    page = html(response)
    assert "There is a problem" in page
    assert (
        "Choose the index or one of its domains or indicators from the list (nonsense is not "
        "one of them)" in page
    )
    assert 'href="#id_node"' in page
    assert svg_of(response).count("<a href=") == AREAS  # the index is still shown


def table_ranks(response) -> list[int]:
    table = html(response).split('id="index-table-caption"')[1]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    cells = re.findall(r'<tr>\s*<td class="numeric">([\d,]+)</td>', body)
    return [int(cell.replace(",", "")) for cell in cells]


def test_table_is_sorted_by_rank_and_paged_by_100(client, index_run):
    first = client.get("/index/imd2025/", {"node": "crime"})
    assert table_ranks(first) == list(range(1, 101))
    assert "Page 1 of 4" in html(first)
    second = client.get("/index/imd2025/", {"node": "crime", "page": 2})
    assert table_ranks(second) == list(range(101, 201))
    last = client.get("/index/imd2025/", {"node": "crime", "sort": "rank", "order": "desc"})
    assert table_ranks(last)[:3] == [382, 381, 380]
    assert 'aria-sort="descending"' in html(last)
    assert "node=crime&amp;page=2" in html(first)


def test_table_shows_the_rank_interval_for_nodes_run_with_uncertainty(client, index_run):
    assert "Rank, 90% interval" in html(client.get("/index/imd2025/"))
    assert "Rank, 90% interval" not in html(client.get("/index/imd2025/", {"node": "income"}))


def test_csv_has_one_row_per_area_with_every_node_and_the_index_uncertainty(client, index_run):
    response = client.get("/index/imd2025/results.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == AREAS
    build = measure.build("imd2025", _test_table())
    results = build.results.set_index("area_code")
    assert list(rows[0])[:6] == ["area_code", "area_name", "la_code", "index_score",
                                 "index_rank", "index_decile"]
    assert "index_rank_p05" in rows[0] and "income_rank_p05" not in rows[0]
    assert [int(r["index_rank"]) for r in rows] == list(range(1, AREAS + 1))
    for row in rows[:20]:
        expected = results.loc[row["area_code"]]
        for node in build.spec.node_ids:
            assert float(row[f"{node}_score"]) == pytest.approx(expected[f"{node}_score"])
            assert int(row[f"{node}_rank"]) == expected[f"{node}_rank"]
        assert float(row["index_rank_p05"]) <= float(row["index_rank_p95"])
    assert {r["la_code"] for r in rows} == {HALTON, LIVERPOOL}


def _test_table():
    table = data.load_imd(2025)
    return table[table["lad_code"].isin([HALTON, LIVERPOOL])]


def test_profile_shows_ranks_intervals_contributions_and_comparisons(client, index_run):
    code = LIVE_POSTCODE_LSOA21
    response = client.get(f"/index/imd2025/{code}/")
    assert response.status_code == 200
    page = html(response)
    value = IndexValue.objects.get(node__node_id="index", area_code=code)
    assert f"Ranked {value.rank} of 382 (1 = most deprived)" in page
    assert (
        f"In 90% of 50 Monte Carlo runs its rank was between {value.rank_p05:,.0f} and "
        f"{value.rank_p95:,.0f}" in page
    )
    assert page.count('class="rank-chart"') == 8  # index and 7 domains
    assert page.count('class="contribution-bar"') == 7
    explained = measure.build("imd2025", _test_table()).explain(code)
    for contribution in explained["contribution"]:
        assert f"{contribution:.3f}" in page
    liverpool = IndexValue.objects.filter(node__node_id="index", la_code=LIVERPOOL)
    mean = statistics.fmean(liverpool.values_list("score", flat=True))
    assert f"{mean:.3f}" in page
    overall = statistics.fmean(
        IndexValue.objects.filter(node__node_id="index").values_list("score", flat=True)
    )
    assert f"{overall:.3f}" in page
    assert f'href="/areas/lsoa21/{code}/"' in page
    assert f'href="/api/index/runs/imd2025/areas/{code}"' in page


def test_lsoa_page_and_map_link_to_the_profile(client, index_run):
    code = LIVE_POSTCODE_LSOA21
    assert f'href="/index/imd2025/{code}/"' in html(client.get(f"/areas/lsoa21/{code}/"))
    assert f'<a href="/index/imd2025/{code}/">' in html(client.get("/index/imd2025/"))


def test_profile_of_a_lowercase_code_redirects_to_the_canonical_url(client, index_run):
    response = client.get(f"/index/imd2025/{LIVE_POSTCODE_LSOA21.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/index/imd2025/{LIVE_POSTCODE_LSOA21}/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/index/warm_not_here/", "No index &#x27;warm_not_here&#x27; has been published"),
        ("/index/imd2025/E01999999/", "Area E01999999 is not in the published English Index"),
        ("/index/nothing/results.csv", "No index &#x27;nothing&#x27; has been published"),
    ],
)
def test_unknown_index_or_area_is_a_404_saying_so(client, index_run, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert message in html(response)


def test_index_home_without_any_published_index_says_how_to_publish(client, index_run):
    IndexRun.objects.all().delete()
    page = html(client.get("/index/"))
    assert "No index has been published yet" in page
    assert "rescomm index publish --framework NAME --data FILE" in page


def test_names_from_a_framework_spec_are_escaped(client, index_run):
    from rescomm.measure import framework_path

    text = framework_path("imd2025").read_text(encoding="utf-8")
    text = text.replace("id: imd2025", "id: hostile")
    text = text.replace("name: English Index of Multiple Deprivation 2025", f'name: "{HOSTILE}"')
    text = text.replace("name: Income Deprivation", f'name: "Income {HOSTILE}"')
    build = measure.build(text, _test_table())
    service.publish(build, source=f"source {HOSTILE}", published_by=f"by {HOSTILE}")
    for url in ("/index/hostile/", "/index/hostile/?node=income",
                f"/index/hostile/{LIVE_POSTCODE_LSOA21}/"):
        page = html(client.get(url))
        assert HOSTILE not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    assert HOSTILE not in html(client.get(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/"))


def test_the_map_is_rendered_once_per_run_and_node(client, index_run, monkeypatch):
    from rescomm.web.insight import index_queries

    cache.clear()
    first = svg_of(client.get("/index/imd2025/", {"node": "health"}))

    def not_again(*args, **kwargs):
        raise AssertionError("the map was rendered again")

    monkeypatch.setattr(index_queries, "map_rows", not_again)
    assert svg_of(client.get("/index/imd2025/", {"node": "health"})) == first


GROUPED = """\
spec_version: 1
id: grouped
name: Grouped resilience (test spec on IoD 2025 domains)
version: "0.1"
polarity: higher_is_better
area: {code: lsoa21_code, geography: lsoa21, la: lad_code}
groups:
  - {id: economic, name: Economic, weight: 0.5}
  - {id: people, name: People, weight: 0.3}
  - {id: place, name: Place, weight: 0.2}
indicators:
  - {id: income, name: Income, column: income_score, parent: economic, direction: -1, weight: 0.5}
  - {id: employment, name: Employment, column: employment_score, parent: economic,
     direction: -1, weight: 0.5}
  - {id: education, name: Education, column: education_score, parent: people,
     direction: -1, weight: 0.5}
  - {id: health, name: Health, column: health_score, parent: people, direction: -1, weight: 0.5}
  - {id: crime, name: Crime, column: crime_score, parent: place, direction: -1, weight: 0.5}
  - {id: living_env, name: Living environment, column: environment_score, parent: place,
     direction: -1, weight: 0.5}
steps:
  normalise: {method: minmax, range: [0, 100]}
"""


def test_any_framework_with_domains_is_published_and_shown_at_every_level(client, index_run):
    build = measure.build(GROUPED, _test_table())
    service.publish(
        build,
        uncertainty=service.run_uncertainty(build, n=10, seed=2),
        source="test",
        published_by="test",
    )
    published = IndexRun.objects.get(framework="grouped")
    kinds = dict(published.nodes.values_list("node_id", "kind"))
    assert kinds == {"index": "index", "economic": "group", "people": "group", "place": "group",
                     "income": "indicator", "employment": "indicator", "education": "indicator",
                     "health": "indicator", "crime": "indicator", "living_env": "indicator"}
    with_interval = set(
        published.nodes.filter(has_uncertainty=True).values_list("node_id", flat=True)
    )
    assert with_interval == {"index", "economic", "people", "place"}

    people = client.get("/index/grouped/", {"node": "people"})
    assert people.status_code == 200
    page = html(people)
    assert "Map of People by decile" in page
    assert "1 (least resilient 10%)" in page and "10 (most resilient 10%)" in page
    assert "Rank, 90% interval" in page
    code = LIVE_POSTCODE_LSOA21
    assert path_class(svg_of(people), code, "grouped") == f"d{_decile('grouped', 'people', code)}"

    profile = html(client.get(f"/index/grouped/{code}/"))
    assert profile.count('class="rank-chart"') == 10
    assert profile.count('class="rank-interval"') == 4  # index and the three domains
    assert profile.count('<tr class="depth-2">') == 6
    assert "(1 = least resilient)" in profile
    rows = b"".join(client.get("/index/grouped/results.csv").streaming_content).decode()
    header = rows.splitlines()[0].split(",")
    assert "people_rank_p05" in header and "health_rank_p05" not in header
    nav = html(client.get("/index/"))
    assert '<a href="/index/grouped/">Grouped resilience' in nav


def _decile(framework: str, node: str, code: str) -> int:
    return IndexValue.objects.get(
        run__framework=framework, node__node_id=node, area_code=code
    ).decile


def test_profile_says_in_words_how_the_area_compares_with_the_averages(client, index_run):
    code = LIVE_POSTCODE_LSOA21
    index = IndexValue.objects.filter(node__node_id="index")
    score = index.get(area_code=code).score
    la_mean = statistics.fmean(index.filter(la_code=LIVERPOOL).values_list("score", flat=True))
    words = "more deprived than" if score > la_mean else "less deprived than"
    page = html(client.get(f"/index/imd2025/{code}/"))
    assert f"Index of Multiple Deprivation score {words} the Liverpool average" in page


def test_map_page_counts_each_authoritys_areas_by_decile_of_the_chosen_node(client, index_run):
    page = html(client.get("/index/imd2025/", {"node": "employment"}))
    section = page.split('id="la-summary-caption"')[1].split("</table>")[0]
    liverpool = section.split("<th scope=\"row\">Liverpool</th>")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="numeric">([\d.,]+)</td>', liverpool)
    counts = [int(c) for c in cells[:10]]
    values = IndexValue.objects.filter(node__node_id="employment", la_code=LIVERPOOL)
    assert counts == [values.filter(decile=d).count() for d in range(1, 11)]
    assert int(cells[10]) == 302
    mean = statistics.fmean(values.values_list("score", flat=True))
    assert cells[11] == f"{mean:.3f}"


def test_pages_say_how_the_index_was_built_step_by_step(client, index_run):
    page = html(client.get("/index/imd2025/"))
    assert "<strong>normalise</strong>: <code>{&quot;constant&quot;: 23" in page
    assert "<strong>aggregate</strong>" in page
    assert "spec_version: 1" in page  # the spec exactly as given
