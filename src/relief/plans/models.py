"""Guided plans, reassessment decisions, personal (n-of-1) trials and taper trackers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from relief.core.models import OwnedModel, UUIDModel
from relief.core.validation import in_range, positive, raise_if
from relief.treatments.models import MASS_UNITS


class ConcealedError(PermissionError):
    """The option of an allocation was asked for before its attack (or period) revealed it."""


def _owned_by(errors: dict[str, list[str]], field: str, obj: Any, user_id: Any) -> None:
    if obj is not None and getattr(obj, "user_id", user_id) not in (None, user_id):
        errors.setdefault(field, []).append("belongs to another person")


class Plan(OwnedModel):
    """A person's plan for trying a treatment carefully, with their own limits and a reassessment date."""

    class Kind(models.TextChoices):
        ACUTE = "acute", "Acute (for attacks)"
        PREVENTIVE = "preventive", "Preventive (taken regularly)"

    class Status(models.TextChoices):
        PREPARING = "preparing", "Preparing"
        ACTIVE = "active", "Taking it"
        TAPERING = "tapering", "Cutting down"
        STOPPED = "stopped", "Stopped"

    substance = models.ForeignKey("treatments.Substance", on_delete=models.RESTRICT, related_name="+")
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ACUTE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREPARING)
    goal = models.TextField(blank=True, help_text="What you hope it changes, in your own words")
    starts_on = models.DateField(help_text="The day you plan to start")
    reassess_on = models.DateField(help_text="The day you look back and decide: continue, change or stop")
    max_days_per_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=in_range(1, 31),
        help_text="Your own limit: at most this many days a month",
    )
    min_hours_between = models.FloatField(
        null=True,
        blank=True,
        validators=in_range(0.5, 168),
        help_text="Your own limit: at least this many hours apart",
    )
    max_daily_amount = models.FloatField(
        null=True,
        blank=True,
        validators=[positive],
        help_text="Your own limit for one day, as agreed with your clinician",
    )
    max_daily_unit = models.CharField(
        max_length=4, blank=True, choices=[("g", "g"), ("mg", "mg"), ("mcg", "mcg")]
    )
    questions = models.TextField(blank=True, help_text="Your own questions for the clinician, one a line")

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' ')[0]} plan for {self.substance}"

    @property
    def max_daily_g(self) -> float | None:
        if self.max_daily_amount is None or not self.max_daily_unit:
            return None
        return self.max_daily_amount * MASS_UNITS[self.max_daily_unit]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.starts_on and self.reassess_on and self.reassess_on <= self.starts_on:
            errors.setdefault("reassess_on", []).append(
                f"must be after the start ({self.reassess_on} is not after {self.starts_on})"
            )
        if self.max_daily_amount is not None and not self.max_daily_unit:
            errors.setdefault("max_daily_unit", []).append("give the unit of your daily limit: g, mg or mcg")
        if self.substance_id:
            _owned_by(errors, "substance", self.substance, self.user_id)
        _owned_by(errors, "product", self.product, self.user_id)
        if self.product is not None and self.substance_id and self.product.substance_id != self.substance_id:
            errors.setdefault("product", []).append(f"is not a product of {self.substance}")
        raise_if(errors)


class PlanStep(UUIDModel):
    """One of the careful steps of a plan, each done, skipped or not yet."""

    class Key(models.TextChoices):
        CLINICIAN = "clinician", "Talk with your clinician"
        INTERACTIONS = "interactions", "Check combinations with your standing medications"
        LAB_REPORT = "lab_report", "Check the product's lab report"
        LIMITS = "limits", "Set your own limits"
        BASELINE = "baseline", "Keep a baseline diary"
        REASSESS = "reassess", "Set a date to reassess"
        STORAGE = "storage", "Store it safely, labelled, out of reach of children and pets"

    class State(models.TextChoices):
        NOT_YET = "not_yet", "Not yet"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped"

    ORDER = [k.value for k in Key]

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=14, choices=Key.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.NOT_YET)
    explanation = models.TextField(blank=True, help_text="What the journal found when it checked this step")
    note = models.TextField(blank=True, help_text="Your own note")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "key"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_step_per_key_per_plan")]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.get_state_display()}"

    @property
    def position(self) -> int:
        return self.ORDER.index(self.key) + 1


