"""Forms for attacks, the daily check-in, side effects, factors and questionnaires."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from relief.core.display import dose_label
from relief.diary.models import Attack, DayRecord, FactorTag, SideEffect
from relief.diary.questionnaire_text import ITEMS, SCALES
from relief.treatments.models import Dose

LOCAL = "%Y-%m-%dT%H:%M"


def when(**attrs: Any) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format=LOCAL)


def scale(low: int, high: int, label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A 0-10 (or other) scale answered with one tap on a pill."""
    return forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(low, high + 1)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=label,
        help_text=help_text,
    )


class AttackForm(forms.ModelForm):
    peak_pain = scale(0, 10, "Worst pain (0-10)", "Saved as a pain sample at the start time.")

    class Meta:
        model = Attack
        fields = [
            "started_at", "ended_at", "believed_migraine", "side", "region", "quality", "worse_with_activity",
            *Attack.SYMPTOMS, "most_bothersome", "disability", *Attack.AURA_TYPES, "aura_duration_min",
            "aura_spreads_gradually", "aura_positive", "aura_unilateral", "notes",
        ]  # fmt: skip
        widgets = {"started_at": when(), "ended_at": when()}
        labels = {"started_at": "Started", "ended_at": "Ended"}

    GROUPS = (
        ("When", ["started_at", "ended_at", "peak_pain"], False),
        (
            "The headache",
            ["believed_migraine", "side", "region", "quality", "worse_with_activity", "disability"],
            False,
        ),
        ("Symptoms", [*Attack.SYMPTOMS, "most_bothersome"], False),
        (
            "Aura",
            [
                *Attack.AURA_TYPES,
                "aura_duration_min",
                "aura_spreads_gradually",
                "aura_positive",
                "aura_unilateral",
            ],
            True,
        ),
        ("Notes", ["notes"], False),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:  # new rows have a UUID already; ask the state
            del self.fields["peak_pain"]
        self.fields["disability"] = scale(
            0, 3, "How much it stopped you", "0 not at all, 1 a little, 2 a lot, 3 in bed"
        )
        for field in self.fields.values():
            if isinstance(field, forms.NullBooleanField):
                field.widget = forms.RadioSelect(choices=TRI_STATE)
                field.help_text = ""
        self.fields["aura_duration_min"].label = "Aura lasted (minutes)"
        self.fields["notes"].widget.attrs["rows"] = 3
        if not self.instance._state.adding and self.instance.times_unknown:
            # a date-only import: the 12:00 in both boxes stands in for a time nobody recorded
            self.fields["started_at"].help_text = (
                "Only the day of this attack was recorded; 12:00 stands in for the time. "
                "If you remember when it started and ended, change both; otherwise leave them as they are."
            )

    def groups(self) -> list[tuple[str, list[forms.BoundField], bool]]:
        """Fields in labelled groups; the aura group starts folded unless something in it is noted."""
        out = []
        for title, names, fold in self.GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            folded = fold and not any(f.value() not in (None, "") for f in fields)
            out.append((title, fields, folded))
        return out


TRI_STATE = [("", "Not noted"), ("True", "Yes"), ("False", "No")]


US_UNITS = {
    # field: (label, metric -> US, US -> metric)
    "water_l": ("Water (fl oz)", lambda v: v / 0.0295735, lambda v: v * 0.0295735),
    "temperature_c": ("Temperature (°F)", lambda v: v * 9 / 5 + 32, lambda v: (v - 32) * 5 / 9),
    "pressure_hpa": ("Air pressure (inHg)", lambda v: v / 33.8639, lambda v: v * 33.8639),
}


class CheckinForm(forms.ModelForm):
    """The daily check-in: the person's own factors first, then the few things that matter most."""

    worst_pain = scale(0, 10, "Worst pain today")
    function = scale(0, 3, "How much pain got in the way", "0 not at all, 1 a little, 2 a lot, 3 in bed")
    sleep_quality = scale(1, 5, "Sleep quality", "1 very poor ... 5 very good")
    stress = scale(0, 10, "Stress")
    mood = scale(0, 10, "Mood", "0 worst, 10 best")
    new_factors = forms.CharField(
        required=False,
        label="Something else today?",
        help_text="Names separated by commas; they are tracked from now on.",
    )

    FIRST = ["worst_pain", "function", "sleep_hours", "sleep_quality", "stress", "mood", "menstrual_bleeding"]
    MORE = [
        "water_l", "caffeine_mg", "alcohol_units", "exercise_min", "skipped_meals",
        "pressure_hpa", "temperature_c", "humidity_pct", "notes",
    ]  # fmt: skip

    class Meta:
        model = DayRecord
        fields = [
            "worst_pain", "function", "sleep_hours", "sleep_quality", "stress", "mood", "menstrual_bleeding",
            "water_l", "caffeine_mg", "alcohol_units", "exercise_min", "skipped_meals",
            "pressure_hpa", "temperature_c", "humidity_pct", "notes",
        ]  # fmt: skip
        widgets = {"menstrual_bleeding": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "sleep_hours": "Hours slept",
            "water_l": "Water (litres)",
            "caffeine_mg": "Caffeine (mg)",
            "exercise_min": "Exercise (minutes)",
            "pressure_hpa": "Air pressure (hPa)",
            "temperature_c": "Temperature (°C)",
            "humidity_pct": "Humidity (%)",
        }

    def __init__(
        self,
        *args: Any,
        tags: list[FactorTag],
        present: dict[Any, float | None],
        track_periods: bool,
        us_units: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tags = tags
        self.us_units = us_units
        if us_units:
            for name, (label, to_us, _) in US_UNITS.items():
                self.fields[name] = forms.FloatField(required=False, label=label)
                value = self.initial.get(name)
                if value is not None:
                    self.initial[name] = round(to_us(value), 1)
        for name in (
            "sleep_hours",
            "water_l",
            "caffeine_mg",
            "alcohol_units",
            "exercise_min",
            "skipped_meals",
        ):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        if not track_periods:
            del self.fields["menstrual_bleeding"]
        else:
            cast(forms.ChoiceField, self.fields["menstrual_bleeding"]).choices = [
                ("", "Not noted"),
                *DayRecord.Bleeding.choices,
            ]
        for tag in tags:
            self.fields[f"tag_{tag.pk}"] = forms.BooleanField(
                required=False, label=tag.name, initial=tag.pk in present
            )
            if tag.unit:
                self.fields[f"amount_{tag.pk}"] = forms.FloatField(
                    required=False, min_value=0, label=f"{tag.name} ({tag.unit})", initial=present.get(tag.pk)
                )

    def clean(self) -> dict[str, Any]:
        """Numbers typed in US units are stored in metric units."""
        data = super().clean() or self.cleaned_data
        if self.us_units:
            for name, (_, _, to_metric) in US_UNITS.items():
                if data.get(name) is not None:
                    data[name] = round(to_metric(data[name]), 3)
        return data

    def tag_fields(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        return [(self[f"tag_{t.pk}"], self[f"amount_{t.pk}"] if t.unit else None) for t in self.tags]

    def first_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FIRST if name in self.fields]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MORE]

    def record_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.fields}

    def factors(self) -> tuple[dict[str, float | None], list[FactorTag]]:
        """Factors ticked (name -> amount), and tags that were left unticked."""
        ticked: dict[str, float | None] = {}
        unticked = []
        for tag in self.tags:
            if self.cleaned_data.get(f"tag_{tag.pk}"):
                ticked[tag.name] = self.cleaned_data.get(f"amount_{tag.pk}")
            else:
                unticked.append(tag)
        for name in (self.cleaned_data.get("new_factors") or "").split(","):
            if name.strip():
                ticked.setdefault(" ".join(name.split()), None)
        return ticked, unticked


