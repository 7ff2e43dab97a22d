"""Services for doses, outcomes, standing medications and the catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from relief.core.services import Saved, safety_alerts
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication, Substance


def substances_for(user: User):
    """Built-in substances and the person's own."""
    return Substance.objects.filter(Q(user__isnull=True) | Q(user=user))


def find_substance(user: User, name: str) -> Substance | None:
    """Find a substance by catalogue key, name or alias (case-insensitive)."""
    wanted = " ".join(name.split()).lower()
    if not wanted:
        return None
    candidates = list(substances_for(user))
    for s in candidates:  # the person's own entries win over built-in ones
        if s.user_id == user.pk and s.name.lower() == wanted:
            return s
    for s in candidates:
        if wanted in {s.key.lower(), s.name.lower()} or wanted in (a.lower() for a in s.aliases):
            return s
    return None


def require_substance(user: User, name: str) -> Substance:
    found = find_substance(user, name)
    if found is None:
        raise ValidationError(
            {
                "substance": f"{name!r} is not in the catalogue or your own list; add it with: relief substance add {name!r}"
            }
        )
    return found


@transaction.atomic
def add_substance(
    user: User, *, name: str, substance_class: str = "other", kind: str = "drug", **fields: Any
) -> Substance:
    if find_substance(user, name) is not None and find_substance(user, name).user_id == user.pk:  # type: ignore[union-attr]
        raise ValidationError({"name": f"you have a substance named {name!r} already"})
    substance = Substance(user=user, name=name, substance_class=substance_class, kind=kind, **fields)
    substance.full_clean()
    substance.save()
    return substance


def _set(obj: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if not hasattr(obj, name):
            raise ValidationError({name: f"is not a field of {type(obj).__name__.lower()}"})
        setattr(obj, name, value)


@transaction.atomic
def log_dose(
    user: User, *, substance: Substance, outcome: dict[str, Any] | None = None, **fields: Any
) -> Saved:
    dose = Dose(user=user, substance=substance)
    _set(dose, fields)
    dose.full_clean()
    dose.save()
    if outcome:
        _save_outcome(dose, outcome)
    return Saved(dose, safety_alerts(dose))


def _save_outcome(dose: Dose, fields: dict[str, Any]) -> tuple[DoseOutcome, bool]:
    existing = DoseOutcome.objects.filter(dose=dose).first()
    result = existing or DoseOutcome(dose=dose)
    try:
        _set(result, fields)
        result.full_clean()
    except ValidationError as exc:
        raise ValidationError({f"outcome.{k}": v for k, v in exc.message_dict.items()}) from exc
    result.save()
    return result, existing is None


@transaction.atomic
def log_outcome(user: User, dose: Dose, **fields: Any) -> Saved:
    """Record (or complete) how an acute dose worked; answers already given stay unless overwritten."""
    if dose.user_id != user.pk:
        raise ValidationError({"dose": "belongs to another person"})
    result, created = _save_outcome(dose, fields)
    return Saved(result, safety_alerts(result), created=created)


@transaction.atomic
def add_medication(user: User, *, substance: Substance, **fields: Any) -> Saved:
    med = StandingMedication(user=user, substance=substance)
    _set(med, fields)
    med.full_clean()
    med.save()
    return Saved(med, safety_alerts(med))


@transaction.atomic
def add_custom_unit(user: User, *, name: str, grams: float, **fields: Any) -> CustomUnit:
    if CustomUnit.objects.filter(user=user, name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"you have a unit named {name!r} already"})
    unit = CustomUnit(user=user, name=name, grams=grams, **fields)
    unit.full_clean()
    unit.save()
    return unit


def pending_outcomes(user: User, *, older_than_minutes: int = 120) -> list[Dose]:
    """Acute doses taken at least two hours ago whose 2-hour pain is not recorded yet."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    return list(
        Dose.objects.filter(user=user, reason=Dose.Reason.ACUTE, taken_at__lte=cutoff)
        .exclude(outcome__pain_2h__isnull=False)
        .select_related("substance")
        .order_by("-taken_at")[:20]
    )
