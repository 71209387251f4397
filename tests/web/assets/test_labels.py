"""People read labels from the taxonomy file, never codes: "GP practice", not "Gppractice"."""

from __future__ import annotations

import json
import re

import pytest

from rescomm.web.assets import labels


@pytest.mark.parametrize(("code", "label"), [
    ("gp_practice", "GP practice"),
    ("green_space", "Green space"),
    ("walking_group", "Walking group"),
    ("library", "Library"),
    ("school", "School"),
    ("community_centre", "Community centre"),
])
def test_category_labels_come_from_the_taxonomy_file(code, label):
    assert labels.category_label(code) == label


def test_every_category_the_project_ships_has_a_label_in_the_taxonomy_file():
    from rescomm.data import CATEGORIES

    shipped = set(CATEGORIES) | {"walking_group"}  # the social prescribing demo's example
    assert shipped <= set(labels.known_categories())


def test_a_category_the_file_does_not_list_reads_as_words():
    assert labels.category_label("craft_group") == "Craft group"
    assert labels.category_label("men-s_shed") == "Men s shed"
    assert labels.category_label("") == ""


def test_coverage_groups_are_named_by_their_labels():
    assert labels.coverage_group_label("gp_practice") == "GP practice"
    assert labels.coverage_group_label("natural") == "Natural capital"
    assert labels.coverage_group_label("need:low_mood") == "Low mood, anxiety and stress"
    assert labels.coverage_group_label("any") == "Any asset"


def test_the_list_filters_and_results_show_category_labels(client, db):
    response = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "2000"})
    assert response.status_code == 200
    html = response.content.decode()
    options = dict(response.context["form"].fields["category"].choices)
    assert options["gp_practice"] == "GP practice"
    assert options["green_space"] == "Green space"
    assert '<option value="gp_practice">GP practice</option>' in html
    assert re.search(r"GP practice\s+&middot; \d+ metres away", html)
    for slug_word in ("Gppractice", "Greenspace", "Walkinggroup"):
        assert slug_word not in html


def test_map_markers_carry_the_category_label(client, db):
    response = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "1000"})
    markers = response.context["markers"]
    labels = response.context["map_config"]["categories"]
    assert {labels[m["category"]] for m in markers} >= {"GP practice", "School"}


def test_the_asset_page_shows_the_category_label(client, db):
    from rescomm.web.assets.models import Service

    gp = Service.objects.filter(category="gp_practice", asset_status="published").first()
    response = client.get(f"/assets/{gp.id}/")
    assert "<dd>GP practice (place)</dd>" in response.content.decode()


def test_a_walking_group_reads_walking_group(client, make_asset):
    walk = make_asset("t:walk", name="Sefton Park Walkers", category="walking_group")
    html = client.get(f"/assets/{walk.id}/").content.decode()
    assert "Walking group" in html and "Walkinggroup" not in html
    html = client.get("/assets/", {"q": "Sefton Park Walkers"}).content.decode()
    assert "Walking group" in html


def test_freshness_and_coverage_tables_use_labels(client, db):
    freshness = client.get("/assets/freshness/")
    assert "GP practice" in {r["label"] for r in freshness.context["by_category"]}
    coverage = client.get("/assets/coverage/", {"area": "E06000006"})
    groups = {r["group"] for r in coverage.context["rows"]}
    assert {"GP practice", "Green space", "Natural capital", "Any asset"} <= groups


def test_the_taxonomy_file_keeps_categories_out_of_the_published_taxonomies():
    from rescomm.web.assets.services import TAXONOMY_FILE

    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    assert [t["code"] for t in data["taxonomies"]] == ["community_capitals",
                                                       "social_prescribing_needs"]
    codes = [c["code"] for c in data["categories"]]
    assert len(codes) == len(set(codes))
