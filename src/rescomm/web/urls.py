"""Project URLs: pages (insight, assets, prescribing, profiles, accounts), the JSON API
(``/api/``), ``/healthz`` and ``/favicon.ico``."""

from django.urls import include, path

from rescomm.web.core.api import api
from rescomm.web.core.views import favicon, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/", api.urls),
    path("accounts/", include("rescomm.web.accounts.urls")),
    path("prescribing/", include("rescomm.web.prescribing.urls")),
    path("assets/", include("rescomm.web.assets.urls")),
    path("profiles/", include("rescomm.web.profiles.urls")),
    path("", include("rescomm.web.insight.urls")),
]

handler400 = "rescomm.web.core.views.bad_request"
handler403 = "rescomm.web.core.views.permission_denied"
handler404 = "rescomm.web.core.views.page_not_found"
handler500 = "rescomm.web.core.views.server_error"
