"""Forms of two-factor sign-in: the code at sign-in, and the first code when setting up."""

from __future__ import annotations

import re

from django import forms

from .two_factor import normalise

_CODE = re.compile(r"^(\d{6}|[a-z2-7]{8})$")


class CodeForm(forms.Form):
    """At sign-in: six digits from the app, or one recovery code (eight letters and digits).
    Spaces and hyphens are ignored. Whether it is right is the view's to check."""

    code = forms.CharField(
        label="Code", max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery "
                  "codes (8 letters and digits).",
        error_messages={"required": "Enter the code from your authenticator app",
                        "max_length": "Enter the 6-digit code from your app or an 8-character "
                                      "recovery code"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"})

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if not _CODE.match(code):
            raise forms.ValidationError(
                "Enter the 6-digit code from your app, like 123456, or an 8-character "
                "recovery code")
        return code


class SetUpForm(forms.Form):
    """Setting up: the first code the app shows, which confirms it was set up right."""

    code = forms.CharField(
        label="Code from your app", max_length=20,
        help_text="The 6-digit code your app shows for Resilient Communities.",
        error_messages={"required": "Enter the 6-digit code from your app",
                        "max_length": "Enter the 6-digit code from your app, like 123456"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"})

    def clean_code(self) -> str:
        code = normalise(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("Enter the 6-digit code from your app, like 123456")
        return code
