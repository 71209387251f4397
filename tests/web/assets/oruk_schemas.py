"""Validators for ORUK API answers built from the pinned ORUK profile files in
``../shared/data/reference/openreferral/`` (never copied into this repository).

The profile's ``$ref``s are web addresses; a ``referencing`` registry serves them from the local
files, so no network is used. Tests skip when the folder is absent (and fail in CI, see
``tests/reference_data.py``).
"""

from __future__ import annotations

import json
from functools import cache
from urllib.parse import quote

from tests.reference_data import requires, shared_data_dir

SCHEMA = "reference/openreferral/uk-profile/schema"
UK = shared_data_dir() / SCHEMA
BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
OPENAPI = "urn:rescomm-tests:oruk-openapi"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"}

needs_schemas = requires(SCHEMA)


@cache
def _registry():
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT202012

    def retrieve(uri: str):
        if not uri.startswith(BASE):
            raise NoSuchResource(ref=uri)  # never go to the network
        path = UK / uri[len(BASE):]
        return Resource.from_contents(json.loads(path.read_text(encoding="utf-8")),
                                      default_specification=DRAFT202012)

    openapi = json.loads((UK / "openapi.json").read_text(encoding="utf-8"))
    return Registry(retrieve=retrieve).with_resource(
        OPENAPI, Resource(contents=openapi, specification=DRAFT202012))


def _validator(schema: dict):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema, registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def for_path(path: str):
    """The validator of the 200 answer of ``GET path`` in the profile's OpenAPI (e.g.
    ``/services/{id}``)."""
    pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
    pointer += "/get/responses/200/content/application~1json/schema"
    return _validator({"$ref": f"{OPENAPI}#{quote(pointer)}"})


def organization_page():
    """Organisations are not in the profile's OpenAPI: its Page plus compiled organisations."""
    return _validator({
        "allOf": [{"$ref": f"{OPENAPI}#/components/schemas/Page"}],
        "properties": {"contents": {"type": "array",
                                    "items": {"$ref": BASE + "compiled/organization_list.json"}}},
    })


def organization():
    return _validator({"$ref": BASE + "compiled/organization.json"})


def assert_valid(validator, data) -> None:
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])
