"""Forms for the public asset pages: search and filters, and "report a problem"."""

from __future__ import annotations

from django import forms

from rescomm.data import DAY_CODES, weekly_rules

from .labels import category_choices
from .models import ProblemReport
from .services import shipped_taxonomies

#: The one source of the search radius: what the "Within" box offers, what a search without a
#: radius uses (:data:`DEFAULT_RADIUS`), what the heading, the map's circle and the "which place
#: do you mean?" links say. Metres.
RADIUS_CHOICES = [("500", "500 metres"), ("1000", "1 km"), ("2000", "2 km"), ("5000", "5 km"),
                  ("10000", "10 km")]
DEFAULT_RADIUS = 2000


def radius_label(metres: int) -> str:
    """The words for a radius of the "Within" box ("2 km")."""
    return dict(RADIUS_CHOICES)[str(metres)]


def _term_choices(code: str) -> list[tuple[str, str]]:
    for taxonomy in shipped_taxonomies()["taxonomies"]:
        if taxonomy["code"] == code:
            return [("", "Any")] + [(t["code"], t["name"]) for t in taxonomy["terms"]]
    return [("", "Any")]


class AssetSearchForm(forms.Form):
    q = forms.CharField(label="Name or description", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=12)
    place = forms.CharField(label="Or a place name", required=False, max_length=100)
    #: Set by the "which place do you mean?" links: the ONS code of the chosen place.
    place_code = forms.CharField(required=False, max_length=9, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(label="Within", choices=RADIUS_CHOICES, coerce=int,
                                    required=False, empty_value=DEFAULT_RADIUS,
                                    initial=str(DEFAULT_RADIUS))
    capital = forms.ChoiceField(label="Community capital", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    need = forms.ChoiceField(label="Helps with", required=False)
    open_now = forms.BooleanField(label="Open now", required=False)

    def __init__(self, *args, categories: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not (self.data.get("radius") or "").strip():
            # A search without a radius (a link, a bookmark) uses the default, and the box
            # shows the radius used rather than its first option.
            self.data = self.data.copy()
            self.data["radius"] = str(DEFAULT_RADIUS)
        self.fields["capital"].choices = _term_choices("community_capitals")
        self.fields["need"].choices = _term_choices("social_prescribing_needs")
        self.fields["category"].choices = [("", "Any"), *category_choices(categories)]

    def clean_postcode(self) -> str:
        from rescomm.geo import GeoError, lookup_postcode
        from rescomm.web.areas.public import problem_of

        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        try:
            record = lookup_postcode(value)
        except GeoError as exc:
            message = problem_of(exc)
            raise forms.ValidationError(
                f"Enter a real postcode in Cheshire and Merseyside, like L1 8JQ ({message})"
            ) from exc
        self.point = (float(record.easting), float(record.northing))
        return record.postcode

    def clean_place(self) -> str:
        """A place name from the gazetteer (:class:`rescomm.geo.Gazetteer`): one match sets
        ``self.point`` and ``self.place``; several set ``self.place_choices`` (the page offers
        a choice); none is a field error."""
        from rescomm.geo import Gazetteer

        value = " ".join(self.cleaned_data["place"].split())
        self.place, self.place_choices = None, []
        if not value:
            return ""
        gazetteer = Gazetteer.bundled()
        chosen = gazetteer.get((self.data.get("place_code") or "").strip())
        matches = [chosen] if chosen is not None else gazetteer.search(value)
        if not matches:
            raise forms.ValidationError(
                f"No ward or local authority in Cheshire and Merseyside is called \"{value}\". "
                "Check the spelling, enter a ward or local authority name like Speke or "
                "Wirral, or search by postcode")
        if len(matches) > 1:
            self.place_choices = matches
        else:
            self.place = matches[0]
            self.point = (self.place.easting, self.place.northing)
        return value

    def clean(self) -> dict:
        data = super().clean()
        if data.get("postcode") and data.get("place"):
            self.add_error("place", "Enter a postcode or a place name, not both")
        return data


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


#: Most opening sessions the suggestion form shows.
MAX_SESSIONS = 14
DAY_NAMES = dict(zip(DAY_CODES, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                 "Saturday", "Sunday"), strict=True))
DAY_CHOICES = list(DAY_NAMES.items())
OPENING_TIMES_HINT = ("Write the days and times, for example: Wednesdays 2-4pm; "
                      "Mon-Fri 9am to 5pm; closed Sundays")


def _multi(code: str) -> list[tuple[str, str]]:
    return _term_choices(code)[1:]


class SuggestionForm(forms.Form):
    """A suggested new asset or edit; checked with the importer's own rules."""

    name = forms.CharField(label="Name", max_length=300)
    description = forms.CharField(label="What is it and who is it for?", required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.CharField(label="Category, for example community centre, walking group",
                               required=False, max_length=60)
    asset_kind = forms.ChoiceField(label="Kind", choices=[])
    capitals = forms.MultipleChoiceField(label="Community capitals it builds", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    needs = forms.MultipleChoiceField(label="Needs it helps with", required=False,
                                      widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label="Address", required=False, max_length=300)
    city = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=12)
    place = forms.CharField(label="Or a place name", required=False, max_length=100)
    #: Set by the "which place do you mean?" links: the ONS code of the chosen place.
    place_code = forms.CharField(required=False, max_length=9, widget=forms.HiddenInput)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    email = forms.CharField(label="Email address", required=False, max_length=254)
    url = forms.CharField(label="Website", required=False, max_length=500)
    #: How many opening sessions the form shows (more with "Add another session").
    sessions = forms.CharField(required=False, widget=forms.HiddenInput)
    opening_times = forms.CharField(
        label="Or describe the opening times in words", required=False, max_length=300,
        help_text=OPENING_TIMES_HINT)
    accessibility = forms.CharField(label="Accessibility", required=False, max_length=500)
    transportation = forms.CharField(label="How to get there", required=False, max_length=500)
    note = forms.CharField(label="Anything else the moderators should know?", required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    submitter_email = forms.EmailField(
        label="Your email address (optional, so we can tell you what happens)", required=False)
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, rows: int = 2, **kwargs):
        from .models import AssetKind

        super().__init__(*args, **kwargs)
        self.fields["asset_kind"].choices = AssetKind.choices
        self.fields["capitals"].choices = _multi("community_capitals")
        self.fields["needs"].choices = _multi("social_prescribing_needs")
        self.rows = max(1, min(int(rows), MAX_SESSIONS))
        self.initial["sessions"] = self.rows
        for i in range(1, self.rows + 1):
            self.fields[f"session_{i}_days"] = forms.MultipleChoiceField(
                label=f"Session {i}: days", required=False, choices=DAY_CHOICES,
                widget=forms.CheckboxSelectMultiple)
            self.fields[f"session_{i}_opens"] = forms.CharField(
                label=f"Session {i}: opens", required=False, max_length=12)
            self.fields[f"session_{i}_closes"] = forms.CharField(
                label=f"Session {i}: closes", required=False, max_length=12)

    def clean_sessions(self) -> int:
        """The rows shown (the view reads the posted number; a bad one is not the person's
        error)."""
        return self.rows

    def session_rows(self) -> list[dict]:
        """The bound fields of each session row, for the template."""
        return [{"number": i, "days": self[f"session_{i}_days"],
                 "times": [(self[f"session_{i}_opens"], "Opens"),
                           (self[f"session_{i}_closes"], "Closes")]}
                for i in range(1, self.rows + 1)]

    def clean_opening_times(self) -> list[dict]:
        from rescomm.data import parse_opening_times

        try:
            return parse_opening_times(self.cleaned_data["opening_times"])
        except ValueError as exc:
            message = str(exc)
            raise forms.ValidationError(
                f"{message[:1].upper()}{message[1:]}. {OPENING_TIMES_HINT}") from exc

    def _sessions(self) -> list[tuple[str, str, str, str]]:
        """``(day, opens, closes, field)`` from the session rows; a row's problems are errors
        on its own fields."""
        from rescomm.data import read_session

        found = []
        for i in range(1, self.rows + 1):
            days = self.cleaned_data.get(f"session_{i}_days") or []
            opens = (self.cleaned_data.get(f"session_{i}_opens") or "").strip()
            closes = (self.cleaned_data.get(f"session_{i}_closes") or "").strip()
            if not (days or opens or closes):
                continue
            if not days:
                self.add_error(f"session_{i}_days", "Choose the days of this session")
            if not opens:
                self.add_error(f"session_{i}_opens", "Enter the time it opens, like 9am")
            if not closes:
                self.add_error(f"session_{i}_closes", "Enter the time it closes, like 5pm")
            if not (days and opens and closes):
                continue
            try:
                start, end = read_session(opens, closes)
            except ValueError as exc:
                bad_close = f"{closes!r}" in str(exc) and f"{opens!r}" not in str(exc)
                self.add_error(f"session_{i}_closes" if bad_close else f"session_{i}_opens",
                               f"{str(exc)[:1].upper()}{str(exc)[1:]}")
                continue
            found.extend((day, start, end, f"session_{i}_opens") for day in days)
        return found

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("This field must be left empty.")
        return ""

    def clean(self):
        from .importer import normalise_record
        from .services import SUGGESTIBLE

        data = super().clean()
        rows = self._sessions()
        rows += [(day, r["opens_at"], r["closes_at"], "opening_times")
                 for r in data.get("opening_times") or [] for day in r["byday"].split(",")]
        by_day: dict[str, list[tuple[str, str]]] = {}
        for day, opens, closes, field in rows:
            same_day = by_day.setdefault(day, [])
            if (opens, closes) in same_day:
                continue
            clash = next(((o, c) for o, c in same_day if opens < c and o < closes), None)
            if clash:
                self.add_error(field, f"{DAY_NAMES[day]} {opens}-{closes} overlaps "
                                      f"{clash[0]}-{clash[1]} on the same day")
            same_day.append((opens, closes))
        if "opening_times" in data:
            data["opening_times"] = weekly_rules(
                (day, o, c) for day in DAY_CODES for o, c in sorted(by_day.get(day, [])))
        raw = {k: data.get(k) for k in SUGGESTIBLE if k in data}
        raw["source_id"] = "suggestion"
        record, problems = normalise_record(raw, source="Community suggestion")
        for field, message in problems:
            target = field if field in self.fields else None
            if target is None or target not in self.errors:
                self.add_error(target, message)
        self.record = {k: record[k] for k in SUGGESTIBLE}
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("approved", "Approve and publish"),
        ("changes_requested", "Ask for changes"),
        ("rejected", "Reject"),
    ])
    reason = forms.CharField(label="Reason (sent to the person who suggested it; needed to "
                                   "reject or ask for changes)", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("rejected", "changes_requested") and not (
                data.get("reason") or "").strip():
            self.add_error("reason", "Say why, so the person who suggested it can act on it.")
        return data


class ReportDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[])
    note = forms.CharField(label="Note (what was done, or why nothing needs to change; sent "
                                 "to the person who reported it if they left an address)",
                           max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Write a note: what was done, or why "
                                                       "nothing needs to change."})

    def __init__(self, *args, can_close: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("resolved", "Resolved: the details are put right, or were already"),
            *([("closed", "Resolved: it has closed, so mark the asset closed (it leaves the "
                          "map)")] if can_close else []),
            ("dismissed", "Dismiss: nothing needs to change"),
        ]
