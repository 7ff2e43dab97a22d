"""Products, their batches (lots) and the batches' lab reports (certificates of analysis)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from relief.core.models import OwnedModel, UUIDModel
from relief.core.validation import in_range, not_negative, positive, raise_if


class Product(OwnedModel):
    class Form(models.TextChoices):
        LEAF_POWDER = "leaf_powder", "Leaf powder"
        CAPSULE = "capsule", "Capsules"
        TEA = "tea", "Tea / leaves"
        EXTRACT = "extract", "Extract"
        SHOT = "shot", "Liquid shot"
        TABLET = "tablet", "Tablet"
        OTHER = "other", "Other"

    substance = models.ForeignKey("treatments.Substance", on_delete=models.PROTECT, related_name="+")
    vendor = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=100)
    form = models.CharField(max_length=12, choices=Form.choices, default=Form.LEAF_POWDER)
    strain = models.CharField(
        max_length=60, blank=True, help_text="Strain or vein label as sold, e.g. 'Red Bali'"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["vendor", "name", "id"]

    def __str__(self) -> str:
        return f"{self.vendor} {self.name}".strip()

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "give the product a name"})
        if self.substance_id and self.substance.user_id not in (None, self.user_id):
            raise ValidationError({"substance": "belongs to another person"})


class Batch(UUIDModel):
    """One lot of a product as bought."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="batches")
    lot_number = models.CharField(max_length=60, blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    amount_bought_g = models.FloatField(null=True, blank=True, validators=[positive])
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["purchase_date", "lot_number", "id"]
        verbose_name_plural = "batches"

    def __str__(self) -> str:
        return f"{self.product} lot {self.lot_number or '?'}"

    @property
    def user_id(self) -> int:
        return self.product.user_id

    @property
    def latest_report(self) -> LabReport | None:
        return self.lab_reports.order_by("-test_date", "-id").first()


class LabReport(UUIDModel):
    """A certificate of analysis for a batch."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="lab_reports")
    lab = models.CharField(max_length=100, blank=True)
    report_id = models.CharField(max_length=60, blank=True)
    test_date = models.DateField(null=True, blank=True)
    mitragynine_mg_per_g = models.FloatField(
        null=True, blank=True, validators=in_range(0, 1000), help_text="mg per g; 1 % w/w = 10 mg/g"
    )
    seven_oh_mg_per_g = models.FloatField(null=True, blank=True, validators=in_range(0, 1000))
    seven_oh_pct_alkaloids = models.FloatField(
        null=True, blank=True, validators=in_range(0, 100), help_text="7-OH as % of total alkaloids"
    )
    lead_ppm = models.FloatField(null=True, blank=True, validators=[not_negative])
    arsenic_ppm = models.FloatField(null=True, blank=True, validators=[not_negative])
    cadmium_ppm = models.FloatField(null=True, blank=True, validators=[not_negative])
    mercury_ppm = models.FloatField(null=True, blank=True, validators=[not_negative])
    salmonella_detected = models.BooleanField(null=True, blank=True)
    ecoli_detected = models.BooleanField(null=True, blank=True)
    yeast_mould_cfu_g = models.FloatField(null=True, blank=True, validators=[not_negative])
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["test_date", "id"]

    def __str__(self) -> str:
        return f"lab report {self.report_id or '?'} for {self.batch}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if (
            self.mitragynine_mg_per_g is not None
            and self.seven_oh_mg_per_g is not None
            and self.seven_oh_mg_per_g > self.mitragynine_mg_per_g * 10
        ):
            errors.setdefault("seven_oh_mg_per_g", []).append(
                "is more than ten times the mitragynine content; check that both are in mg per g"
            )
        raise_if(errors)


def percent_to_mg_per_g(percent: float) -> float:
    """A content given in % w/w as mg per g (1 % = 10 mg/g)."""
    return percent * 10.0
