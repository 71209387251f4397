"""The crawl: the whole bundled demo, every URL, every role, every command in the README.

``rescomm load-demo`` (every asset, area and published index of the nine Cheshire & Merseyside
local authorities), the demo accounts and the synthetic demo referrals are loaded once for this
module, inside an outer transaction that is rolled back at the end (so the rest of the suite
keeps its Halton and Liverpool subset). Then:

- every URL pattern the resolver knows (through every ``include``, the JSON API's too) is
  requested with real ids, codes and tokens from that data (:data:`PARAMETERS`; a pattern with a
  parameter nobody knows how to fill fails :func:`test_every_url_parameter_can_be_filled`, so a
  new page cannot silently escape the crawl), plus the query strings in :data:`QUERIES` that
  reach the expensive paths (a postcode search, a local authority's coverage, ...);
- as anonymous and as each demo account (``accounts.demo.DEMO_USERS``), GET, then POST with an
  empty body (the test client does not enforce CSRF, so the view itself answers); the API also
  with each account's Bearer token where it reads personal data;
- every request runs in a savepoint that is rolled back, so each one sees the demo as loaded
  (a POST cannot change what a later request sees);
- no answer may be a 5xx, carry a traceback, or have a status outside :data:`EXPECTED`; every
  page must answer someone with a 2xx or 3xx (so a wrong id cannot pass as a harmless 404),
  except the POST-only actions in :data:`POST_ONLY`.

:func:`test_every_readme_command_runs_on_the_full_demo` then runs every command of the README's
command table in process (``rescomm.cli.cli``, on the same database) and checks its exit code
and that no traceback is printed.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rescomm.data import CM_LOCAL_AUTHORITIES

REPO = Path(__file__).resolve().parents[2]

#: Every test of the module is a ``db`` test, even those that only read the crawl's answers:
#: pytest-django runs ``db`` tests before the others, and a module split across the two groups
#: would load the whole demo twice.
pytestmark = pytest.mark.django_db

#: Statuses a request may get (anything else, in particular any 5xx, fails the crawl).
EXPECTED = {200, 301, 302, 303, 400, 401, 403, 404, 405, 409, 410, 422, 429}

#: URLs that only take a POST (a GET answers 405): instead of a GET, someone's empty POST must
#: reach the view (an answer other than 403, 404 or 405).
POST_ONLY = {
    "accounts:logout", "accounts:two-factor-reset", "assets:revert", "assets:report",
    "prescribing:referral-action", "prescribing:provider-link", "prescribing:provider-unlink",
    "prescribing:onward-start", "prescribing:onward-respond", "prescribing:capacity",
    "api:referral_create",
}

#: URLs nobody reaches in the demo, and why.
UNREACHABLE = {
    "accounts:sso-login": "single sign-on is not configured in the demo (docs/accounts.md)",
    "accounts:sso-callback": "single sign-on is not configured in the demo (docs/accounts.md)",
    "api:api-root": "django-ninja's root answers 404 (it only names the API's base path)",
    "assets:suggestion-sent": "the confirmation opens only in the browser session that sent the "
                              "suggestion, 404 for every other (tests/web/assets/"
                              "test_moderation_flow.py, test_browser_moderation.py)",
}

#: Every role requests every URL pattern, GET and POST. The expansions of the pages that show
#: public data (every index framework, the query strings in :data:`QUERIES`) are requested as
#: these roles only (they do not depend on who asks, and they are the slow part of the crawl);
#: for personal data (``/prescribing/``, ``/accounts/``, ``/api/referrals``) every role
#: requests every expansion.
EXPANDING_ROLES = {"anonymous", "demo-admin"}
PERSONAL = ("/prescribing/", "/accounts/", "/api/referrals", "/api/accounts")

#: Where a GET with a query string reaches code that a bare GET does not.
QUERIES: dict[str, list[dict[str, str]]] = {
    "insight:search": [{"postcode": "L1 8JQ"}, {"postcode": "not a postcode"}],
    "insight:lsoa21-list": [{"page": "2"}, {"lad": "E06000006"}],
    "insight:lsoa21-detail": [{"postcode": "L1 8JQ"}],
    "insight:index-framework": [{"node": "income"}, {"page": "3"}],
    "assets:list": [
        {"postcode": "L1 8JQ", "radius": "1600"},
        {"q": "library"},
        {"place": "Runcorn"},
        {"open_now": "on", "page": "2"},
        {"category": "gp_practice", "need": "loneliness"},
    ],
    "assets:basemap": [{"bbox": "-3.1,53.3,-2.8,53.5"}],
    "assets:coverage": [{"area": code} for code in sorted(CM_LOCAL_AUTHORITIES)],
    "accounts:people": [{"q": "demo"}],
    "prescribing:dashboard": [{"period": "quarter"}, {"period": "year"}],
    "prescribing:dashboard-csv": [{"period": "quarter"}],
    "prescribing:providers": [{"q": "walking"}],
    "prescribing:referral-detail": [{"radius": "1600", "days": "mo", "parts": "morning"},
                                    {"section": "events", "page": "2"}],
    "prescribing:my-referrals": [{"section": "open", "page": "2"}],
    "api:services": [{"page": "2", "per_page": "100"}, {"search": "library"},
                           {"taxonomy_term_id": "gp_practice"}],
    "api:service_at_locations": [{"postcode": "L1 8JQ", "proximity": "1000"},
                                       {"lat": "53.4", "long": "-2.98", "proximity": "5000"}],
    "api:organizations": [{"search": "school", "page": "2"}],
    "api:index_results": [{"page": "2"}],
    "api:index_deciles": [{"node": "income"}],
    "api:lsoa21_geojson": [{"lad": "E08000012"}],
}


@dataclass
class Demo:
    """What the crawl needs from the loaded demo: path parameters and the accounts."""

    values: dict[str, list[str]]
    #: (url name, parameter) -> values, where a parameter's name means different things
    by_url: dict[tuple[str, str], list[str]]
    users: dict[str, object]
    tokens: dict[str, str] = field(default_factory=dict)


def _url_name(namespace: str, pattern: URLPattern) -> str:
    return f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def url_patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """(route, namespaced name, pattern) for every URL the resolver knows, through includes."""

    def walk(patterns, prefix: str, namespace: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                joined = ":".join(n for n in (namespace, inner) if n)
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), joined)
            else:
                yield prefix + str(entry.pattern), _url_name(namespace, entry), entry

    yield from walk(get_resolver().url_patterns, "", "")


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def parameters(route: str) -> list[str]:
    return [m.group("name") for m in _PARAMETER.finditer(route)]


#: Parameter name -> how to get real values from the loaded demo (:func:`_demo_values`).
#: ``(url name, parameter)`` entries in :data:`BY_URL` win over these.
PARAMETER_NAMES = {
    "code", "postcode", "referral_id", "service_id", "sal_id", "organization_id", "taxonomy_id",
    "term_id", "framework", "pk", "uidb64", "token", "action", "instrument", "agreement_id",
    "public_id", "asset_id", "number", "indicator_id", "report_id",
    "profile", "area_type",
}
BY_URL = {("assets:still-correct", "token"), ("assets:moderation-detail", "suggestion_id"),
          ("assets:suggestion-sent", "suggestion_id"),
          *((f"profiles:{page}", "code") for page in ("area", "area-csv", "area-svg"))}


def test_every_url_parameter_can_be_filled():
    """A new URL whose parameter the crawl cannot fill fails here, by name: add the parameter
    to :data:`PARAMETER_NAMES` and :func:`_demo_values` (a real value from the demo)."""
    routes = list(url_patterns())
    assert len(routes) > 80
    unknown = sorted(
        f"{name} ({route}): <{param}>"
        for route, name, _ in routes
        for param in parameters(route)
        if param not in PARAMETER_NAMES and (name, param) not in BY_URL
    )
    assert not unknown, "the crawl cannot fill these URL parameters: " + "; ".join(unknown)
    names = {name for _, name, _ in routes}
    stale = sorted(set(QUERIES) - names) + sorted((POST_ONLY | set(UNREACHABLE)) - names)
    assert not stale, f"these URL names no longer exist: {stale}"


def _demo_values() -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]]]:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from rescomm.data import CM_LOCAL_AUTHORITIES
    from rescomm.indicators import load_profiles
    from rescomm.web.accounts.invitations import invite_tokens
    from rescomm.web.accounts.models import User
    from rescomm.web.assets.models import (
        AssetStatus,
        Organization,
        ProblemReport,
        Service,
        ServiceAtLocation,
        Suggestion,
        Taxonomy,
        TaxonomyTerm,
    )
    from rescomm.web.assets.services import confirm_token
    from rescomm.web.insight.models import IndexRun
    from rescomm.web.prescribing.models import (
        Instrument,
        OnwardReferral,
        Referral,
        ServiceAgreement,
    )
    from rescomm.web.prescribing.pathway import ACTIONS

    service = (Service.objects.filter(asset_status=AssetStatus.PUBLISHED)
               .order_by("name", "id").first())
    located = ServiceAtLocation.objects.filter(service=service).first()
    # the referrals furthest along and just received (different pages and actions apply)
    demo_referrals = Referral.objects.filter(is_synthetic=True)
    referrals = [str(demo_referrals.filter(status=status).order_by("created_at").first().id)
                 for status in ("received", "follow_up")]
    invited = User.objects.get(username="demo-gp")
    values = {
        "code": ["E01006412"],  # Liverpool (the README's example)
        "postcode": ["L18JQ"],
        "referral_id": referrals,
        "service_id": [str(service.id)],
        "sal_id": [str(located.id)],
        "organization_id": [str(service.organization_id or Organization.objects.first().id)],
        "taxonomy_id": [str(Taxonomy.objects.order_by("id").first().id)],
        "term_id": [str(TaxonomyTerm.objects.order_by("id").first().id)],
        "framework": sorted(IndexRun.objects.values_list("framework", flat=True)),
        "pk": [str(invited.pk)],
        "uidb64": [urlsafe_base64_encode(force_bytes(invited.pk))],
        "token": [invite_tokens.make_token(invited)],
        "action": sorted(ACTIONS),
        "instrument": list(Instrument.values),
        "agreement_id": [str(ServiceAgreement.objects.order_by("id").first().id)],
        "public_id": [str(OnwardReferral.objects.order_by("id").first().public_id)],
        "asset_id": [str(service.id)],
        "number": [str(service.versions.order_by("number").first().number)],
        # an indicator of each bundled release the demo loads (Fingertips, ELS, population)
        "indicator_id": _indicator_ids(),
        "report_id": [str(r.id) for r in ProblemReport.objects.order_by("id")],
        "profile": sorted(load_profiles()),
        "area_type": ["la"],
    }
    by_url = {
        ("assets:still-correct", "token"): [confirm_token(service)],
        ("assets:moderation-detail", "suggestion_id"): [
            str(s.id) for s in Suggestion.objects.order_by("created_at")],
        ("assets:suggestion-sent", "suggestion_id"): [
            str(Suggestion.objects.order_by("created_at").first().id)],
        # the profile pages are for local authorities: Halton first, then the other eight
        **{(f"profiles:{page}", "code"): sorted(CM_LOCAL_AUTHORITIES)
           for page in ("area", "area-csv", "area-svg")},
    }
    return values, by_url


def _indicator_ids() -> list[str]:
    from rescomm.web.profiles.models import Indicator

    ids = []
    for release in Indicator.objects.values_list("current_release", flat=True).distinct():
        ids.append(Indicator.objects.filter(current_release=release).order_by("indicator_id")
                   .values_list("indicator_id", flat=True).first())
    assert len(ids) >= 3, "load-demo loads three indicator releases"
    return sorted(ids)


def _suggestions() -> None:
    """Two suggestions waiting for moderation, as the public makes them (the demo has none): a
    new asset with a free-text category, and an edit of a published one."""
    from rescomm.web.assets.models import AssetStatus, Service
    from rescomm.web.assets.services import report_problem, suggest

    service = Service.objects.filter(asset_status=AssetStatus.PUBLISHED).order_by("name").first()
    suggest(proposed={"name": "Tuesday walking group", "description": "A gentle walk",
                      "category": "walking group", "postcode": "L1 8JQ"},
            note="from the crawl", submitter_email="walker@example.com")
    suggest(proposed={"name": f"{service.name} (renamed)"}, service=service, note="typo")
    report_problem(service, kind="wrong_times", details="Closed on Tuesdays <b>now</b>")


def _clear_caches() -> None:
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo as ``rescomm demo`` loads it, in a transaction rolled back afterwards."""
    from rescomm.web.accounts.demo import DEMO_USERS, create_demo_accounts
    from rescomm.web.accounts.models import User
    from rescomm.web.accounts.tokens import create_token
    from rescomm.web.prescribing.demo import create_demo_referrals

    with django_db_blocker.unblock():
        _clear_caches()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", verbosity=0)  # every LA, every asset, the indices
            create_demo_accounts()
            create_demo_referrals()
            _suggestions()
            users = {spec.username: User.objects.get(username=spec.username)
                     for spec in DEMO_USERS}
            tokens = {name: create_token(user, "crawl") for name, user in users.items()}
            values, by_url = _demo_values()
            yield Demo(values=values, by_url=by_url, users=users, tokens=tokens)
        finally:
            _clear_caches()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            _clear_caches()