class SideEffectForm(forms.ModelForm):
    class Meta:
        model = SideEffect
        fields = ["symptom", "other_symptom", "severity", "occurred_at", "dose", "notes"]
        widgets = {
            "occurred_at": when(),
            "severity": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"occurred_at": "When", "dose": "After which dose (optional)"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.instance.user = user
        doses = Dose.objects.filter(user=user).select_related("substance").order_by("-taken_at")[:30]
        choice = cast(forms.ModelChoiceField, self.fields["dose"])
        choice.queryset = Dose.objects.filter(pk__in=[d.pk for d in doses]).select_related("substance")
        choice.label_from_instance = dose_label  # type: ignore[method-assign,assignment]
        if self.instance._state.adding and not self.is_bound:
            self.initial.setdefault("severity", None)  # the person chooses; nothing is preselected


class FactorTagForm(forms.ModelForm):
    class Meta:
        model = FactorTag
        fields = ["name", "unit", "tracked"]


def questionnaire_form(instrument: str, data: Any = None, initial: list[int] | None = None) -> forms.Form:
    """One field per item, with paraphrased wording and the instrument's answer scale."""
    form = forms.Form(data)
    for number, (text, kind) in enumerate(ITEMS[instrument], start=1):
        value = initial[number - 1] if initial else None
        if kind == "days":
            field: forms.Field = forms.IntegerField(min_value=0, max_value=90, label=text, initial=value)
            field.widget.attrs["inputmode"] = "numeric"
        else:
            choices = SCALES[kind]
            field = forms.TypedChoiceField(
                choices=list(enumerate(choices)),
                coerce=int,
                widget=forms.RadioSelect,
                label=text,
                initial=value,
            )
        form.fields[f"q{number}"] = field
    return form
