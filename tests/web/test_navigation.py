"""The navigation shows only what a role can open: every link in the header, for every role
(anonymous, signed in without a role, each account role), opens with 200 (following the
redirect of ``/prescribing/`` to the role's own page)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from .ladder import ACCOUNT_ROLES, ROLES

NAV = re.compile(r'<nav class="header__nav" aria-label="Main">(.*?)</nav>', re.S)
SESSION_ROLES = ["anonymous", "signed_in", *ACCOUNT_ROLES]


def nav_links(client: Client) -> list[str]:
    page = client.get("/about/data/").content.decode()
    return re.findall(r'<a href="([^"]+)"', NAV.search(page).group(1))


@pytest.mark.django_db
@pytest.mark.parametrize("role", SESSION_ROLES)
def test_every_navigation_link_opens_for_the_role_that_sees_it(role):
    client = ROLES[role](Client())
    links = nav_links(client)
    assert links, "the header has links"
    for url in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url} as {role}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [
    ("anonymous", False), ("signed_in", False), ("administrator", False),
    ("moderator", False), ("contributor", False), ("referrer", True), ("link_worker", True),
    ("provider_staff", True), ("service_manager", True), ("commissioner", True)])
def test_social_prescribing_is_in_the_navigation_only_for_its_roles(role, shown):
    assert ("/prescribing/" in nav_links(ROLES[role](Client()))) is shown


@pytest.mark.django_db
@pytest.mark.parametrize("role", SESSION_ROLES)
def test_the_moderation_link_is_only_for_moderators_and_shows_the_queue_count(role):
    from rescomm.web.assets.models import ProblemReport, Service, Suggestion

    Suggestion.objects.create(proposed={"name": "Waiting"})
    Suggestion.objects.create(proposed={"name": "Decided"}, status="rejected")
    service = Service.objects.create(name="Reported", asset_status="published")
    ProblemReport.objects.create(service=service, kind="other", details="x")
    ProblemReport.objects.create(service=service, kind="other", details="y", status="resolved")
    client = ROLES[role](Client())
    assert ("/assets/moderation/" in nav_links(client)) is (role == "moderator")
    if role == "moderator":
        nav = NAV.search(client.get("/about/data/").content.decode()).group(1)
        assert re.search(r'Moderation <span class="header__count">2<span '
                         r'class="visually-hidden"> waiting</span>', nav)