def _fill(route: str, name: str, demo: Demo, *, expand: bool = True) -> list[str]:
    """Every path for ``route`` with real values (the product of each parameter's values; the
    first value of each unless ``expand``)."""
    names = parameters(route)
    choices = [demo.by_url.get((name, p), demo.values.get(p)) for p in names]
    missing = [p for p, c in zip(names, choices, strict=True) if c is None]
    assert not missing, f"no value for {missing} in {name} ({route})"
    assert all(choices), f"the demo has no value for a parameter of {name} ({route})"
    if not expand:
        choices = [c[:1] for c in choices]
    paths = []
    for combination in itertools.product(*choices):
        values = iter(combination)
        paths.append("/" + _PARAMETER.sub(lambda _m: next(values), route))
    return paths


@dataclass(frozen=True)
class Answer:
    role: str
    method: str
    url: str
    name: str
    status: int
    problem: str  # "" when fine, else what went wrong
    seconds: float = 0.0  # how long it took (reported by the slowest-requests summary only)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _request(client: Client, method: str, url: str, headers: dict) -> tuple[int, str]:
    """One request in a savepoint that is rolled back: (status, problem or "")."""
    cookies = client.cookies
    with transaction.atomic():
        response = getattr(client, method.lower())(url, headers=headers)
        body = _body(response)
        transaction.set_rollback(True)
    client.cookies = cookies  # a sign-out (rolled back) must not sign the crawl out
    problem = ""
    if response.status_code >= 500:
        exc = getattr(response, "exc_info", None)
        problem = f"{response.status_code}: {exc[1]!r}" if exc else str(response.status_code)
    elif b"Traceback" in body:
        problem = "traceback in the body"
    elif response.status_code not in EXPECTED:
        problem = f"unexpected status {response.status_code}"
    return response.status_code, problem


