"""Forms of the plan, trial, reassessment and taper pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from relief.diary.questionnaire_text import ITEMS, SCALES
from relief.plans.models import Decision, Plan, Trial
from relief.products.models import Product
from relief.treatments.services import substances_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["substance", "product", "kind", "goal", "starts_on", "reassess_on", "questions"]
        widgets = {
            "starts_on": DATE,
            "reassess_on": DATE,
            "goal": forms.Textarea(attrs={"rows": 2}),
            "questions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"substance": "Treatment", "product": "Product (if any)"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.user = user
        cast(forms.ModelChoiceField, self.fields["substance"]).queryset = substances_for(user)
        cast(forms.ModelChoiceField, self.fields["product"]).queryset = Product.objects.filter(user=user)


class LimitsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["max_days_per_month", "min_hours_between", "max_daily_amount", "max_daily_unit"]
        labels = {
            "max_days_per_month": "At most this many days a month",
            "min_hours_between": "At least this many hours between doses",
            "max_daily_amount": "At most this much in one day",
            "max_daily_unit": "Unit",
        }
        # the model's help texts repeat these labels after "Your own limit:"; the page says it once
        help_texts = dict.fromkeys(["max_days_per_month", "min_hours_between"], "")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["choice", "reasons", "next_reassess_on"]
        widgets = {
            "choice": forms.RadioSelect,
            "reasons": forms.Textarea(attrs={"rows": 3}),
            "next_reassess_on": DATE,
        }
        labels = {"choice": "Your decision", "next_reassess_on": "Next reassessment (to continue or change)"}


class TrialForm(forms.ModelForm):
    option_1: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="Option 1")
    option_2: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        label="Option 2",
        required=False,
        help_text="Leave empty for an 'off' period (period design)",
    )
    option_3: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="Option 3 (attack design only)", required=False
    )

    class Meta:
        model = Trial
        fields = [
            "title",
            "design",
            "outcome",
            "planned_units",
            "block_repeats",
            "period_days",
            "washout_days",
            "margin",
            "threshold",
            "prior_a",
            "prior_b",
            "prior_sd",
        ]
        labels = {
            "planned_units": "Planned attacks (or pairs of periods)",
            "prior_a": "Prior a (Beta, attack design)",
            "prior_b": "Prior b (Beta, attack design)",
            "prior_sd": "Prior sd (period design, daily pain)",
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.user = user
        for name in ("option_1", "option_2", "option_3"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = substances_for(user)

    def options(self) -> list[tuple[str, Any]]:
        chosen = [self.cleaned_data.get(n) for n in ("option_1", "option_2", "option_3")]
        out = [(s.name, s) for s in chosen if s is not None]
        if self.cleaned_data.get("design") == Trial.Design.PERIOD and len(out) == 1:
            out.append(("Off", None))
        return out


class SowsForm(forms.Form):
    """Sixteen items, each 0 not at all ... 4 extremely."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = SCALES["extent"]
        for i, (text, _) in enumerate(ITEMS["sows"]):
            self.fields[f"item_{i}"] = forms.TypedChoiceField(
                label=text,
                choices=[(n, labels[n]) for n in range(5)],
                coerce=int,
                widget=forms.RadioSelect,
                initial=0,
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{i}"] for i in range(len(ITEMS["sows"]))]
