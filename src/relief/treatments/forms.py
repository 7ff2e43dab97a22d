"""Forms for doses, outcomes, standing medications and a person's own units."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from relief.core.access import owned
from relief.core.display import moment_text
from relief.diary.forms import scale, when
from relief.diary.models import Attack
from relief.products.models import Batch, Product
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication
from relief.treatments.services import substances_for
from relief.treatments.usual import last_amounts


def _limit(form: forms.ModelForm, user: User) -> None:
    """Every choice a form offers is the person's own (or the shared catalogue); new rows are theirs."""
    if form.instance._state.adding and hasattr(form.instance, "user_id"):
        form.instance.user = user
    fields = form.fields
    if "substance" in fields:
        cast(forms.ModelChoiceField, fields["substance"]).queryset = substances_for(user).order_by("name")
    if "product" in fields:
        cast(forms.ModelChoiceField, fields["product"]).queryset = owned(Product, user)
    if "batch" in fields:
        cast(forms.ModelChoiceField, fields["batch"]).queryset = owned(Batch, user).select_related("product")
    if "attack" in fields:
        cast(forms.ModelChoiceField, fields["attack"]).queryset = owned(Attack, user).order_by("-started_at")


class OptionData(forms.Select):
    """A select whose options carry ``data-*`` attributes (for the substance search and batch filter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_data: dict[str, dict[str, str]] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


def _attack_label(attack: Attack) -> str:
    """An attack as the person knows it: its start in their own zone, with the day when not today."""
    kind = "Migraine" if attack.believed_migraine else "Attack"
    today = timezone.localtime(attack.started_at).date() == timezone.localdate()
    return f"{kind} from {moment_text(attack.started_at)}{' today' if today else ''}"


class DoseForm(forms.ModelForm):
    class Meta:
        model = Dose
        fields = [
            "substance", "amount", "unit", "product", "batch", "taken_at", "reason",
            "route", "stomach", "attack", "is_estimate", "notes",
        ]  # fmt: skip
        widgets = {
            "taken_at": when(),
            "unit": forms.TextInput(attrs={"list": "units", "autocomplete": "off"}),
            "reason": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "substance": OptionData,
            "product": OptionData,
            "batch": OptionData,
        }
        labels = {"taken_at": "When", "is_estimate": "The amount is a guess", "attack": "During which attack"}

    # Shown first in attack mode; the rest fold away under "More".
    SHORT = ("substance", "amount", "unit", "product", "batch")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, user)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.unit_names = ["g", "mg", "mcg", "ml", *owned(CustomUnit, user).values_list("name", flat=True)]
        cast(forms.ModelChoiceField, self.fields["attack"]).label_from_instance = _attack_label  # type: ignore[method-assign,assignment]
        self._describe_options(user)

    def _describe_options(self, user: User) -> None:
        """Data for the browser: search words and last amount per substance, product and batch links."""
        last = last_amounts(user)
        substances = cast(forms.ModelChoiceField, self.fields["substance"])
        data = {}
        for sub in substances_for(user):
            words = " ".join([sub.name, sub.key.replace("_", " "), *sub.aliases]).lower()
            entry = {"data-search": words, "data-unit": sub.default_unit}
            if str(sub.pk) in last:
                amount, unit = last[str(sub.pk)]
                entry.update(
                    {"data-last-amount": f"{amount:g}" if amount is not None else "", "data-last-unit": unit}
                )
            data[str(sub.pk)] = entry
        cast(OptionData, substances.widget).option_data = data
        products = cast(forms.ModelChoiceField, self.fields["product"])
        cast(OptionData, products.widget).option_data = {
            str(p.pk): {"data-substance": str(p.substance_id)} for p in owned(Product, user)
        }
        batches = cast(forms.ModelChoiceField, self.fields["batch"])
        cast(OptionData, batches.widget).option_data = {
            str(b.pk): {"data-product": str(b.product_id)} for b in owned(Batch, user)
        }

    def short_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SHORT]

    def more_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in self.SHORT]


class OutcomeForm(forms.ModelForm):
    pain_at_dose = scale(0, 10, "Pain when you took it")
    pain_30m = scale(0, 10, "Pain 30 minutes later")
    pain_1h = scale(0, 10, "Pain 1 hour later")
    pain_2h = scale(0, 10, "Pain 2 hours later", "The one that matters most.")
    pain_24h = scale(0, 10, "Pain 24 hours later")

    class Meta:
        model = DoseOutcome
        fields = [
            "pain_at_dose", "pain_30m", "pain_1h", "pain_2h", "pain_24h", "mbs_gone_2h",
            "relief_after_min", "rescue_taken", "rescue_after_min", "returned_24h", "notes",
        ]  # fmt: skip
        labels = {
            "mbs_gone_2h": "Most bothersome symptom gone at 2 hours",
            "relief_after_min": "Minutes until it started to help",
            "rescue_taken": "Took something else (rescue)",
            "rescue_after_min": "If so, how many minutes after this dose",
            "returned_24h": "The headache came back within 24 hours",
        }
        # The model's help texts (kept for the API's documentation) only repeat these labels.
        help_texts = dict.fromkeys(["mbs_gone_2h", "relief_after_min", "rescue_taken", "returned_24h"], "")
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MedicationForm(forms.ModelForm):
    class Meta:
        model = StandingMedication
        fields = ["substance", "dose_text", "amount", "unit", "started_on", "stopped_on", "reason", "notes"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "stopped_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"dose_text": "Dose as prescribed"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, user)


class CustomUnitForm(forms.ModelForm):
    class Meta:
        model = CustomUnit
        fields = ["name", "grams", "product"]
        labels = {"grams": "Grams in one unit", "product": "Only for this product (optional)"}
        help_texts = {"grams": "For example 0.5 for a capsule of 500 mg"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, user)