ANONYMOUS = "anonymous"


def _client(role: str, demo: Demo) -> Client:
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        from tests.web.accounts.two_factor_helpers import pass_second_factor

        user = demo.users[role]
        Client.force_login(client, user)
        pass_second_factor(client, user)  # a no-op for the demo accounts (docs/accounts.md)
    return client


def crawl(role: str, demo: Demo) -> list[Answer]:
    """GET every URL (and its :data:`QUERIES`), then POST an empty body to every one, as
    ``role``; for a signed-in role, API URLs also with its Bearer token."""
    client = _client(role, demo)
    targets = []
    for route, name, _ in url_patterns():
        expand = role in EXPANDING_ROLES or ("/" + route).startswith(PERSONAL)
        targets += [(name, path, expand) for path in _fill(route, name, demo, expand=expand)]
    answers = []
    for method in ("GET", "POST"):
        for name, path, expand in targets:
            urls = [path]
            if method == "GET" and expand:
                urls += [f"{path}?{urlencode(q)}" for q in QUERIES.get(name, [])]
            ways = [{}]
            if role != ANONYMOUS and path.startswith(PERSONAL) and path.startswith("/api/"):
                ways.append({"authorization": f"Bearer {demo.tokens[role]}"})
            for url, headers in itertools.product(urls, ways):
                started = time.perf_counter()
                status, problem = _request(client, method, url, headers)
                how = method + (" (token)" if headers else "")
                answers.append(Answer(role, how, url, name, status, problem,
                                      time.perf_counter() - started))
    return answers


