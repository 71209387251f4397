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


#: What a moderator reads for each field a suggestion may change (``services.SUGGESTIBLE``).
FIELD_LABELS = {
    "name": "Name", "description": "Description", "category": "Category",
    "asset_kind": "Kind", "capitals": "Community capitals", "needs": "Needs it helps with",
    "address": "Address", "city": "Town or city", "postcode": "Postcode", "phone": "Phone",
    "email": "Email address", "url": "Website", "opening_times": "Opening times",
    "accessibility": "Accessibility", "transportation": "How to get there",
}
#: Fields holding several values: their diff says which were added and which removed.
LIST_FIELDS = ("capitals", "needs", "opening_times", "accessibility")

_DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
              "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}


def field_label(key: str) -> str:
    """The label of a suggestible field ("opening_times" -> "Opening times")."""
    return FIELD_LABELS.get(key) or _readable(key)


def opening_lines(rules) -> list[str]:
    """Weekly rules as one line per day and session, Monday first ("Wednesday 14:00-16:00")."""
    rows = []
    for rule in rules or []:
        for day in str(rule.get("byday") or "").split(","):
            if day in _DAY_NAMES:
                rows.append((list(_DAY_NAMES).index(day), rule.get("opens_at") or "",
                             f"{_DAY_NAMES[day]} {rule.get('opens_at')}-{rule.get('closes_at')}"))
    return [text for _, _, text in sorted(set(rows))]


def readable(key: str, value) -> list[str]:
    """A field's value as the lines a person reads: labels instead of codes, opening times as
    days and hours; [] for an empty value."""
    from .models import AssetKind

    if value in (None, "", []):
        return []
    if key == "opening_times":
        return opening_lines(value)
    if key in ("capitals", "needs"):
        label = capital_label if key == "capitals" else need_label
        codes = value if isinstance(value, list | tuple) else str(value).split(";")
        return [label(str(c).strip()) for c in codes if str(c).strip()]
    if key == "accessibility":
        items = value if isinstance(value, list | tuple) else str(value).split(";")
        return [str(i).strip() for i in items if str(i).strip()]
    if key == "category":
        return [category_label(str(value))]
    if key == "asset_kind":
        return [dict(AssetKind.choices).get(value, _readable(str(value)))]
    return [str(value)]


def review_rows(diff: list[dict]) -> list[dict]:
    """The rows of a suggestion's diff (``services.suggestion_diff``) as a moderator reads
    them: ``label``, ``before`` and ``after`` as lists of ``{"text", "change"}`` where
    ``change`` is "removed" (only before), "added" (only after) or "" (in both, or a field
    with one value)."""
    rows = []
    for row in diff:
        key = row["field"]
        before, after = readable(key, row["before"]), readable(key, row["after"])
        listed = key in LIST_FIELDS
        rows.append({
            "field": key, "label": field_label(key),
            "before": [{"text": t, "change": "removed" if listed and t not in after else ""}
                       for t in before],
            "after": [{"text": t, "change": "added" if listed and t not in before else ""}
                      for t in after],
        })
    return rows
