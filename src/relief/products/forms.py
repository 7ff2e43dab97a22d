"""Forms for products, batches and lab reports."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from relief.products.models import Batch, LabReport, Product
from relief.treatments.services import substances_for

DATE = {"type": "date"}


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["substance", "vendor", "name", "form", "strain", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.instance.user = user
        cast(forms.ModelChoiceField, self.fields["substance"]).queryset = substances_for(user).order_by(
            "name"
        )


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["lot_number", "purchase_date", "amount_bought_g", "notes"]
        widgets = {
            "purchase_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"amount_bought_g": "Amount bought (g)"}


class LabReportForm(forms.ModelForm):
    class Meta:
        model = LabReport
        fields = [
            "lab", "report_id", "test_date", "mitragynine_mg_per_g", "seven_oh_mg_per_g", "seven_oh_pct_alkaloids",
            "lead_ppm", "arsenic_ppm", "cadmium_ppm", "mercury_ppm", "salmonella_detected", "ecoli_detected",
            "yeast_mould_cfu_g", "notes",
        ]  # fmt: skip
        widgets = {
            "test_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "salmonella_detected": forms.NullBooleanSelect,
            "ecoli_detected": forms.NullBooleanSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        # the model's help texts only repeat what these labels say
        help_texts = dict.fromkeys(["mitragynine_mg_per_g", "seven_oh_pct_alkaloids"], "")
        labels = {
            "mitragynine_mg_per_g": "Mitragynine (mg per g; 1 % = 10 mg/g)",
            "seven_oh_mg_per_g": "7-OH-mitragynine (mg per g)",
            "seven_oh_pct_alkaloids": "7-OH as % of total alkaloids",
            "lead_ppm": "Lead (ppm)",
            "arsenic_ppm": "Arsenic (ppm)",
            "cadmium_ppm": "Cadmium (ppm)",
            "mercury_ppm": "Mercury (ppm)",
            "yeast_mould_cfu_g": "Yeast and mould (CFU/g)",
            "report_id": "Report number",
            "salmonella_detected": "Salmonella found",
            "ecoli_detected": "E. coli found",
        }
