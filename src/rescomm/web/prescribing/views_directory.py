"""``/prescribing/providers/``: service managers and administrators say which provider runs
which organisation of the community asset map (:mod:`.directory`), so link workers can send
onward referrals straight from a suggested service. Server-rendered, no JavaScript needed."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from rescomm.web.accounts.public import Organisation, OrganisationKind, Role, role_required

from . import directory
from .errors import ReferralInvalid
from .models import DirectoryLink
from .views import _summary

#: How many asset-map organisations a search shows.
SEARCH_LIMIT = 20


def _providers(user):
    """Providers a manager may link: voluntary organisations, demo ones for demo users."""
    return Organisation.objects.filter(kind=OrganisationKind.VOLUNTARY_ORGANISATION,
                                       is_demo=user.is_demo)


def _search(user, query: str):
    """Asset-map organisations whose name contains ``query``: example (synthetic) entries for
    demo users, real ones otherwise; with their number of services."""
    from django.db.models import prefetch_related_objects

    from rescomm.web.assets import public

    found = public.search_organizations(query, examples=user.is_demo, limit=SEARCH_LIMIT)
    prefetch_related_objects(found, "provider_link__provider")  # who runs each (ours)
    return found


def _page(request: HttpRequest, *, errors=None, status: int = 200) -> HttpResponse:
    errors = errors or {}
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    return render(request, "prescribing/providers.html", {
        "links": DirectoryLink.objects.filter(provider__in=_providers(request.user))
        .select_related("provider", "organization")
        .annotate(n_services=Count("organization__services")),
        "providers": _providers(request.user),
        "query": query,
        "found": _search(request.user, query) if query else None,
        "errors": errors,
        "error_summary": _summary(errors, ("provider", "organization")),
    }, status=status)


@never_cache
@require_safe
@role_required(Role.SERVICE_MANAGER, Role.ADMINISTRATOR)
def providers_page(request: HttpRequest) -> HttpResponse:
    """The links, and a search of the asset map's organisations to link."""
    return _page(request)


def _provider(request: HttpRequest) -> Organisation | None:
    raw = request.POST.get("provider", "")
    return _providers(request.user).filter(pk=raw if raw.isdigit() else None).first()


def _change(request: HttpRequest, make: bool) -> HttpResponse:
    provider = _provider(request)
    try:
        if provider is None:
            raise ReferralInvalid({"provider": ["Choose the provider that runs it."]})
        change = directory.link if make else directory.unlink
        change(request, provider, request.POST.get("organization", ""))
    except ReferralInvalid as exc:
        return _page(request, errors=exc.fields, status=400)
    return redirect("prescribing:providers")


@never_cache
@require_POST
@role_required(Role.SERVICE_MANAGER, Role.ADMINISTRATOR)
def provider_link(request: HttpRequest) -> HttpResponse:
    """``POST /prescribing/providers/link/``: ``provider`` runs asset-map ``organization``."""
    return _change(request, make=True)


@never_cache
@require_POST
@role_required(Role.SERVICE_MANAGER, Role.ADMINISTRATOR)
def provider_unlink(request: HttpRequest) -> HttpResponse:
    """``POST /prescribing/providers/unlink/``: remove a link (sent referrals are kept)."""
    return _change(request, make=False)
