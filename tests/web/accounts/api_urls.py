"""URLs for tests: the project's URLs plus a test API under ``/api/test/`` that mounts the
accounts router and operations guarded by ``TokenAuth`` and ``RoleAuth`` as other apps use them.

Use with ``@pytest.mark.urls(API_URLS)`` (see ``API_URLS`` in ``test_api.py``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from rescomm.web.accounts.api import build_router
from rescomm.web.accounts.permissions import RoleAuth, TokenAuth
from rescomm.web.accounts.roles import Role
from rescomm.web.urls import urlpatterns as project_urlpatterns

test_api = NinjaAPI(urls_namespace="accounts-test-api", docs_url=None, openapi_url=None)
test_api.add_router("/accounts/", build_router())


@test_api.get("/token-only", auth=TokenAuth())
def token_only(request: HttpRequest) -> dict:
    return {"username": request.user.username, "role": request.acting_role}


@test_api.get("/commissioners", auth=RoleAuth(Role.COMMISSIONER))
def commissioners(request: HttpRequest) -> dict:
    return {"username": request.user.username, "role": request.acting_role}


@test_api.post("/commissioners", auth=RoleAuth(Role.COMMISSIONER))
def commissioners_post(request: HttpRequest) -> dict:
    return {"username": request.user.username, "role": request.acting_role}


urlpatterns = [path("api/test/", test_api.urls), *project_urlpatterns]
handler400 = "rescomm.web.core.views.bad_request"
handler403 = "rescomm.web.core.views.permission_denied"
handler404 = "rescomm.web.core.views.page_not_found"
handler500 = "rescomm.web.core.views.server_error"
