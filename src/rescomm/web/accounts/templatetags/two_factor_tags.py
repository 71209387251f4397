"""``{% two_factor_status person as status %}``: a person's two-factor sign-in for a page
(``two_factor.Status``), so pages about a person can show it without their views computing it."""

from __future__ import annotations

from django import template

from .. import two_factor

register = template.Library()


@register.simple_tag
def two_factor_status(person) -> two_factor.Status:
    return two_factor.status(person)
