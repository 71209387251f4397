"""Postcode search: redirect to the LSOA page, or re-render the form with a GOV.UK-style error."""

from __future__ import annotations

import pytest

from ..factories import (
    HOSTILE,
    LIVE_POSTCODE,
    LIVE_POSTCODE_LSOA21,
    NOT_LOADED_POSTCODE,
    TERMINATED_POSTCODE,
    UNKNOWN_POSTCODE,
)

pytestmark = pytest.mark.django_db


def test_a_live_postcode_redirects_to_its_lsoa_page(client):
    response = client.get("/search/", {"postcode": " l18jq "})
    assert response.status_code == 302
    assert response["Location"] == f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/?postcode=L1+8JQ"


def test_the_search_page_without_a_postcode_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'autocomplete="postal-code"' in response.content.decode()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode, like L1 8JQ"),
        ("12345", "“12345” is not a valid UK postcode. Enter a full postcode, like L1 8JQ"),
        (UNKNOWN_POSTCODE, f"We could not find the postcode {UNKNOWN_POSTCODE}."),
        (TERMINATED_POSTCODE, f"The postcode {TERMINATED_POSTCODE} is no longer in use"),
        (NOT_LOADED_POSTCODE, f"The postcode {NOT_LOADED_POSTCODE} is outside the areas loaded"),
        ("X" * 41, "Postcode must be 40 characters or fewer"),
    ],
)
def test_a_bad_postcode_re_renders_the_form_with_an_error_summary(client, postcode, message):
    response = client.get("/search/", {"postcode": postcode})
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Find an area by postcode" in page
    assert 'class="error-summary"' in page
    assert "There is a problem" in page
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#id_postcode">' in summary
    assert message in summary
    field = page.split('class="form-group form-group--error"')[1]
    assert 'id="id_postcode-error"' in field
    assert message in field
    assert 'aria-describedby="id_postcode-hint id_postcode-error"' in field


def test_terminated_postcode_error_says_when(client):
    page = client.get("/search/", {"postcode": TERMINATED_POSTCODE}).content.decode()
    assert "terminated in 06/2020" in page


def test_hostile_input_is_escaped_everywhere_it_is_echoed(client):
    response = client.get("/search/", {"postcode": HOSTILE})
    assert response.status_code == 400
    page = response.content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_hostile_input_in_other_parameters_is_not_reflected_raw(client):
    page = client.get(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/", {"postcode": HOSTILE})
    assert HOSTILE not in page.content.decode()
    table = client.get("/areas/lsoa21/", {"q": HOSTILE, "lad": HOSTILE}).content.decode()
    assert HOSTILE not in table
    api = client.get(f"/api/postcodes/{HOSTILE}")
    assert api["Content-Type"].startswith("application/json")


def test_the_home_page_form_submits_to_the_search_by_get(client):
    page = client.get("/").content.decode()
    assert '<form action="/search/" method="get"' in page
    assert f"for example {LIVE_POSTCODE}" in page


def test_hostile_area_code_in_the_url_is_escaped_on_the_404_page(client):
    response = client.get("/areas/lsoa21/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<img" not in page.lower()
    assert "&lt;IMG SRC=X ONERROR=ALERT(1)&gt;" in page