ROLES = [ANONYMOUS] + [spec.username for spec in __import__(
    "rescomm.web.accounts.demo", fromlist=["DEMO_USERS"]).DEMO_USERS]


@pytest.fixture(scope="module")
def answers(demo, django_db_blocker) -> dict[str, list[Answer]]:
    """The crawl's answers, by role (crawled once for the module)."""
    with django_db_blocker.unblock():
        by_role = {role: crawl(role, demo) for role in ROLES}
    if os.environ.get("RESCOMM_CRAWL_TIMES"):  # RESCOMM_CRAWL_TIMES=1 pytest -s ...: the slowest
        every = sorted((a for r in by_role.values() for a in r), key=lambda a: -a.seconds)
        total: dict[str, float] = {}
        for a in every:
            total[a.name] = total.get(a.name, 0.0) + a.seconds
        print(f"\ncrawl: {len(every)} requests in {sum(a.seconds for a in every):.1f} s")
        for name, seconds in sorted(total.items(), key=lambda kv: -kv[1])[:25]:
            print(f"{seconds:7.2f} s  {name}")
        for a in every[:15]:
            print(f"{a.seconds:7.2f} s  {a.role} {a.method} {a.url} {a.status}")
    return by_role


@pytest.mark.parametrize("role", ROLES)
def test_no_page_fails_for(role, answers):
    """No 5xx, no traceback, no unexpected status, for any URL, GET or POST, as ``role``."""
    failures = [f"{a.method} {a.url} ({a.name}): {a.problem}"
                for a in answers[role] if a.problem]
    assert not failures, f"{len(failures)} failures as {role}:\n" + "\n".join(failures)


