"""The treatment catalogue, doses with their outcomes, and standing medications."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relief.core.models import OwnedModel, UUIDModel
from relief.core.validation import check_not_future, in_range, positive, raise_if
from relief.treatments.classes import ACUTE_HEADACHE_CLASSES, SUBSTANCE_CLASSES

CATALOGUE_NAMESPACE = uuid.UUID("5b0b7a4e-7d0c-4a57-9a43-0c6f6e1b2f11")


def catalogue_id(key: str) -> uuid.UUID:
    """Stable id of a built-in substance, the same on every install (so exports travel)."""
    return uuid.uuid5(CATALOGUE_NAMESPACE, key)


class Substance(UUIDModel):
    """Anything a person takes or does for relief: drugs, kratom, supplements, non-drug measures.

    Built-in entries come from ``catalogue.yaml`` and have no owner; a person can
    add their own.
    """

    class Kind(models.TextChoices):
        DRUG = "drug", "Medicine"
        HERBAL = "herbal", "Herbal product"
        SUPPLEMENT = "supplement", "Supplement"
        NON_DRUG = "non_drug", "Non-drug measure"
        OTHER = "other", "Other"

    user = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty for built-in catalogue entries",
    )
    key = models.SlugField(max_length=60, blank=True, help_text="Catalogue key of built-in entries")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DRUG)
    substance_class = models.CharField(
        max_length=30, choices=list(SUBSTANCE_CLASSES.items()), default="other"
    )
    properties = models.JSONField(
        default=list, blank=True, help_text="Pharmacological properties (see classes.py)"
    )
    aliases = models.JSONField(default=list, blank=True, help_text="Other names and common misspellings")
    default_unit = models.CharField(max_length=10, default="mg")
    max_single_dose_g = models.FloatField(
        null=True, blank=True, help_text="Above this a single dose is refused as implausible (a likely typo)"
    )
    unii = models.CharField(max_length=10, blank=True, help_text="FDA UNII code where known")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="unique_catalogue_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_kratom(self) -> bool:
        return self.substance_class == "kratom"

    @property
    def is_acute_headache_drug(self) -> bool:
        return self.substance_class in ACUTE_HEADACHE_CLASSES

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "give the substance a name"})


class CustomUnit(OwnedModel):
    """A person's own unit, for example '1 capsule = 0.5 g' or '1 scoop = 2.5 g'."""

    name = models.CharField(max_length=40, help_text="Singular, for example 'capsule'")
    grams = models.FloatField(validators=[positive], help_text="Grams in one unit")
    substance = models.ForeignKey(
        Substance, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="custom_units"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"1 {self.name} = {self.grams:g} g"

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "name the unit, for example 'capsule' or 'scoop'"})
        if self.name.lower() in BUILT_IN_UNITS:
            raise ValidationError({"name": f"'{self.name}' is a built-in unit; choose another name"})


MASS_UNITS: dict[str, float] = {"g": 1.0, "mg": 0.001, "mcg": 0.000001}
# Any other unit of a dose is one of the person's own (a capsule, a tablet, a scoop): a count of them.
BUILT_IN_UNITS = frozenset({*MASS_UNITS, "ml"})


