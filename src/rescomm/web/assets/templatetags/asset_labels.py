"""``{% load asset_labels %}{{ service.category|category_label }}``: labels, never codes."""

from __future__ import annotations

from django import template

from rescomm.web.assets import labels

register = template.Library()


@register.filter
def category_label(code: str | None) -> str:
    """"GP practice" for ``gp_practice`` (see :mod:`rescomm.web.assets.labels`)."""
    return labels.category_label(code)
