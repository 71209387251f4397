"""``/profiles/`` and ``/profiles/<profile>/la/<code>/``: public pages on the real extract,
the spine chart's numbers, the CSV and SVG downloads, and 404s for unknown input."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from rescomm.web.accounts.roles import Role
from rescomm.web.profiles import store

from ..ladder import Access, assert_ladder, case_id, cases

LIVERPOOL = "E08000012"
PAGE = f"/profiles/health-and-wellbeing/la/{LIVERPOOL}/"
EVERYONE = ["anonymous", "signed_in", *Role.values, "token:signed_in"]
LADDER = [Access(url, dict.fromkeys(EVERYONE, 200))
          for url in ["/profiles/", PAGE, PAGE + "spine.csv", PAGE + "spine.svg"]]


@pytest.fixture
def loaded(profile_table):
    return store.load_table(profile_table, source="test: bundled FingertipsNext extract").release


@pytest.mark.django_db
@pytest.mark.parametrize(("access", "role", "expected"), list(cases(LADDER)), ids=case_id)
def test_permission_ladder(access, role, expected, loaded):
    assert_ladder(access, role, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "message"), [
    ("/profiles/no-such-profile/la/E08000012/", "There is no profile"),
    ("/profiles/health-and-wellbeing/lsoa/E08000012/", "not available for area type"),
    ("/profiles/health-and-wellbeing/la/E09999999/", "no local authority"),
    ("/profiles/health-and-wellbeing/la/E92000001/", "no local authority"),  # England
    ("/profiles/health-and-wellbeing/la/E09999999/spine.csv", "no local authority"),
    ("/profiles/no-such-profile/la/E08000012/spine.svg", "There is no profile"),
])
def test_unknown_profile_area_type_or_area_is_404(client, loaded, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()


@pytest.mark.django_db
def test_list_links_every_profile_for_each_authority(client, loaded):
    html = client.get("/profiles/").content.decode()
    assert "Health and wellbeing" in html and "Older people" in html
    assert html.count('href="/profiles/health-and-wellbeing/la/') == 9
    assert f'href="{PAGE}"' in html


@pytest.mark.django_db
def test_page_shows_the_release_and_benchmarks_against_england(client, loaded):
    html = client.get(PAGE).content.decode()
    assert f"Release {loaded.pk}" in html and loaded.content_hash[:12] in html
    assert "Health and wellbeing: Liverpool" in html
    # the caption says which areas the bars summarise: the nine C&M authorities, not England's
    assert "the 9 local authorities in the data" in html
    assert "not all English local authorities" in html and "Wirral" in html
    assert 'href="spine.csv"' in html or PAGE + "spine.csv" in html


@pytest.mark.django_db
def test_csv_has_the_table_and_matches_a_hand_check(client, loaded):
    response = client.get(PAGE + "spine.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = {r["indicator_id"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    # Physically inactive adults 19+ (93015), 2022, polarity low is good (from the extract's
    # trend wording): Liverpool 23.04227 (21.1951-24.9588), England 22.5966, inside the
    # interval, so similar; the nine authorities run from 29.01515 (worst) to 19.04034 (best)
    inactive = rows["93015"]
    assert inactive["period"] == "2022" and inactive["age"] == "19+ yrs"
    assert float(inactive["value"]) == pytest.approx(23.04227)
    assert float(inactive["england"]) == pytest.approx(22.5966)
    assert inactive["significance_95"] == "similar"
    assert float(inactive["worst_or_lowest"]) == pytest.approx(29.01515)
    assert float(inactive["best_or_highest"]) == pytest.approx(19.04034)
    assert inactive["comparison_areas"] == "9"
    # Children in absolute low income families (93701) 2022/23: 24.8 (24.38-25.2) against
    # England 15.6, low is good: worse, and the worst of the nine
    low_income = rows["93701"]
    assert low_income["significance_95"] == "worse"
    assert float(low_income["worst_or_lowest"]) == pytest.approx(24.8)
    # IMD 2019 score has no confidence interval: not compared
    assert rows["93553"]["significance_95"] == "not compared"
    assert rows["93553"]["lower_95"] == ""


@pytest.mark.django_db
def test_svg_download_is_a_standalone_accessible_svg(client, loaded):
    response = client.get(PAGE + "spine.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Health and wellbeing: Liverpool compared with England"
    desc = root.find(f"{ns}desc").text
    assert "Physically inactive in adults aged 19 years and over (2022)" in desc
    assert f"release {loaded.pk}" in " ".join(t.text or "" for t in root.iter(f"{ns}text"))


@pytest.mark.django_db
def test_each_row_svg_has_title_and_desc(client, loaded):
    html = client.get(PAGE).content.decode()
    assert html.count('role="img"') == html.count("<desc id=") >= 10
    assert "Liverpool 23.0, similar to England; England 22.6; worst 29.0" in html


@pytest.mark.django_db
def test_the_lsoa_page_links_to_its_authoritys_profiles(client, loaded):
    from rescomm.web.areas import public as geography

    lsoa = next(code for code in geography.lsoa_names() if code.startswith("E01"))
    la = geography.get_lsoa(lsoa).local_authority
    html = client.get(f"/areas/lsoa21/{lsoa}/").content.decode()
    assert f'href="/profiles/health-and-wellbeing/la/{la.code}/"' in html
    assert f'href="/profiles/older-people/la/{la.code}/"' in html