class Dose(OwnedModel):
    """One intake of a substance (or one use of a non-drug measure)."""

    class Route(models.TextChoices):
        ORAL = "oral", "Swallowed"
        SUBLINGUAL = "sublingual", "Under the tongue"
        BUCCAL = "buccal", "Chewed / in the cheek"
        NASAL = "nasal", "Nasal spray"
        INHALED = "inhaled", "Inhaled"
        TOPICAL = "topical", "On the skin"
        INJECTION = "injection", "Injection"
        RECTAL = "rectal", "Rectal"
        OTHER = "other", "Other"

    class Stomach(models.TextChoices):
        EMPTY = "empty", "Empty stomach"
        LIGHT = "light", "After a light meal"
        FULL = "full", "After a full meal"

    class Reason(models.TextChoices):
        ACUTE = "acute", "For an attack"
        CHRONIC = "chronic", "For chronic pain"
        PREVENTIVE = "preventive", "Preventive"
        OTHER = "other", "Other"

    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        "products.Batch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.FloatField(null=True, blank=True, validators=[positive], help_text="Empty when unknown")
    unit = models.CharField(
        max_length=40, blank=True, help_text="g, mg, mcg, ml, or the name of your own unit"
    )
    custom_unit = models.ForeignKey(
        CustomUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_g = models.FloatField(null=True, blank=True, editable=False, help_text="Amount converted to grams")
    route = models.CharField(max_length=12, choices=Route.choices, default=Route.ORAL)
    taken_at = models.DateTimeField(default=timezone.now)
    stomach = models.CharField(max_length=6, choices=Stomach.choices, blank=True)
    reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.ACUTE)
    attack = models.ForeignKey(
        "diary.Attack", null=True, blank=True, on_delete=models.SET_NULL, related_name="doses"
    )
    is_estimate = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["user", "taken_at"])]

    def __str__(self) -> str:
        amount = f"{self.amount:g} {self.unit} " if self.amount is not None else ""
        return f"{amount}{self.substance} at {self.taken_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_not_future(errors, "taken_at", self.taken_at)
        for field, obj in (
            ("product", self.product),
            ("batch", self.batch),
            ("attack", self.attack),
            ("custom_unit", self.custom_unit),
        ):
            if obj is not None and obj.user_id != self.user_id:
                errors.setdefault(field, []).append("belongs to another person")
        if self.batch is not None and self.product is not None and self.batch.product_id != self.product_id:
            errors.setdefault("batch", []).append(f"is a batch of another product than {self.product}")
        if self.batch is not None and self.product is None:
            self.product = self.batch.product
        if self.substance_id and self.substance.user_id not in (None, self.user_id):
            errors.setdefault("substance", []).append("belongs to another person")
        self._resolve_amount(errors)
        raise_if(errors)

    def _resolve_amount(self, errors: dict[str, list[str]]) -> None:
        """Convert the amount to grams and refuse amounts no one could take (typos)."""
        self.amount_g = None
        if self.amount is None:
            if self.unit and self.unit.strip():
                errors.setdefault("amount", []).append(
                    f"give the amount in {self.unit}, or leave the unit empty too"
                )
            return
        unit = (self.unit or "").strip()
        if not unit:
            errors.setdefault("unit", []).append(
                "give the unit of the amount: g, mg, mcg, ml or one of your own units"
            )
            return
        self.unit = unit
        if unit.lower() in MASS_UNITS:
            self.unit = unit.lower()
            self.amount_g = self.amount * MASS_UNITS[self.unit]
        elif unit.lower() == "ml":
            self.unit = "ml"
        else:
            custom = (
                self.custom_unit or CustomUnit.objects.filter(user_id=self.user_id, name__iexact=unit).first()
            )
            if custom is None:
                errors.setdefault("unit", []).append(
                    f"'{unit}' is not a unit you have defined; use g, mg, mcg or ml, or add it first "
                    f"(for example: 1 {unit} = 0.5 g)"
                )
                return
            self.custom_unit = custom
            self.unit = custom.name
            self.amount_g = self.amount * custom.grams
        limit = self.substance.max_single_dose_g if self.substance_id else None
        if limit is not None and self.amount_g is not None and self.amount_g > limit:
            hint = ""
            if self.unit == "g" and self.amount / 1000 <= limit:
                hint = f"; did you mean {self.amount:g} mg ({self.amount / 1000:g} g)?"
            errors.setdefault("amount", []).append(
                f"{self.amount:g} {self.unit} ({self.amount_g:g} g) of {self.substance.name} in one dose is not "
                f"plausible (more than {limit:g} g){hint} Check the amount and the unit"
            )


class DoseOutcome(UUIDModel):
    """How an acute dose worked: pain at fixed times after it (the IHS trial time points)."""

    dose = models.OneToOneField(Dose, on_delete=models.CASCADE, related_name="outcome")
    pain_at_dose = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    pain_30m = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    pain_1h = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    pain_2h = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    pain_24h = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    mbs_gone_2h = models.BooleanField(null=True, blank=True, help_text="Most bothersome symptom gone at 2 h")
    relief_after_min = models.PositiveIntegerField(
        null=True, blank=True, validators=in_range(0, 2880), help_text="Minutes until relief began"
    )
    rescue_taken = models.BooleanField(null=True, blank=True, help_text="Took rescue medication")
    rescue_after_min = models.PositiveIntegerField(null=True, blank=True, validators=in_range(0, 2880))
    returned_24h = models.BooleanField(null=True, blank=True, help_text="Headache came back within 24 h")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["dose__taken_at", "id"]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        values = (
            self.pain_at_dose,
            self.pain_30m,
            self.pain_1h,
            self.pain_2h,
            self.pain_24h,
            self.mbs_gone_2h,
            self.relief_after_min,
            self.rescue_taken,
            self.returned_24h,
        )
        if all(v is None for v in values):
            errors.setdefault("pain_2h", []).append(
                "give at least one answer (pain at 2 h is the one that matters most)"
            )
        if self.rescue_after_min is not None and self.rescue_taken is False:
            errors.setdefault("rescue_after_min", []).append(
                "is set but rescue_taken says no rescue was taken"
            )
        raise_if(errors)


class StandingMedication(OwnedModel):
    """A medication taken regularly (preventive or other), from a start date to an optional stop date."""

    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+")
    dose_text = models.CharField(
        max_length=100, blank=True, help_text="As prescribed, for example '25 mg at night'"
    )
    amount = models.FloatField(null=True, blank=True, validators=[positive])
    unit = models.CharField(max_length=10, blank=True)
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.substance} since {self.started_on}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.started_on and self.stopped_on and self.stopped_on < self.started_on:
            errors.setdefault("stopped_on", []).append(
                f"is before the start ({self.stopped_on} < {self.started_on}); check the dates"
            )
        if self.amount is not None and not self.unit:
            errors.setdefault("unit", []).append("give the unit of the amount, for example mg")
        if self.substance_id and self.substance.user_id not in (None, self.user_id):
            errors.setdefault("substance", []).append("belongs to another person")
        raise_if(errors)

    def active_on(self, day) -> bool:
        return self.started_on <= day and (self.stopped_on is None or day <= self.stopped_on)
