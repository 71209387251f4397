"""Forms for insight pages; each validates its input and names what to do about an error."""

from __future__ import annotations

from django import forms

from rescomm.web.areas import public as geography

from .choropleth import decile_label

POSTCODE_EXAMPLE = "L1 8JQ"


class PostcodeSearchForm(forms.Form):
    """A postcode -> the LSOA 2021 it lies in (``cleaned_data["lsoa21_code"]``)."""

    postcode = forms.CharField(
        label="Postcode",
        max_length=40,
        strip=True,
        error_messages={
            "required": f"Enter a postcode, like {POSTCODE_EXAMPLE}",
            "max_length": "Postcode must be 40 characters or fewer; enter a postcode like "
            f"{POSTCODE_EXAMPLE}",
        },
    )

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("postcode")
        if not text:
            return cleaned
        invalid, unknown, terminated, other = geography.geo_errors()
        try:
            record = geography.lookup_postcode(text)
        except invalid:
            self.add_error(
                "postcode",
                f"“{text}” is not a valid UK postcode. Enter a full postcode, like "
                f"{POSTCODE_EXAMPLE}",
            )
            return cleaned
        except unknown as exc:
            self.add_error(
                "postcode",
                f"We could not find the postcode {getattr(exc, 'postcode', text)}. Check it is "
                "right, or enter another postcode in Cheshire and Merseyside",
            )
            return cleaned
        except terminated as exc:
            when = geography.terminated_when(exc)
            self.add_error(
                "postcode",
                f"The postcode {getattr(exc, 'postcode', text)} is no longer in use (it was "
                f"terminated{when}). Enter a current postcode nearby",
            )
            return cleaned
        except other:
            self.add_error(
                "postcode",
                f"We could not look up “{text}”. Enter a postcode like {POSTCODE_EXAMPLE}",
            )
            return cleaned
        fields = geography.record_as_dict(record)
        code = fields.get("lsoa21_code")
        if not code or not geography.lsoa_exists(code):
            self.add_error(
                "postcode",
                f"The postcode {fields.get('postcode', text)} is outside the areas loaded here "
                f"(LSOA {code or 'unknown'}). Enter a postcode in Cheshire and Merseyside",
            )
            return cleaned
        cleaned["record"] = fields
        cleaned["lsoa21_code"] = code
        return cleaned


class LsoaTableForm(forms.Form):
    """Filters and sort order for the LSOA table (all optional)."""

    SORT_CHOICES = [
        ("rank", "IMD rank (most deprived first)"),
        ("code", "LSOA code"),
        ("name", "LSOA name"),
        ("lad", "Local authority"),
        ("population", "Population"),
    ]

    lad = forms.ChoiceField(label="Local authority", required=False)
    decile = forms.TypedChoiceField(
        label=f"IMD {geography.IMD_EDITION} decile",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "All deciles")] + [(d, decile_label(d, " 10%")) for d in range(1, 11)],
    )
    q = forms.CharField(label="Name, code or ward contains", required=False, max_length=60)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)
    order = forms.ChoiceField(
        label="Order", required=False, choices=[("asc", "Ascending"), ("desc", "Descending")]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lad"].choices = [("", "All local authorities")] + [
            (la.code, la.name) for la in geography.local_authorities()
        ]
        self.fields["lad"].error_messages["invalid_choice"] = (
            "Choose a local authority from the list (%(value)s is not one of those loaded)"
        )


class IndexMapForm(forms.Form):
    """Which node of a published index to map, and how to sort and page its table."""

    SORT_CHOICES = [
        ("rank", "Rank (1 = worst first)"),
        ("score", "Score"),
        ("code", "Area code"),
        ("la", "Local authority"),
    ]

    node = forms.ChoiceField(label="Show", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)
    order = forms.ChoiceField(
        label="Order", required=False, choices=[("asc", "Ascending"), ("desc", "Descending")]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, node_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = node_choices
        self.fields["node"].error_messages["invalid_choice"] = (
            "Choose the index or one of its domains or indicators from the list "
            "(%(value)s is not one of them)"
        )
        self.fields["sort"].error_messages["invalid_choice"] = (
            "Choose how to sort: rank, score, area code or local authority"
        )
        self.fields["order"].error_messages["invalid_choice"] = (
            "Choose ascending or descending order"
        )
        self.fields["page"].error_messages["min_value"] = "Page must be 1 or more"
        self.fields["page"].error_messages["invalid"] = "Page must be a whole number"
