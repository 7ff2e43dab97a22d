from __future__ import annotations

from django import forms

from relief.push.models import PushPreferences


class PushPreferencesForm(forms.ModelForm):
    class Meta:
        model = PushPreferences
        fields = [
            "outcome", "checkin", "open_attack", "open_attack_hours", "plan_steps", "safety",
            "quiet_from", "quiet_until", "show_details",
        ]  # fmt: skip
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "open_attack_hours": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 72}),
        }
        help_texts = {
            "quiet_until": "Reminders wait until then; an important safety note still comes.",
        }
