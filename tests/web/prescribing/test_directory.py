"""Providers that run asset-map organisations: the links, their page and command, and onward
referrals sent straight from a suggested service."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rescomm.web.accounts.models import AuditEvent, Organisation
from rescomm.web.accounts.roles import OrganisationKind, Role
from rescomm.web.prescribing import directory, services
from rescomm.web.prescribing.errors import ReferralInvalid
from rescomm.web.prescribing.models import DirectoryLink, OnwardReferral

from .conftest import make_user
from .test_pathway import walk_to


@pytest.fixture
def manager(scheme):
    return make_user("rx-manager", scheme, Role.SERVICE_MANAGER)


def test_a_provider_is_linked_to_an_asset_map_organisation_and_it_is_audited(
        map_service, provider_org, manager):
    service = map_service("Tuesday walks")
    made = directory.link(manager, provider_org, service.organization_id)
    assert directory.provider_for_service(service) == provider_org
    assert AuditEvent.objects.filter(action="create", object_type="prescribing.directorylink",
                                     object_id=str(made.pk)).exists()
    assert directory.link(manager, provider_org, str(service.organization_id)) == made


def test_an_organisation_run_by_one_provider_cannot_be_taken_by_another(
        map_service, provider_org, manager):
    service = map_service("Tuesday walks")
    directory.link(manager, provider_org, service.organization_id)
    other = Organisation.objects.create(name="Another charity",
                                        kind=OrganisationKind.VOLUNTARY_ORGANISATION)
    with pytest.raises(ReferralInvalid) as caught:
        directory.link(manager, other, service.organization_id)
    assert "already run by A Walking Group" in caught.value.fields["organization"][0]
    assert DirectoryLink.objects.get().provider == provider_org


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "6f1c2b0e-6a3d-4b8a-9c57-2b1e8f4d9a10", ""])
def test_an_unknown_asset_map_organisation_is_refused_by_what_was_given(
        bad_id, provider_org, manager):
    with pytest.raises(ReferralInvalid) as caught:
        directory.link(manager, provider_org, bad_id)
    assert "No asset-map organisation with id" in caught.value.fields["organization"][0]


def test_only_voluntary_organisations_and_matching_demo_kinds_can_be_linked(
        map_service, practice, provider_org, manager):
    service = map_service("Tuesday walks")
    with pytest.raises(ReferralInvalid) as caught:
        directory.link(manager, practice, service.organization_id)
    assert "not a voluntary or community organisation" in caught.value.fields["provider"][0]
    demo = Organisation.objects.create(name="Demo charity (synthetic)", is_demo=True,
                                       kind=OrganisationKind.VOLUNTARY_ORGANISATION)
    with pytest.raises(ReferralInvalid) as caught:
        directory.link(manager, demo, service.organization_id)
    assert "demo (synthetic) provider" in caught.value.fields["organization"][0]
    example = map_service("Invented group", is_example=True)
    with pytest.raises(ReferralInvalid):
        directory.link(manager, provider_org, example.organization_id)
    assert directory.link(manager, demo, example.organization_id).provider == demo


def test_unlinking_keeps_the_onward_referrals_already_sent(
        map_service, provider_org, manager, make_referral, link_worker, client):
    service = map_service("Tuesday walks")
    directory.link(manager, provider_org, service.organization_id)
    referral = walk_to(make_referral(), link_worker, provider_org, "planned")
    client.force_login(link_worker)
    client.post(f"/prescribing/referrals/{referral.pk}/actions/connect/",
                {"version": referral.version, "service_id": str(service.pk)})
    assert directory.unlink(manager, provider_org, service.organization_id) is True
    assert directory.unlink(manager, provider_org, service.organization_id) is False
    assert OnwardReferral.objects.get().provider == provider_org


def test_the_link_worker_sends_an_onward_referral_from_a_suggestion(
        map_service, provider_org, manager, make_referral, link_worker, provider, client):
    service = map_service("Tuesday walks", needs=["loneliness", "physical_activity"])
    directory.link(manager, provider_org, service.organization_id)
    referral = walk_to(make_referral(), link_worker, provider_org, "planned")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    assert f'name="service_id" value="{service.pk}"' in page
    response = client.post(f"/prescribing/referrals/{referral.pk}/actions/connect/",
                           {"version": referral.version, "service_id": str(service.pk)})
    assert response.status_code == 302
    onward = OnwardReferral.objects.get(referral=referral)
    assert (onward.provider, onward.service, onward.service_name) == (
        provider_org, service, "Tuesday walks")
    assert services.Referral.objects.get(pk=referral.pk).status == "connected"
    client.force_login(provider)
    assert "Tuesday walks" in client.get("/prescribing/onward/").content.decode()


def test_a_service_that_takes_no_referrals_here_cannot_be_sent_one(
        map_service, provider_org, make_referral, link_worker, client):
    service = map_service("Library chat")  # its organisation is not linked to a provider
    referral = walk_to(make_referral(), link_worker, provider_org, "planned")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    assert f'name="service_id" value="{service.pk}"' not in page
    assert "Does not take referrals through rescomm" in page
    response = client.post(f"/prescribing/referrals/{referral.pk}/actions/connect/",
                           {"version": referral.version, "service_id": str(service.pk)})
    assert response.status_code == 400
    assert "Library chat does not take onward referrals through rescomm" in (
        response.content.decode())
    assert not OnwardReferral.objects.exists()
    assert services.Referral.objects.get(pk=referral.pk).status == "planned"
    response = client.post(f"/prescribing/referrals/{referral.pk}/actions/connect/",
                           {"version": referral.version, "service_id": "nonsense"})
    assert "no longer on the asset map" in response.content.decode()


def test_the_manager_links_and_unlinks_from_the_providers_page(
        map_service, provider_org, manager, client):
    service = map_service("Tuesday walks")
    client.force_login(manager)
    page = client.get("/prescribing/providers/?q=tuesday").content.decode()
    assert "Tuesday walks Trust" in page and "A Walking Group" in page
    response = client.post("/prescribing/providers/link/", {
        "provider": provider_org.pk, "organization": str(service.organization_id)})
    assert response.status_code == 302
    assert "Tuesday walks Trust" in client.get("/prescribing/providers/").content.decode()
    refused = client.post("/prescribing/providers/link/", {
        "provider": "", "organization": str(service.organization_id), "q": "tuesday"})
    assert refused.status_code == 400 and "Choose the provider" in refused.content.decode()
    client.post("/prescribing/providers/unlink/", {
        "provider": provider_org.pk, "organization": str(service.organization_id)})
    assert not DirectoryLink.objects.exists()


def test_the_command_links_a_provider_and_says_what_was_wrong(
        map_service, provider_org, settings):
    from rescomm.cli import cli

    service = map_service("Tuesday walks")
    runner = CliRunner()
    ok = runner.invoke(cli, ["referrals", "link-provider", "--provider", str(provider_org.pk),
                             "--organization", str(service.organization_id)])
    assert ok.exit_code == 0, ok.output
    assert "A Walking Group now runs Tuesday walks Trust" in ok.output
    bad = runner.invoke(cli, ["referrals", "link-provider", "--provider", str(provider_org.pk),
                              "--organization", "nope"])
    # one line, status 2, as every error a user can fix (README); it said "Error: ..." with 1
    assert bad.exit_code == 2
    assert bad.output.startswith("rescomm: error: No asset-map organisation with id 'nope'")
    assert bad.output.count("\n") == 1
    gone = runner.invoke(cli, ["referrals", "link-provider", "--provider", str(provider_org.pk),
                               "--organization", str(service.organization_id), "--remove"])
    assert "removed the link" in gone.output
