"""Attacks, pain samples, day records with factors, side effects and questionnaires."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from relief.accounts.services import today_for
from relief.core.models import OwnedModel, UUIDModel
from relief.core.validation import check_not_future, in_range, not_negative, raise_if

UNKNOWN = "Leave empty when you don't know; unknown is never read as 'no'."


def _unknown_bool(label: str) -> models.BooleanField:
    return models.BooleanField(null=True, blank=True, default=None, verbose_name=label, help_text=UNKNOWN)


class Attack(OwnedModel):
    """One headache or pain episode: open while ongoing."""

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BOTH = "both", "Both sides"
        ALTERNATING = "alternating", "Side alternates"

    class Region(models.TextChoices):
        FOREHEAD = "forehead", "Forehead"
        TEMPLE = "temple", "Temple"
        EYE = "eye", "Behind the eye"
        TOP = "top", "Top of the head"
        BACK = "back", "Back of the head"
        NECK = "neck", "Neck"
        FACE = "face", "Face or jaw"
        WHOLE = "whole", "Whole head"

    class Quality(models.TextChoices):
        PULSATING = "pulsating", "Pulsating, throbbing"
        PRESSING = "pressing", "Pressing, tightening"
        STABBING = "stabbing", "Stabbing"
        OTHER = "other", "Other"

    class Bothersome(models.TextChoices):
        NAUSEA = "nausea", "Nausea"
        PHOTOPHOBIA = "photophobia", "Light sensitivity"
        PHONOPHOBIA = "phonophobia", "Sound sensitivity"
        OTHER = "other", "Something else"

    SYMPTOMS = (
        "nausea",
        "vomiting",
        "photophobia",
        "phonophobia",
        "osmophobia",
        "dizziness",
        "allodynia",
        "neck_pain",
    )
    AURA_TYPES = (
        "aura_visual",
        "aura_sensory",
        "aura_speech",
        "aura_motor",
        "aura_brainstem",
        "aura_retinal",
    )

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    side = models.CharField(max_length=12, choices=Side.choices, blank=True)
    region = models.CharField(max_length=12, choices=Region.choices, blank=True)
    quality = models.CharField(max_length=12, choices=Quality.choices, blank=True)
    worse_with_activity = _unknown_bool("Worse with routine activity")
    aura_visual = _unknown_bool("Visual aura")
    aura_sensory = _unknown_bool("Sensory aura (tingling, numbness)")
    aura_speech = _unknown_bool("Speech or language aura")
    aura_motor = _unknown_bool("Motor aura (weakness)")
    aura_brainstem = _unknown_bool("Brainstem aura (vertigo, double vision, slurred speech)")
    aura_retinal = _unknown_bool("Retinal aura (one eye)")
    aura_duration_min = models.PositiveIntegerField(null=True, blank=True, validators=in_range(1, 10080))
    aura_spreads_gradually = _unknown_bool("Aura spread gradually over 5 minutes or more")
    aura_positive = _unknown_bool("Aura had positive symptoms (flickering lights, pins and needles)")
    aura_unilateral = _unknown_bool("Aura was on one side")
    nausea = _unknown_bool("Nausea")
    vomiting = _unknown_bool("Vomiting")
    photophobia = _unknown_bool("Light sensitivity")
    phonophobia = _unknown_bool("Sound sensitivity")
    osmophobia = _unknown_bool("Smell sensitivity")
    dizziness = _unknown_bool("Dizziness")
    allodynia = _unknown_bool("Skin sensitivity (allodynia)")
    neck_pain = _unknown_bool("Neck pain")
    most_bothersome = models.CharField(max_length=12, choices=Bothersome.choices, blank=True)
    disability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=in_range(0, 3), help_text="0 none, 1 mild, 2 severe, 3 bed rest"
    )
    believed_migraine = _unknown_bool("Felt like a migraine at onset")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["user", "started_at"])]

    def __str__(self) -> str:
        return f"attack from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def times_unknown(self) -> bool:
        """Only the day is known (a date-only import, stored at noon with no length): show no clock time."""
        return self.ended_at is not None and self.ended_at == self.started_at

    @property
    def clock_start(self) -> datetime | None:
        """The time a list shows for it: when it began, or None when only its day is known."""
        return None if self.times_unknown else self.started_at

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_not_future(errors, "started_at", self.started_at)
        check_not_future(errors, "ended_at", self.ended_at)
        if self.started_at and self.ended_at and self.ended_at < self.started_at:
            errors.setdefault("ended_at", []).append(
                f"is before the start ({self.ended_at:%Y-%m-%d %H:%M} < {self.started_at:%Y-%m-%d %H:%M} UTC); "
                "check the date of the end"
            )
        raise_if(errors)


class PainSample(UUIDModel):
    """Pain at one moment of an attack, on 0-10 and/or the 4-point scale."""

    class FourPoint(models.IntegerChoices):
        NONE = 0, "None"
        MILD = 1, "Mild"
        MODERATE = 2, "Moderate"
        SEVERE = 3, "Severe"

    attack = models.ForeignKey(Attack, on_delete=models.CASCADE, related_name="pain_samples")
    at = models.DateTimeField()
    nrs = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    four_point = models.PositiveSmallIntegerField(null=True, blank=True, choices=FourPoint.choices)

    class Meta:
        ordering = ["at", "id"]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.nrs is None and self.four_point is None:
            errors.setdefault("nrs", []).append(
                "give pain on 0-10 or on the 4-point scale (none/mild/moderate/severe)"
            )
        check_not_future(errors, "at", self.at)
        attack = self.attack if self.attack_id else None
        if attack is not None and self.at is not None and attack.started_at and self.at < attack.started_at:
            errors.setdefault("at", []).append("is before the attack started; move the sample or the start")
        if attack is not None and self.at is not None and attack.ended_at and self.at > attack.ended_at:
            errors.setdefault("at", []).append("is after the attack ended; move the sample or the end")
        raise_if(errors)


class FactorTag(OwnedModel):
    """A free factor the person wants to watch (a food, an event, anything)."""

    name = models.CharField(max_length=80)
    unit = models.CharField(
        max_length=20, blank=True, help_text="Unit of the optional amount, for example 'glasses'"
    )
    tracked = models.BooleanField(default=True, help_text="Shown first in the daily check-in")

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_tag_name_per_user")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        if not self.name:
            raise ValidationError({"name": "give the factor a name"})


class DayRecord(OwnedModel):
    """What a day was like: for chronic pain and for every day, attack or not."""

    class Period(models.TextChoices):
        DAY = "day", "Whole day"
        MORNING = "morning", "Morning"
        AFTERNOON = "afternoon", "Afternoon"
        EVENING = "evening", "Evening / night"

    class Bleeding(models.IntegerChoices):
        NONE = 0, "None"
        SPOTTING = 1, "Spotting"
        LIGHT = 2, "Light"
        MEDIUM = 3, "Medium"
        HEAVY = 4, "Heavy"

    date = models.DateField(help_text="Calendar day in your time zone")
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.DAY)
    worst_pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    function = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=in_range(0, 3),
        help_text="0 normal, 1 mildly impaired, 2 severely, 3 bed rest",
    )
    sleep_hours = models.FloatField(null=True, blank=True, validators=in_range(0, 24))
    sleep_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=in_range(1, 5), help_text="1 very poor ... 5 very good"
    )
    stress = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 10))
    mood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=in_range(0, 10), help_text="0 worst, 10 best"
    )
    water_l = models.FloatField(null=True, blank=True, validators=in_range(0, 15))
    caffeine_mg = models.FloatField(null=True, blank=True, validators=in_range(0, 3000))
    alcohol_units = models.FloatField(null=True, blank=True, validators=in_range(0, 60))
    exercise_min = models.PositiveIntegerField(null=True, blank=True, validators=in_range(0, 1440))
    menstrual_bleeding = models.PositiveSmallIntegerField(null=True, blank=True, choices=Bleeding.choices)
    skipped_meals = models.PositiveSmallIntegerField(null=True, blank=True, validators=in_range(0, 6))
    pressure_hpa = models.FloatField(null=True, blank=True, validators=in_range(870, 1090))
    temperature_c = models.FloatField(null=True, blank=True, validators=in_range(-60, 60))
    humidity_pct = models.FloatField(null=True, blank=True, validators=in_range(0, 100))
    weather_source = models.CharField(max_length=20, blank=True, help_text="'manual' or the weather service")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date", "period"], name="one_day_record_per_period"),
        ]

    def __str__(self) -> str:
        return f"day {self.date} ({self.period})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.date and self.user_id:
            today = today_for(self.user)
            if self.date > today:
                errors.setdefault("date", []).append(
                    f"is after today ({self.date} > {today} in your time zone); check the date"
                )
        raise_if(errors)


class DayFactor(UUIDModel):
    """A factor tag present on a day, with an optional amount."""

    day = models.ForeignKey(DayRecord, on_delete=models.CASCADE, related_name="factors")
    tag = models.ForeignKey(FactorTag, on_delete=models.CASCADE, related_name="+")
    amount = models.FloatField(null=True, blank=True, validators=[not_negative])

    class Meta:
        ordering = ["day", "tag__name", "id"]
        constraints = [models.UniqueConstraint(fields=["day", "tag"], name="one_factor_per_tag_per_day")]

    def clean(self) -> None:
        if self.day_id and self.tag_id and self.day.user_id != self.tag.user_id:
            raise ValidationError({"tag": "belongs to another person"})


class SideEffect(OwnedModel):
    class Symptom(models.TextChoices):
        NAUSEA = "nausea", "Nausea"
        VOMITING = "vomiting", "Vomiting"
        CONSTIPATION = "constipation", "Constipation"
        DRY_MOUTH = "dry_mouth", "Dry mouth"
        DIZZINESS = "dizziness", "Dizziness"
        DROWSINESS = "drowsiness", "Drowsiness"
        HEADACHE = "headache", "Headache"
        ITCHING = "itching", "Itching"
        SWEATING = "sweating", "Sweating"
        JITTERINESS = "jitteriness", "Jitteriness"
        INSOMNIA = "insomnia", "Trouble sleeping"
        LOSS_OF_APPETITE = "loss_of_appetite", "Loss of appetite"
        HANGOVER = "hangover", "Hangover feeling"
        ANXIETY = "anxiety", "Anxiety or agitation"
        IRRITABILITY = "irritability", "Irritability"
        LOW_MOOD = "low_mood", "Low mood"
        MUSCLE_ACHES = "muscle_aches", "Muscle aches"
        RESTLESSNESS = "restlessness", "Restlessness"
        CRAVING = "craving", "Craving"
        TINGLING = "tingling", "Tingling"
        FATIGUE = "fatigue", "Fatigue"
        # Red flags: seek care now.
        YELLOW_SKIN_EYES = "yellow_skin_eyes", "Yellow skin or eyes"
        DARK_URINE = "dark_urine", "Dark urine"
        CHEST_PAIN = "chest_pain", "Chest pain"
        CONFUSION = "confusion", "Confusion"
        SEIZURE = "seizure", "Seizure"
        SEVERE_NAUSEA = "severe_nausea", "Severe nausea"
        SLOW_BREATHING = "slow_breathing", "Slow or difficult breathing"
        UNRESPONSIVE = "unresponsive", "Very hard to wake or unresponsive"
        SEROTONIN_SIGNS = "serotonin_signs", "Agitation with shivering, twitching, sweating or fever"
        FAINTING = "fainting", "Fainting"
        PALPITATIONS = "palpitations", "Racing or irregular heartbeat"
        PALE_STOOLS = "pale_stools", "Pale or clay-coloured stools"
        OTHER = "other", "Other"

    RED_FLAGS = frozenset(
        {
            "yellow_skin_eyes",
            "dark_urine",
            "chest_pain",
            "confusion",
            "seizure",
            "severe_nausea",
            "slow_breathing",
            "unresponsive",
            "serotonin_signs",
            "fainting",
            "palpitations",
            "pale_stools",
        }
    )

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    symptom = models.CharField(max_length=20, choices=Symptom.choices)
    other_symptom = models.CharField(
        max_length=100, blank=True, help_text="Name it when the symptom is 'other'"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MILD)
    occurred_at = models.DateTimeField(default=timezone.now)
    dose = models.ForeignKey(
        "treatments.Dose", null=True, blank=True, on_delete=models.SET_NULL, related_name="side_effects"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["user", "occurred_at"])]

    @property
    def is_red_flag(self) -> bool:
        return self.symptom in self.RED_FLAGS

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_not_future(errors, "occurred_at", self.occurred_at)
        if self.symptom == self.Symptom.OTHER and not self.other_symptom.strip():
            errors.setdefault("other_symptom", []).append("name the symptom when you choose 'other'")
        if self.dose is not None and self.user_id and self.dose.user_id != self.user_id:
            errors.setdefault("dose", []).append("belongs to another person")
        raise_if(errors)


class QuestionnaireResponse(OwnedModel):
    """Item answers of MIDAS, HIT-6 or SOWS; scores are computed, never stored."""

    class Instrument(models.TextChoices):
        MIDAS = "midas", "MIDAS (migraine disability, last 3 months)"
        HIT6 = "hit6", "HIT-6 (headache impact, last 4 weeks)"
        SOWS = "sows", "SOWS (subjective opiate withdrawal, right now)"

    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(help_text="Item answers in questionnaire order")

    class Meta:
        ordering = ["answered_at", "id"]

    def clean(self) -> None:
        # lazy: relief.analysis (pandas) loads on first use, not when the models load
        from relief.diary.questionnaires import validate_answers

        errors: dict[str, list[str]] = {}
        check_not_future(errors, "answered_at", self.answered_at)
        problem = validate_answers(self.instrument, self.answers)
        if problem:
            errors.setdefault("answers", []).append(problem)
        raise_if(errors)

    @property
    def score(self) -> float:
        # lazy: relief.analysis (pandas) loads on first use, not when the models load
        from relief.diary.questionnaires import score

        return score(self.instrument, self.answers)