class Decision(OwnedModel):
    """What the person decided at a reassessment, and why; the history stays visible."""

    class Choice(models.TextChoices):
        CONTINUE = "continue", "Continue"
        CHANGE = "change", "Change something"
        CUT_DOWN = "cut_down", "Cut down"
        STOP = "stop", "Stop"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField()
    choice = models.CharField(max_length=10, choices=Choice.choices)
    reasons = models.TextField(help_text="Why, in your own words")
    review = models.JSONField(
        default=dict, blank=True, help_text="The benefit-risk review the decision was based on"
    )
    next_reassess_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} on {self.decided_on}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not (self.reasons or "").strip():
            errors.setdefault("reasons", []).append("write down why, so you can look back on it later")
        if self.next_reassess_on and self.decided_on and self.next_reassess_on <= self.decided_on:
            errors.setdefault("next_reassess_on", []).append("must be after the day of the decision")
        if self.plan_id and self.plan.user_id != self.user_id:
            errors.setdefault("plan", []).append("belongs to another person")
        raise_if(errors)


class Trial(OwnedModel):
    """A personal trial whose protocol is fixed before the first allocation."""

    class Design(models.TextChoices):
        ATTACK = "attack", "Attack by attack (acute options)"
        PERIOD = "period", "Alternating periods (preventive)"

    class Outcome(models.TextChoices):
        PAIN_FREE_2H = "pain_free_2h", "Pain free at 2 h"
        RELIEF_2H = "relief_2h", "Pain relief at 2 h (moderate/severe to none/mild)"
        MBS_FREE_2H = "mbs_free_2h", "Most bothersome symptom gone at 2 h"
        SUSTAINED_24H = "sustained_24h", "Sustained pain freedom 2-24 h"
        DAILY_PAIN = "daily_pain", "Daily worst pain (0-10)"
        MIGRAINE_DAYS = "migraine_days", "Migraine days per 28 days"

    ATTACK_OUTCOMES = ("pain_free_2h", "relief_2h", "mbs_free_2h", "sustained_24h")
    PERIOD_OUTCOMES = ("daily_pain", "migraine_days")
    PROTOCOL_FIELDS = (
        "outcome",
        "planned_units",
        "period_days",
        "washout_days",
        "margin",
        "threshold",
        "prior_a",
        "prior_b",
        "prior_sd",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Protocol being written"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        STOPPED = "stopped", "Stopped early"

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="trials")
    title = models.CharField(max_length=120)
    design = models.CharField(max_length=8, choices=Design.choices, default=Design.ATTACK)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PAIN_FREE_2H)
    planned_units = models.PositiveSmallIntegerField(
        validators=in_range(2, 200), help_text="Attacks (attack design) or pairs of periods (period design)"
    )
    block_repeats = models.PositiveSmallIntegerField(
        default=1, validators=in_range(1, 4), help_text="Each block holds every option this many times"
    )
    period_days = models.PositiveSmallIntegerField(default=28, validators=in_range(7, 84))
    washout_days = models.PositiveSmallIntegerField(
        default=0,
        validators=in_range(0, 28),
        help_text="Days at the start of each period left out of the analysis",
    )
    margin = models.FloatField(
        default=0.1,
        validators=in_range(0, 10),
        help_text="Smallest difference that matters: a share of attacks (0.1 = 10 points) or pain points or days",
    )
    threshold = models.FloatField(
        default=0.8, validators=in_range(0.55, 0.99), help_text="Posterior probability a verdict needs"
    )
    prior_a = models.FloatField(default=1.0, validators=in_range(0.1, 50))
    prior_b = models.FloatField(default=1.0, validators=in_range(0.1, 50))
    prior_sd = models.FloatField(default=2.0, validators=in_range(0.1, 10))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(
        null=True, blank=True, help_text="First day of the first period (period design)"
    )
    locked_at = models.DateTimeField(null=True, blank=True, help_text="When the protocol was fixed")
    sequence_digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the sealed sequence")
    sequence_salt = models.CharField(
        max_length=32,
        blank=True,
        help_text="Secret random salt of the digest, shown once every place is revealed, so the digest "
        "cannot be matched against the few possible sequences while the trial runs",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        allowed = self.ATTACK_OUTCOMES if self.design == self.Design.ATTACK else self.PERIOD_OUTCOMES
        if self.outcome not in allowed:
            errors.setdefault("outcome", []).append(
                f"does not fit a {self.get_design_display().lower()} trial; choose one of {', '.join(allowed)}"
            )
        if self.design == self.Design.ATTACK and self.margin >= 1:
            errors.setdefault("margin", []).append("is a share of attacks, so below 1 (0.1 means 10 points)")
        if self.design == self.Design.PERIOD and self.washout_days >= self.period_days:
            errors.setdefault("washout_days", []).append("must be shorter than a period")
        if self.plan is not None and self.plan.user_id != self.user_id:
            errors.setdefault("plan", []).append("belongs to another person")
        if self.pk and self.locked_at and not getattr(self, "_amending", False):
            before = Trial.objects.filter(pk=self.pk).values(*self.PROTOCOL_FIELDS, "design").first()
            changed = [
                f for f in (*self.PROTOCOL_FIELDS, "design") if before and before[f] != getattr(self, f)
            ]
            for name in changed:
                errors.setdefault(name, []).append(
                    "is part of the fixed protocol; record an amendment with a reason to change it"
                )
        raise_if(errors)


class TrialOption(UUIDModel):
    """One option compared in a trial (a substance, or 'none' for an off period)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=60)
    substance = models.ForeignKey(
        "treatments.Substance", null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["trial", "position"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "label"], name="unique_option_label_per_trial")
        ]

    def __str__(self) -> str:
        return self.label


class Allocation(UUIDModel):
    """One place in the sealed sequence; its option can be read only once it is revealed.

    The option is stored in ``sealed_option``; no page, API or service reads that
    field except the reveal, which happens when an attack is logged (attack
    design) or a period begins (period design).  ``option`` refuses to answer
    before that.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="allocations")
    position = models.PositiveSmallIntegerField()
    sealed_option = models.ForeignKey(TrialOption, on_delete=models.CASCADE, related_name="+")
    attack = models.ForeignKey(
        "diary.Attack", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revealed_at = models.DateTimeField(null=True, blank=True)
    added_by_amendment = models.BooleanField(default=False)

    class Meta:
        ordering = ["trial", "position"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "position"], name="unique_position_per_trial"),
            models.UniqueConstraint(
                fields=["trial", "attack"],
                condition=models.Q(attack__isnull=False),
                name="one_allocation_per_attack",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position} ({'revealed' if self.revealed_at else 'sealed'})"

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None

    @property
    def option(self) -> TrialOption:
        if self.revealed_at is None:
            raise ConcealedError("this allocation is sealed until its attack is logged")
        return self.sealed_option


