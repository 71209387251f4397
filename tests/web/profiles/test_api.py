"""``/api/indicators/`` and ``/profiles/indicators/``: open data, every role may read them;
answers name their release."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.roles import Role
from rescomm.web.profiles import store

from ..ladder import Access, assert_ladder, case_id, cases

HALTON = "E06000006"
EVERYONE = ["anonymous", "signed_in", *Role.values, "token:signed_in"]
LADDER = [
    Access(url, dict.fromkeys(EVERYONE, 200))
    for url in ["/profiles/indicators/", "/api/indicators/", "/api/indicators/releases",
                f"/api/indicators/22401/values?area={HALTON}"]
]


@pytest.fixture
def loaded(excerpt_table):
    return store.load_table(excerpt_table, source="test excerpt").release


@pytest.mark.django_db
@pytest.mark.parametrize(("access", "role", "expected"), list(cases(LADDER)), ids=case_id)
def test_permission_ladder(access, role, expected, loaded):
    assert_ladder(access, role, expected)


@pytest.mark.django_db
def test_values_name_the_release_they_show(client, loaded):
    answer = client.get(f"/api/indicators/22401/values?area={HALTON}").json()
    assert answer["release"]["id"] == loaded.pk
    assert answer["release"]["content_hash"] == loaded.content_hash
    assert answer["indicator"]["polarity"] == "low_is_good"
    assert answer["count"] == 6
    periods = [v["period"] for v in answer["values"]]
    assert periods == sorted(periods) and periods[0] == "2018/19"
    assert answer["values"][0]["count"] == 605


@pytest.mark.django_db
def test_list_gives_each_indicator_its_current_release(client, loaded):
    answer = client.get("/api/indicators/").json()
    assert {i["id"]: i["release"] for i in answer} == {"22401": loaded.pk, "241": loaded.pk}
    releases = client.get("/api/indicators/releases").json()
    assert [r["id"] for r in releases] == [loaded.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("url,status,message", [
    ("/api/indicators/99999/values", 404, "There is no indicator '99999'"),
    ("/api/indicators/22401/values?release=999", 404, "There is no release 999"),
    ("/api/indicators/22401/values?area=not%20a%20code", 400, None),
])
def test_errors_have_the_one_error_shape(client, loaded, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    body = response.json()["error"]
    assert body["status"] == status
    if message:
        assert body["message"].startswith(message)


@pytest.mark.django_db
def test_the_page_lists_indicators_with_their_release_and_the_releases(client, loaded):
    page = client.get("/profiles/indicators/").content.decode()
    assert "Emergency hospital admissions due to falls aged 65 years and over" in page
    assert f'<a href="#release-{loaded.pk}">{loaded.pk}</a>' in page
    assert f'<tr id="release-{loaded.pk}">' in page
    assert loaded.content_hash[:12] in page and "high is bad" in page


@pytest.mark.django_db
def test_the_page_says_how_to_load_when_the_store_is_empty(client):
    page = client.get("/profiles/indicators/").content.decode()
    assert "Nothing has been loaded yet" in page
    assert client.post("/profiles/indicators/").status_code == 405