def test_every_page_answers_someone(answers):
    """Every URL's GET reaches at least one role with a 2xx or 3xx: the crawl's ids are real
    (a wrong one would only ever give 404), and each page has someone to serve."""
    reached, tried = set(), set()
    for role_answers in answers.values():
        for a in role_answers:
            tried.add(a.name)
            if a.name in POST_ONLY:
                if a.method.startswith("POST") and a.status not in (403, 404, 405):
                    reached.add(a.name)
            elif a.method.startswith("GET") and a.status < 400:
                reached.add(a.name)
    assert len(tried) > 80
    missed = sorted(tried - reached - set(UNREACHABLE))
    assert not missed, f"nobody reaches these URLs: {missed}"
    assert not (reached & set(UNREACHABLE)), "update UNREACHABLE: these pages answer now"


def test_the_crawl_covered_every_role_and_the_whole_demo(answers, demo, db):
    from rescomm.web.assets.models import AssetStatus, Service
    from rescomm.web.insight.models import IndexRun

    assert set(answers) == {ANONYMOUS, *demo.users}
    assert Service.objects.filter(asset_status=AssetStatus.PUBLISHED).count() > 3700
    assert IndexRun.objects.count() >= 3
    assert set(demo.values["framework"]) >= {"imd2025", "warm", "capitals"}


# The command line ------------------------------------------------------------------------------

