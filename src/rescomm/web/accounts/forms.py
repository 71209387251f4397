"""Forms: sign in (with throttling), change your password, give a role, and the audit log
filters."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import throttle
from .audit import ACTION_LABELS, audit, client_ip
from .models import AuditEvent, Organisation
from .roles import OrganisationKind, Profession, Role


class ChangePasswordForm(PasswordChangeForm):
    """Your current password, then the new one twice; the new one must pass the password rules
    (at least 12 characters, not common, not all digits, not like your username)."""

    error_messages = {
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The two new passwords are not the same. Enter the new password "
        "twice.",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        labels = {"old_password": ("Current password", "Enter your current password"),
                  "new_password1": ("New password", "Enter a new password"),
                  "new_password2": ("New password again", "Enter the new password again")}
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        self.fields["new_password1"].help_text = (
            "At least 12 characters. Not a common password, not only numbers, and not like "
            "your username. A few unrelated words make a good one.")


class GrantRoleForm(forms.Form):
    """An administrator gives a person a role at an organisation (a referrer's profession
    too). The membership rules themselves are checked by ``services.grant_role``."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), empty_label="Choose an organisation",
        error_messages={"required": "Choose an organisation",
                        "invalid_choice": "Choose an organisation from the list"})
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a role",
                        "invalid_choice": "Choose a role from the list"})
    profession = forms.ChoiceField(
        choices=[("", "Not a referrer"), *Profession.choices], required=False,
        help_text="Referrers only: their profession.",
        error_messages={"invalid_choice": "Choose a profession from the list"})


class OrganisationForm(forms.Form):
    """An administrator adds an organisation; the model's own rules (codes' format, a unique
    ODS code) are checked by ``services.create_organisation``."""

    name = forms.CharField(max_length=200, error_messages={
        "required": "Enter the organisation's name",
        "max_length": "The name must be 200 characters or fewer"})
    kind = forms.ChoiceField(
        label="What it is", choices=[("", "Choose what it is"), *OrganisationKind.choices],
        error_messages={"required": "Choose what the organisation is",
                        "invalid_choice": "Choose what the organisation is from the list"})
    ods_code = forms.CharField(
        label="ODS code (optional)", max_length=10, required=False,
        help_text="Its NHS Organisation Data Service code, if it has one, e.g. N81013.",
        error_messages={"max_length": "An ODS code is 10 characters or fewer"})
    lad_code = forms.CharField(
        label="Local authority code (optional)", max_length=9, required=False,
        help_text="The local authority it mainly serves (ONS code, e.g. E06000006). A social "
                  "prescribing scheme receives the referrals of this area.",
        error_messages={"max_length": "A local authority code is 9 characters, e.g. E06000006"})


class SignInForm(AuthenticationForm):
    """Username and password; refuses (as ``locked``) a username locked for this IP address.

    ``locked_for`` is how long the lock lasts when the form failed because of it.
    """

    error_messages = {
        "invalid_login": "The username or password is not right. Check them and try again.",
        "inactive": "This account is not active. Ask an administrator at your organisation.",
        "locked": "There have been too many failed attempts to sign in as this user. Wait "
        "%(minutes)s and try again, or ask an administrator to reset your password.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.locked_for: timedelta | None = None
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        ip = client_ip(self.request)
        # counted before the password is checked, so parallel guesses cannot pass the lock
        self._refuse_if_locked(throttle.start_sign_in(username, ip))
        try:
            cleaned = super().clean()
        except ValidationError:
            self._refuse_if_locked(throttle.lock_remaining(username, ip), audited=True)
            raise
        throttle.password_accepted(username, ip)
        return cleaned

    def clear_failures(self) -> None:
        """Forget this username's failures from this address: called once sign-in is complete
        (after the second factor, for people who have one), so that a right password cannot
        reset the count of wrong codes."""
        throttle.clear_failures(self.cleaned_data["username"], client_ip(self.request))

    def _refuse_if_locked(self, remaining: timedelta | None, *, audited: bool = False) -> None:
        if remaining is None:
            return
        self.locked_for = remaining
        if not audited:
            audit(self.request, AuditEvent.LOGIN_LOCKED, role="")
        raise ValidationError(
            self.error_messages["locked"],
            code="locked",
            params={"minutes": throttle.minutes_text(remaining)},
        )


class AuditFilterForm(forms.Form):
    """Filters for ``/accounts/audit/``; all optional."""

    action = forms.ChoiceField(
        label="Action", required=False, choices=(),
        error_messages={"invalid_choice": "Choose an action from the list"},
    )
    actor = forms.CharField(label="Username of the person", required=False, max_length=150)
    object_type = forms.CharField(
        label="Record type, like accounts.user", required=False, max_length=100
    )
    since = forms.DateField(
        label="From date (YYYY-MM-DD)", required=False,
        error_messages={"invalid": "Enter the from date as year-month-day, like 2026-11-01"},
    )
    until = forms.DateField(
        label="To date (YYYY-MM-DD)", required=False,
        error_messages={"invalid": "Enter the to date as year-month-day, like 2026-11-30"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *sorted(
            ACTION_LABELS.items(), key=lambda item: item[1])]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The to date must be the same as or after the from date")
        return cleaned

    def filter(self, events):
        """Apply the (valid) filters to an AuditEvent queryset."""
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action=data["action"].strip())
        if data.get("actor"):
            events = events.filter(actor__username=data["actor"].strip())
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"].strip().lower())
        zone = timezone.get_current_timezone()
        if data.get("since"):
            events = events.filter(
                occurred_at__gte=datetime.combine(data["since"], time.min, tzinfo=zone)
            )
        if data.get("until"):
            end = datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
            events = events.filter(occurred_at__lt=end)
        return events
