"""``/api/docs`` without a CDN: a server-rendered reference, upgraded to Swagger UI by script.

The page lists every operation from the OpenAPI schema in plain HTML (works without JavaScript),
inside the element that Swagger UI replaces when its script runs. Swagger UI's files come from
django-ninja's own package (``ninja`` is in ``INSTALLED_APPS``), served locally like any
static file.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class OfflineDocs(DocsBase):
    """Docs renderer for :class:`ninja.NinjaAPI` that needs no internet access."""

    template = "core/api_docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        schema = api.get_openapi_schema(path_params=kwargs)
        context = {
            "api": api,
            "openapi_url": openapi_url,
            "operations": list(_operations(schema)),
            "swagger_settings": json.dumps(
                {"url": openapi_url, "layout": "BaseLayout", "deepLinking": True}
            ),
        }
        return render(request, self.template, context)


def _operations(schema: dict):
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            yield {
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {
                        "name": p.get("name"),
                        "location": p.get("in"),
                        "required": p.get("required", False),
                        "type": _type_label(p.get("schema", {})),
                        "description": p.get("description")
                        or p.get("schema", {}).get("description", ""),
                    }
                    for p in operation.get("parameters", [])
                ],
                "responses": [
                    {"status": status, "description": response.get("description", "")}
                    for status, response in operation.get("responses", {}).items()
                ],
            }


def _type_label(schema: dict) -> str:
    kind = schema.get("type") or ("one of" if "anyOf" in schema else "")
    pattern = schema.get("pattern")
    return f"{kind} matching {pattern}" if pattern else kind