#: Every row of the README's command table (tests/web/test_demo_crawl.py is named in the README;
#: :func:`test_every_readme_command_is_crawled` checks none is missing): the invocations that
#: exercise it on the full demo, each ``(arguments, exit codes allowed)``. ``{tmp}`` is a fresh
#: folder, ``{provider}``, ``{organization}``, ``{admin}``... come from the demo
#: (:func:`_cli_values`). A command that cannot run inside a test says why and runs ``--help``.
COMMANDS: dict[str, list[tuple[str, set[int] | dict[str, set[int]]]]] = {
    # ``demo`` serves after setting up; --no-serve runs the whole set-up (all idempotent here)
    "demo": [("demo --no-serve", {0})],
    # ``serve`` starts gunicorn and never returns: only its --help can run in a test
    "serve": [("serve --help", {0})],
    "migrate": [("migrate", {0})],
    "load-demo": [("load-demo", {0})],
    # --json lists every postcode with its status; one not found makes the exit status 2
    "geo lookup": [("geo lookup L1 8JQ", {0}), ("geo lookup L18JQ CH1 1AA --json", {2}),
                   ("geo lookup CH1 1AA --allow-terminated", {0})],
    "index frameworks": [("index frameworks", {0})],
    "index build": [("index build --framework imd2019 --out {tmp}/imd.csv", {0}),
                    ("index build --framework warm --out {tmp}/warm.parquet", {0})],
    "index build ... --uncertainty": [
        ("index build --framework imd2025 --out {tmp}/u.csv --uncertainty 20 --seed 1 "
         "--report {tmp}/report.html", {0}),
        # IMD has no counts to resample: refused in one line
        ("index build --framework imd2025 --out {tmp}/s.csv --uncertainty 5 --sampling", {2})],
    "index sensitivity": [("index sensitivity --framework warm --n 8 --seed 1 --by group", {0})],
    "index explain": [("index explain --framework imd2025 --area E01006412", {0})],
    "index profile": [
        ("index profile --framework warm --area E01006412", {0}),
        ("index profile --framework warm --area E01006412 --comparator neighbours "
         "--expected regression", {0})],
    "index neighbours": [("index neighbours --area E01006412 --k 5", {0})],
    "index publish": [("index publish --framework imd2025 --uncertainty 10 --seed 1", {0})],
    # every asset exported; 50 of them imported back (idempotent; the whole file takes long)
    "assets import": [("assets export --out {tmp}/assets.json", {0}),
                      ("assets import {tmp}/some-assets.json", {0}),
                      ("assets export --out {tmp}/assets.csv", {0})],
    # a fixture feed (tests/web/assets/fixtures), synced for real and then as a dry run
    "assets sync": [("assets sync {feed} --source crawl-feed", {0}),
                    ("assets sync {feed} --source crawl-feed --dry-run", {0})],
    "indicators load": [
        ("indicators load {fingertips} --source crawl", {0}),
        # the same content again is the same release: nothing written
        ("indicators load {fingertips} --source crawl --json", {0}),
        ("indicators load {tmp}/not-a-backup.txt", {2})],
    "indicators releases": [("indicators releases", {0}), ("indicators list --json", {0}),
                            ("indicators diff {release_a} {release_b}", {0})],
    # a real pabulib election (tests/engage/data), counted by both rules; a file that is not one
    "engage count": [("engage count {pb} --rule greedy", {0}),
                     ("engage count {pb} --rule equal-shares --json", {0}),
                     ("engage count {tmp}/not-a-backup.txt --rule greedy", {2})],
    "assets coverage": [("assets coverage --area E06000006 --out {tmp}/coverage.csv", {0}),
                        ("assets coverage --area E08000012 --assets db "
                         "--out {tmp}/coverage.geojson", {0})],
    "assets review-reminders": [("assets review-reminders --escalate-after 30 --dry-run", {0}),
                                ("assets review-reminders", {0})],
    # load-demo stored every document: none is missing or stale
    "assets documents": [("assets documents --check", {0})],
    "token create": [("token create --user demo-admin", {0}), ("token list", {0}),
                     ("token revoke {token_prefix}", {0})],
    "organisations add": [("organisations add --name Crawl --kind council --lad-code E06000006",
                           {0}), ("organisations list", {0})],
    "users add": [
        ("users add crawl-user --display-name Crawl --email crawl@example.org", {0}),
        ("users grant crawl-user --role link_worker --organisation {real_scheme}", {0}),
        ("users end-role crawl-user --role link_worker --organisation {real_scheme}", {0}),
        # a real account in a demo organisation is refused in one line
        ("users grant crawl-user --role link_worker --organisation {scheme}", {2}),
        ("users set-password crawl-user", {0}),
        ("users reset-2fa demo-admin", {0}),
        # single sign-on is not configured in the tests: refused in one line
        ("users link-sso crawl-user --subject crawl-subject", {2}),
        ("users unlink-sso crawl-user", {2}),
        ("users deactivate crawl-user", {0}),
        ("users reactivate crawl-user", {0}),
        ("users list", {0}),
        ("users create-demo", {0}),
    ],
    # SQLite's backup API cannot copy through a connection that is inside a transaction, as
    # this crawl's is: refused in one line (the backup itself: tests/web/core/test_backup.py)
    "backup": [("backup --out {tmp}/backup.db", {"sqlite": {2}, "postgresql": {0}})],
    # restoring replaces the whole database (the transaction this crawl runs in, on SQLite; a
    # restore through pg_restore would wait for it on PostgreSQL): the refusal of a file that is
    # not a backup runs here, the round trip is tests/cli/test_backup_cli.py
    "restore": [("restore --help", {0}), ("restore {tmp}/not-a-backup.txt --yes", {2})],
    "referrals anonymise": [("referrals anonymise --dry-run", {0}),
                            ("referrals anonymise --after-days 0", {0})],
    "referrals escalate": [("referrals escalate", {0})],
    "referrals link-provider": [
        ("referrals link-provider --provider {provider} --organization {linked} --remove", {0}),
        ("referrals link-provider --provider {provider} --organization {linked}", {0}),
        # a demo provider cannot run a real service: refused in one line
        ("referrals link-provider --provider {provider} --organization {organization}", {2})],
    # --nice 0: the job would lower this test process's priority for good
    "referrals refresh-reports": [("referrals refresh-reports --nice 0", {0})],
}

