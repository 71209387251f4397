"""Who may use each asset URL (the table in src/rescomm/web/assets/README.md), as a ladder:
public pages and the open API answer everyone; history and revert are for moderators only."""

from __future__ import annotations

import pytest
from tests.web.ladder import ROLES, Access, assert_ladder, restricted

from rescomm.web.accounts.roles import Role

#: URL templates: ``{id}`` is a published asset, ``{sal}`` its service-at-location, ``{org}`` an
#: organisation with a published asset, ``{tax}`` a taxonomy, ``{term}`` a term.
PUBLIC_PAGES = ["/assets/", "/assets/freshness/", "/assets/coverage/?area=E06000006",
                "/assets/?postcode=L1+8JQ&radius=1000", "/assets/{id}/", "/assets/suggest/",
                "/assets/{id}/suggest/"]
OPEN_API = ["/api/oruk/", "/api/oruk/services", "/api/oruk/services/{id}",
            "/api/oruk/service_at_locations",
            "/api/oruk/service_at_locations?postcode=L1+8JQ&proximity=1000",
            "/api/oruk/service_at_locations/{sal}", "/api/oruk/organizations",
            "/api/oruk/organizations/{org}", "/api/oruk/taxonomies", "/api/oruk/taxonomies/{tax}",
            "/api/oruk/taxonomy_terms", "/api/oruk/taxonomy_terms/{term}"]
EVERYONE = ["anonymous", "signed_in", *Role.values, "token:contributor"]


def ids() -> dict[str, str]:
    from rescomm.web.assets.models import Service, Taxonomy, TaxonomyTerm

    service = Service.objects.filter(asset_status="published", organization__isnull=False,
                                     source_id__startswith="ods:").first()
    return {"id": service.id, "sal": service.service_at_locations.get().id,
            "org": service.organization_id, "tax": Taxonomy.objects.first().id,
            "term": TaxonomyTerm.objects.first().id}


@pytest.mark.parametrize("url", PUBLIC_PAGES + OPEN_API)
@pytest.mark.parametrize("role_name", EVERYONE)
def test_public_pages_and_the_open_api_answer_everyone(db, url, role_name):
    assert_ladder(Access(url.format(**ids()), {role_name: 200}), role_name, 200)


def suggestion_id() -> str:
    from rescomm.web.assets.models import Suggestion

    return Suggestion.objects.create(proposed={"name": "Ladder club"}).id


def report_id() -> int:
    from rescomm.web.assets.models import ProblemReport, Service

    return ProblemReport.objects.create(service=Service.objects.get(id=ids()["id"]),
                                        kind="other", details="Ladder").id


@pytest.mark.parametrize("url", ["/assets/{id}/history/", "/assets/moderation/",
                                 "/assets/moderation/{sid}/", "/assets/moderation/reports/{rid}/"])
def test_history_and_moderation_are_for_moderators_only(db, url):
    access = restricted(url.format(**ids(), sid=suggestion_id(), rid=report_id()),
                        (Role.MODERATOR,))
    for role_name, status in access.expected.items():
        assert role_name in ROLES
        assert_ladder(access, role_name, status)


def test_revert_is_for_moderators_only(db):
    access = restricted("/assets/{id}/history/1/revert/".format(**ids()), (Role.MODERATOR,),
                        method="post", ok=302)
    for role_name, status in access.expected.items():
        assert_ladder(access, role_name, status)


def test_report_a_problem_is_open_to_everyone_with_csrf(db):
    from django.core.cache import cache
    from django.test import Client

    cache.clear()  # the per-IP report limit
    url = "/assets/{id}/report/".format(**ids())
    assert Client().post(url, {"kind": "other", "details": "x"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"kind": "other", "details": "x"}).status_code == 403
    assert Client().get(url).status_code == 405


@pytest.mark.parametrize("role_name", EVERYONE)
def test_the_still_correct_link_works_for_whoever_holds_it(db, role_name):
    from rescomm.web.assets.models import Service
    from rescomm.web.assets.services import confirm_token

    service = Service.objects.get(id=ids()["id"])
    url = f"/assets/{service.id}/still-correct/{confirm_token(service)}/"
    assert_ladder(Access(url, {role_name: 200}), role_name, 200)


def test_your_suggestions_is_for_anyone_signed_in(db):
    access = restricted("/assets/suggestions/mine/", None)
    for role_name, status in access.expected.items():
        assert_ladder(access, role_name, status)


def test_deciding_a_problem_report_is_for_moderators_only(db):
    from rescomm.web.assets.models import ProblemReport

    rid = report_id()
    access = restricted(f"/assets/moderation/reports/{rid}/", (Role.MODERATOR,), method="post",
                        ok=400)  # a moderator's empty form: 400, nothing decided
    for role_name, status in access.expected.items():
        assert_ladder(access, role_name, status)
    assert ProblemReport.objects.get(id=rid).status == "open"


@pytest.mark.parametrize("role_name", ["anonymous", "signed_in", *Role.values])
def test_a_suggestion_confirmation_opens_only_in_the_browser_that_sent_it(db, role_name):
    """The confirmation page is bound to the sender's session: everyone else, whatever their
    role (moderators too: they have the queue), gets 404; the sender, signed in as that role
    or not, gets 200."""
    from django.core.cache import cache
    from django.test import Client

    from rescomm.web.assets.models import Suggestion

    cache.clear()
    sender = ROLES[role_name](Client())
    response = sender.post("/assets/suggest/", {"name": "Ladder club", "asset_kind": "group"})
    assert response.status_code == 302, response.content
    url = f"/assets/suggest/sent/{Suggestion.objects.get().id}/"
    assert sender.get(url).status_code == 200
    for other in ["anonymous", "signed_in", *Role.values]:
        assert_ladder(Access(url, {other: 404}), other, 404)
