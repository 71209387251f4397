"""Meta-tests that keep docs/web.md and the app READMEs honest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

REPO = Path(__file__).resolve().parents[2]
WEB_DOC = (REPO / "docs" / "web.md").read_text(encoding="utf-8")
SETTINGS_DIR = REPO / "src" / "rescomm" / "web" / "settings"
WEB_DIR = REPO / "src" / "rescomm" / "web"


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes = []
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern, text))
        elif isinstance(pattern, URLPattern):
            routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text))
    return routes


def _documented(route: str) -> str:
    # ninja writes path parameters as <code>; the docs use OpenAPI's {code}
    if route.startswith("/api/") and "<" in route:
        return re.sub(r"<(\w+)>", r"{\1}", route)
    return route


def _routes_with_apps() -> list[tuple[str, str]]:
    """(route, owning app) for every URL, the app taken from the view's module."""
    out = []
    resolver = get_resolver()
    for route in _routes(resolver):
        if route.startswith("/static/"):
            continue
        probe = re.sub(r"<(\w+)>", "E01033756", route)
        try:
            match = resolver.resolve(probe)
            module = match.func.__module__
        except Exception:  # noqa: BLE001 - unresolvable probe: the project docs must cover it
            module = ""
        app = module.split(".")[2] if module.startswith("rescomm.web.") else ""
        out.append((route, app))
    return out


def _docs_for(app: str) -> str:
    """docs/web.md plus the app's README and docs/<app>.md; for project-level URLs (the API,
    whose views do not name their app) every app README and docs page."""
    if app:
        paths = [WEB_DIR / app / "README.md", REPO / "docs" / f"{app}.md"]
    else:
        paths = [*WEB_DIR.glob("*/README.md"), *(REPO / "docs").glob("*.md")]
    return "\n".join([WEB_DOC, *(p.read_text(encoding="utf-8") for p in paths if p.is_file())])


#: Apps whose URLs this test holds to account ("" = project-level URLs such as the API). Add each
#: app here once its README or docs/<app>.md lists its URLs.
CHECKED_APPS = {"", "core", "areas", "insight", "assets", "prescribing", "accounts", "profiles"}


@pytest.mark.parametrize(
    ("route", "app"), [(r, a) for r, a in _routes_with_apps() if a in CHECKED_APPS]
)
def test_every_url_is_documented(route, app):
    """In docs/web.md, or in the owning app's README.md or docs/<app>.md."""
    assert f"`{_documented(route)}" in _docs_for(app), f"{route} ({app}) is not documented"


def _settings_env_vars() -> set[str]:
    names = set()
    for path in SETTINGS_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'os\.environ(?:\.get)?[\(\[]"([A-Z_]+)"', text))
        names |= set(re.findall(r'env_(?:list|bool|int)\("([A-Z_]+)"', text))
        names |= set(re.findall(r'"(RESCOMM_MAP_[A-Z_]+)"', text))  # the map tile variables
        names |= set(re.findall(r'^\s+"([A-Z_]+)": "', text, flags=re.M)) & {
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
        }
    return names


@pytest.mark.parametrize("name", sorted(_settings_env_vars()))
def test_every_environment_variable_is_documented(name):
    assert f"`{name}`" in WEB_DOC


def test_settings_read_the_variables_the_brief_names():
    assert {"RESCOMM_HOME", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"} <= _settings_env_vars()


def _error_codes() -> set[str]:
    from rescomm.web.core.errors import DEFAULT_CODES

    codes = set()
    for path in WEB_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'(?:ApiError|json_error)\(\s*\d{3},\s*"([a-z_0-9]+)"', text))
        codes |= set(re.findall(r'error_response\(\s*request,\s*\d{3},\s*"([a-z_0-9]+)"', text))
        codes |= set(re.findall(r'"(lsoa11_code)" if', text))
    used_defaults = {DEFAULT_CODES[s] for s in (400, 401, 403, 404, 405, 500)}
    return codes | used_defaults


@pytest.mark.parametrize("code", sorted(_error_codes()))
def test_every_error_code_is_documented(code):
    assert f"`{code}`" in WEB_DOC


@pytest.mark.parametrize("app", ["core", "areas", "insight", "profiles"])
def test_each_app_readme_lists_urls_and_who_may_use_them(app):
    readme = (WEB_DIR / app / "README.md").read_text(encoding="utf-8")
    assert "## URLs and who may use them" in readme
    assert "| who |" in readme