PASSWORD_INPUT = "a-Crawl-passphrase-42\na-Crawl-passphrase-42\n"


def readme_commands() -> list[str]:
    """The commands of the README's command table, as ``COMMANDS`` keys."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("## The command line", 1)[1].split("```", 1)[0]
    rows = re.findall(r"^\| `rescomm ([^`]+)`", table, flags=re.MULTILINE)
    names = []
    for row in rows:
        words = row.split()
        name = " ".join(w for w in words[:2] if re.fullmatch(r"[a-z][a-z0-9-]*", w))
        if "--uncertainty" in row and name == "index build":
            name = "index build ... --uncertainty"
        names.append(name)
    return names


def test_every_readme_command_is_crawled():
    names = readme_commands()
    assert len(names) > 20
    assert sorted(set(names) - set(COMMANDS)) == []
    assert sorted(set(COMMANDS) - set(names)) == []


def _cli_values(tmp_path: Path) -> dict[str, str]:
    from rescomm.web.accounts.models import Organisation
    from rescomm.web.accounts.roles import OrganisationKind
    from rescomm.web.assets.models import Organization
    from rescomm.web.prescribing.models import DirectoryLink
    from rescomm.web.profiles.models import Release

    (tmp_path / "not-a-backup.txt").write_text("notes\n", encoding="utf-8")
    linked = DirectoryLink.objects.values_list("organization_id", flat=True)
    real_scheme, _ = Organisation.objects.get_or_create(
        name="Crawl Social Prescribing", is_demo=False,
        defaults={"kind": OrganisationKind.SOCIAL_PRESCRIBING_SCHEME, "lad_code": "E08000012"})
    return {
        "tmp": str(tmp_path),
        **dict(zip(("release_a", "release_b"),
                   map(str, Release.objects.order_by("pk").values_list("pk", flat=True)[:2]))),
        "pb": str(REPO / "tests/engage/data/poland_warszawa_2017_nadwisle.pb"),
        "feed": str(REPO / "tests/web/assets/fixtures/oruk_page1.json"),
        "fingertips": str(REPO / "tests/indicators/data/fingertips_all_data_excerpt.csv"),
        "scheme": str(Organisation.objects.get(
            is_demo=True, kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME).pk),
        "provider": str(Organisation.objects.get(
            is_demo=True, kind=OrganisationKind.VOLUNTARY_ORGANISATION).pk),
        "real_scheme": str(real_scheme.pk),
        "linked": str(DirectoryLink.objects.order_by("pk").first().organization_id),
        "organization": str(Organization.objects.exclude(id__in=linked).order_by("name")
                            .first().id),
    }


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_readme_command_runs_on_the_full_demo(command, demo, db, tmp_path):
    """Each row of the README's command table, in process on the crawl's database: the exit
    code expected and no traceback (a command's own error is one line)."""
    import shlex

    from click.testing import CliRunner
    from django.db import connection

    from rescomm.cli import cli

    problems = []
    values = _cli_values(tmp_path)
    for arguments, codes in COMMANDS[command]:
        if isinstance(codes, dict):  # exit codes that depend on the database
            codes = codes[connection.vendor]
        if "{token_prefix}" in arguments:  # the token the row's first command made
            from rescomm.web.accounts.models import ApiToken

            values["token_prefix"] = ApiToken.objects.order_by("-pk").first().prefix
        filled = arguments.format(**values)
        if "some-assets.json" in filled:
            exported = json.loads((tmp_path / "assets.json").read_text(encoding="utf-8"))
            (tmp_path / "some-assets.json").write_text(json.dumps(exported[:50]),
                                                       encoding="utf-8")
        needs_password = filled.startswith(("users add", "users set-password"))
        result = CliRunner().invoke(cli, shlex.split(filled),
                                    input=PASSWORD_INPUT if needs_password else None)
        output = result.output  # stdout and stderr
        unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
        if result.exit_code not in codes or unexpected or "Traceback" in output:
            problems.append(f"rescomm {filled}: exit {result.exit_code} "
                            f"({result.exception!r})\n{output[-2000:]}")
    assert not problems, "\n".join(problems)
