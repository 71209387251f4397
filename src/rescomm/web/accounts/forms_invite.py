"""Forms of invitations: an administrator's invitation, and the person's new password."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from .models import Organisation
from .roles import Profession, Role


class InviteForm(forms.Form):
    """Who to invite, and optionally their first role (both organisation and role, or
    neither). The account rules are checked by ``invitations.invite``."""

    email = forms.EmailField(
        label="E-mail address", max_length=254,
        help_text="The link to choose a password goes here.",
        error_messages={"required": "Enter the person's e-mail address",
                        "invalid": "Enter an e-mail address like name@example.org"})
    display_name = forms.CharField(label="Name (optional)", max_length=150, required=False)
    username = forms.CharField(
        label="Username (optional)", max_length=150, required=False,
        help_text="What they sign in with; the e-mail address if you leave it empty.")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False,
        empty_label="No role yet", label="Organisation (optional)",
        error_messages={"invalid_choice": "Choose an organisation from the list"})
    role = forms.ChoiceField(
        choices=[("", "No role yet"), *Role.choices], required=False, label="Role (optional)",
        error_messages={"invalid_choice": "Choose a role from the list"})
    profession = forms.ChoiceField(
        choices=[("", "Not a referrer"), *Profession.choices], required=False,
        label="Profession (referrers only)",
        error_messages={"invalid_choice": "Choose a profession from the list"})

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation and not role:
            self.add_error("role", "Choose the role they have at the organisation")
        if role and not organisation:
            self.add_error("organisation", "Choose the organisation where they have the role")
        return cleaned


class ChoosePasswordForm(SetPasswordForm):
    """The new password twice; it must pass the password rules."""

    error_messages = {
        "password_mismatch": "The two passwords are not the same. Enter the password twice.",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        labels = {"new_password1": ("Password", "Enter a password"),
                  "new_password2": ("Password again", "Enter the password again")}
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, not only numbers, and not like "
            "your username. A few unrelated words make a good one.")
