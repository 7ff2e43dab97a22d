"""Forms for signing up, the profile settings and deleting the account."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from relief.accounts.models import Profile, validate_time_zone


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; only for resetting a forgotten password.")
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        widget=forms.TextInput(attrs={"list": "zones", "autocomplete": "off", "data-detect-zone": ""}),
        help_text="Decides which day an entry belongs to, for example Europe/Berlin. You can change it later.",
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = "Letters, digits and @ . + - _ only."
        self.fields["password1"].help_text = "At least 10 characters; a few unusual words work well."
        self.fields["password2"].help_text = ""
        self.fields["password2"].label = "Password again"


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "time_zone",
            "country",
            "region",
            "city",
            "units",
            "checkin_reminder_time",
            "day_ends_at",
            "track_menstruation",
            "sex",
            "birth_year",
            "pregnant",
            "breastfeeding",
            "drives",
        ]
        widgets = {
            "time_zone": forms.TextInput(attrs={"list": "zones", "autocomplete": "off"}),
            "checkin_reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "pregnant": forms.NullBooleanSelect,
            "breastfeeding": forms.NullBooleanSelect,
            "drives": forms.NullBooleanSelect,
        }
        labels = {"checkin_reminder_time": "Daily check-in reminder", "track_menstruation": "Track periods"}
        help_texts = {
            "time_zone": "Decides which day an entry belongs to, for example Europe/Berlin.",
            "checkin_reminder_time": "Leave empty for no reminder.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day_ends_at"].required = False

    def clean_day_ends_at(self) -> time:
        """Empty keeps the usual 04:00; 00:00 means the day ends at midnight."""
        value = self.cleaned_data.get("day_ends_at")
        return value if value is not None else Profile._meta.get_field("day_ends_at").get_default()


class ConfirmPasswordForm(forms.Form):
    """The account's password, to confirm it is still the same person before an account-level change."""

    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
