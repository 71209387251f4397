"""Forms for the public asset pages: search and filters, and "report a problem"."""

from __future__ import annotations

from django import forms

from .models import ProblemReport
from .services import shipped_taxonomies

RADIUS_CHOICES = [("500", "500 metres"), ("1000", "1 km"), ("2000", "2 km"), ("5000", "5 km"),
                  ("10000", "10 km")]


def _term_choices(code: str) -> list[tuple[str, str]]:
    for taxonomy in shipped_taxonomies()["taxonomies"]:
        if taxonomy["code"] == code:
            return [("", "Any")] + [(t["code"], t["name"]) for t in taxonomy["terms"]]
    return [("", "Any")]


class AssetSearchForm(forms.Form):
    q = forms.CharField(label="Name or description", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=12)
    radius = forms.ChoiceField(label="Within", choices=RADIUS_CHOICES, required=False,
                               initial="2000")
    capital = forms.ChoiceField(label="Community capital", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    need = forms.ChoiceField(label="Helps with", required=False)

    def __init__(self, *args, categories: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capital"].choices = _term_choices("community_capitals")
        self.fields["need"].choices = _term_choices("social_prescribing_needs")
        self.fields["category"].choices = [("", "Any")] + [
            (c, c.replace("_", " ").capitalize()) for c in categories]

    def clean_postcode(self) -> str:
        from rescomm.geo import GeoError, lookup_postcode

        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        try:
            record = lookup_postcode(value)
        except GeoError as exc:
            message = str(exc).split(";")[0]
            raise forms.ValidationError(
                f"Enter a real postcode in Cheshire and Merseyside, like L1 8JQ ({message})"
            ) from exc
        self.point = (float(record.easting), float(record.northing))
        return record.postcode


class ProblemReportForm(forms.Form):
    kind = forms.ChoiceField(label="What is wrong?", choices=ProblemReport.Kind.choices,
                             widget=forms.RadioSelect)
    details = forms.CharField(label="Tell us more", max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}))
    email = forms.EmailField(label="Your email address (optional, if you want a reply)",
                             required=False)
    #: Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label="Leave this empty")

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("This field must be left empty.")
        return ""
