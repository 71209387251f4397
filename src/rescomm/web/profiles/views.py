"""Pages of the indicator store (read-only, public): what is stored and from which release."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import store

POLARITY_WORDS = {"high_is_good": "high is good", "low_is_good": "high is bad",
                  "no_judgement": "no judgement"}


@require_safe
def indicator_list(request: HttpRequest) -> HttpResponse:
    """``/profiles/indicators/``: every indicator with its current release, and every release."""
    indicators = [
        {"item": item, "polarity": POLARITY_WORDS.get(item.polarity, item.polarity),
         "value_type": item.value_type.replace("_", " ")}
        for item in store.indicators()
    ]
    return render(request, "profiles/indicators.html",
                  {"indicators": indicators, "releases": store.releases()[::-1]})
