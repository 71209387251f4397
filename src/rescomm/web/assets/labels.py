"""What people read instead of codes: asset categories, community capitals and needs.

Every label comes from ``taxonomies.json``: the ``categories`` list for ``Service.category``
(``gp_practice`` -> "GP practice"), the shipped taxonomies' term names for capitals
(``natural`` -> "Natural capital") and needs (``low_mood`` -> "Low mood, anxiety and stress").
A category is a free code, so one that the file does not list (a council's own, say
``craft_group``) is shown with its underscores and hyphens as spaces and a capital first letter
("Craft group"); add it to the file to give it a proper label.
"""

from __future__ import annotations

from functools import cache

from .services import CAPITALS, NEEDS, shipped_taxonomies

#: The coverage analysis group that counts every asset (:func:`rescomm.geo.coverage`).
ANY_GROUP = "any"


@cache
def _categories() -> dict[str, str]:
    return {c["code"]: c["name"] for c in shipped_taxonomies()["categories"]}


@cache
def _terms(taxonomy_code: str) -> dict[str, str]:
    for taxonomy in shipped_taxonomies()["taxonomies"]:
        if taxonomy["code"] == taxonomy_code:
            return {t["code"]: t["name"] for t in taxonomy["terms"]}
    raise KeyError(taxonomy_code)


def _readable(code: str) -> str:
    text = " ".join(code.replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:]


def category_label(code: str | None) -> str:
    """The label of an asset category code ("" for no category)."""
    if not code:
        return ""
    return _categories().get(code) or _readable(code)


def category_choices(codes) -> list[tuple[str, str]]:
    """``(code, label)`` for each code, sorted by label (for a filter's options)."""
    return sorted(((c, category_label(c)) for c in set(codes) if c),
                  key=lambda pair: (pair[1].casefold(), pair[0]))


def known_categories() -> dict[str, str]:
    """Every category code the taxonomy file labels, with its label."""
    return dict(_categories())


def capital_label(code: str) -> str:
    """The name of a community capital ("Natural capital")."""
    return _terms(CAPITALS).get(code) or _readable(code)


def need_label(code: str) -> str:
    """The name of a social-prescribing need ("Loneliness and social isolation")."""
    return _terms(NEEDS).get(code) or _readable(code)


def coverage_group_label(group: str) -> str:
    """The label of a coverage analysis group: a category, a capital, ``need:<code>`` or
    ``any`` (see :func:`rescomm.geo.coverage`)."""
    if group == ANY_GROUP:
        return "Any asset"
    if group.startswith("need:"):
        return need_label(group.removeprefix("need:"))
    if group in _terms(CAPITALS):
        return capital_label(group)
    return category_label(group)