class Amendment(UUIDModel):
    """A change to a fixed protocol, with its reason; never edited or deleted."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="amendments")
    made_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=20)
    old_value = models.CharField(max_length=60)
    new_value = models.CharField(max_length=60)
    reason = models.TextField()

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} -> {self.new_value} ({self.reason})"


class Taper(OwnedModel):
    """A person's own schedule for cutting down or stopping, set with their clinician."""

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="tapers")
    substance = models.ForeignKey("treatments.Substance", on_delete=models.RESTRICT, related_name="+")
    started_on = models.DateField()
    last_intake_at = models.DateTimeField(
        null=True, blank=True, help_text="The last intake, once stopped completely"
    )
    daily_use_over_3_months = models.BooleanField(
        null=True, blank=True, help_text="Taken daily for more than 3 months before (ICHD-3 8.3.2 B)"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return f"cutting down {self.substance} from {self.started_on}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.substance_id:
            _owned_by(errors, "substance", self.substance, self.user_id)
        if self.plan is not None and self.plan.user_id != self.user_id:
            errors.setdefault("plan", []).append("belongs to another person")
        raise_if(errors)


class TaperStep(UUIDModel):
    """From this day on, the amount the person agreed with their clinician (the journal never proposes one)."""

    taper = models.ForeignKey(Taper, on_delete=models.CASCADE, related_name="steps")
    starts_on = models.DateField()
    amount = models.FloatField(null=True, blank=True, validators=in_range(0, 1000))
    unit = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["taper", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["taper", "starts_on"], name="one_taper_step_per_day")]

    def __str__(self) -> str:
        amount = f"{self.amount:g} {self.unit}" if self.amount is not None else "as agreed"
        return f"from {self.starts_on}: {amount}"

    def clean(self) -> None:
        if self.amount is not None and self.amount > 0 and not self.unit:
            raise ValidationError({"unit": "give the unit, for example g"})
