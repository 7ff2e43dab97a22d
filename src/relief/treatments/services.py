"""The write path of doses, outcomes and standing medications, and the substance catalogue.

Each entry kind has ``create_*``, ``update_*`` and ``delete_*``: they validate everything, save
all or nothing and run the safety checks. ``resolve_dose_refs`` turns the names a person types
(substance, product, batch, unit) into their own objects, for the CLI and the pages alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, overload

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relief.core.access import owned
from relief.core.display import elapsed_text
from relief.core.services import (
    Saved,
    assign,
    begin_write,
    delete_entry,
    finish_write,
    safety_alerts,
    update_entry,
    write_service,
)
from relief.core.validation import is_uuid
from relief.diary.models import Attack
from relief.products.models import Batch, Product
from relief.safety import summary
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


@dataclass(frozen=True)
class DoseRefs:
    """The person's own product, batch and attack a dose refers to (each may be absent)."""

    product: Product | None = None
    batch: Batch | None = None
    attack: Attack | None = None


def _by_name_or_id(rows: Any, field: str, text: str) -> Any:
    return rows.filter(**{f"{field}__iexact": text}).first() or (
        rows.filter(pk=text).first() if is_uuid(text) else None
    )


def resolve_dose_refs(
    user: User,
    *,
    product: str | None = None,
    batch: str | None = None,
    attack: str | None = None,
    strict: bool = True,
) -> DoseRefs:
    """Find the person's own product (name or id), batch (lot number or id, within the product when
    one is given) and attack (id) a dose refers to.

    With ``strict`` a reference that matches nothing is a ValidationError naming the field and how to
    fix it; without (a page's suggested values from its address), it is simply left out.
    """
    errors: dict[str, str] = {}
    found_product = _by_name_or_id(owned(Product, user), "name", product) if product else None
    if product and found_product is None:
        errors["product"] = f"no product named {product!r}; add it with: relief log product"
    found_batch = None
    if batch:
        batches = owned(Batch, user)
        if found_product is not None:
            batches = batches.filter(product=found_product)
        found_batch = _by_name_or_id(batches, "lot_number", batch)
        if found_batch is None:
            errors["batch"] = f"no batch with lot {batch!r}; add it with: relief log batch"
    found_attack = owned(Attack, user).filter(pk=attack).first() if attack and is_uuid(attack) else None
    if attack and found_attack is None:
        errors["attack"] = f"no attack with id {attack!r}; see: relief list attacks"
    if errors and strict:
        raise ValidationError(errors)
    return DoseRefs(found_product, found_batch, found_attack)


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


@write_service
def create_dose(
    user: User, *, substance: Substance, outcome: dict[str, Any] | None = None, **fields: Any
) -> Saved:
    pending = begin_write(user)
    dose = Dose(user=user, substance=substance)
    assign(dose, fields)
    dose.full_clean()
    dose.save()
    if outcome:
        _save_outcome(dose, outcome)
    known = finish_write(pending, dose=dose, changed_past=bool(outcome))
    return Saved(dose, safety_alerts(dose, known=known))


@write_service
def update_dose(user: User, dose: Dose, *, outcome: dict[str, Any] | None = None, **fields: Any) -> Saved:
    """Change a dose (and, when given, the answers of its outcome)."""
    saved = update_entry(user, dose, fields)
    if outcome:
        _save_outcome(dose, outcome)
    return saved


def delete_dose(user: User, dose: Dose) -> None:
    delete_entry(user, dose)


def _save_outcome(dose: Dose, fields: dict[str, Any]) -> tuple[DoseOutcome, bool]:
    existing = DoseOutcome.objects.filter(dose=dose).first()
    result = existing or DoseOutcome(dose=dose)
    try:
        assign(result, fields)
        result.full_clean()
    except ValidationError as exc:
        raise ValidationError({f"outcome.{k}": v for k, v in exc.message_dict.items()}) from exc
    result.save()
    return result, existing is None


@write_service
def create_outcome(user: User, dose: Dose, **fields: Any) -> Saved:
    """Record (or complete) how an acute dose worked; answers already given stay unless overwritten."""
    if dose.user_id != user.pk:
        raise ValidationError({"dose": "belongs to another person"})
    pending = begin_write(user)
    result, created = _save_outcome(dose, fields)
    known = finish_write(pending, changed_past=True)
    return Saved(result, safety_alerts(result, known=known), created=created)


def update_outcome(user: User, outcome: DoseOutcome, **fields: Any) -> Saved:
    return update_entry(user, outcome, fields)


def delete_outcome(user: User, outcome: DoseOutcome) -> None:
    delete_entry(user, outcome)


@write_service
def create_medication(user: User, *, substance: Substance, **fields: Any) -> Saved:
    pending = begin_write(user)
    med = StandingMedication(user=user, substance=substance)
    assign(med, fields)
    med.full_clean()
    med.save()
    known = finish_write(pending, changed_past=True)
    return Saved(med, safety_alerts(med, known=known))


def update_medication(user: User, med: StandingMedication, **fields: Any) -> Saved:
    return update_entry(user, med, fields)


def delete_medication(user: User, med: StandingMedication) -> None:
    delete_entry(user, med)


@transaction.atomic
def add_custom_unit(user: User, *, name: str, grams: float, **fields: Any) -> CustomUnit:
    if CustomUnit.objects.filter(user=user, name__iexact=name.strip()).exists():
        raise ValidationError({"name": f"you have a unit named {name!r} already"})
    unit = CustomUnit(user=user, name=name, grams=grams, **fields)
    unit.full_clean()
    unit.save()
    return unit


# An attack left open for longer than this was probably never ended; it is not offered for a new dose.
ONGOING_AT_MOST = timedelta(hours=72)


@overload
def ongoing_attack(user: User) -> Attack | None: ...
@overload
def ongoing_attack(user: User, *, known: summary.DiarySummary) -> summary.AttackSpan | None: ...
def ongoing_attack(
    user: User, *, known: summary.DiarySummary | None = None
) -> Attack | summary.AttackSpan | None:
    """The attack going on now, if any: a dose logged during it belongs to it.

    Without the link an attack treated from the ordinary dose form counted as untreated in the
    analysis, and its dose was left out of how treatments worked. With the person's running summary
    (``known``, which holds every open attack) the answer comes from it instead of a query.
    """
    now = timezone.now()
    if known is not None:
        spans = [
            a
            for a in summary.attack_spans(known)
            if a.ended_at is None and now - ONGOING_AT_MOST <= a.started_at <= now
        ]
        return max(spans, key=lambda a: a.started_at) if spans else None
    return (
        owned(Attack, user)
        .filter(ended_at__isnull=True, started_at__lte=now, started_at__gte=now - ONGOING_AT_MOST)
        .order_by("-started_at")
        .first()
    )


# A dose taken at the first sign, with the attack logged as "now" a little later, still treats it.
FIRST_SIGN = timedelta(minutes=30)


def attack_treated_by(user: User, taken_at: datetime) -> Attack | None:
    """The attack going on that an acute dose taken at ``taken_at`` treats, for a dose logged without
    saying: none when the dose was taken well before the attack began (more than ``FIRST_SIGN``), or
    when no attack is going on (open, begun within 72 hours)."""
    attack = ongoing_attack(user)
    if attack is None or taken_at < attack.started_at - FIRST_SIGN:
        return None
    return attack


def doses_before_attack_was_logged(attack: Attack, *, limit: int = 5) -> list[Dose]:
    """Acute doses not linked to any attack, taken from ``FIRST_SIGN`` before ``attack`` began to its
    end (or now): most often medicine taken at the first sign, with the attack logged after it.

    Attack mode asks about each one; only a linked dose counts as treating the attack. An attack
    known only by its day (stored at noon) has no times to compare with: none."""
    if attack.times_unknown:
        return []
    until = attack.ended_at or timezone.now()
    return list(
        owned(Dose, attack.user)
        .filter(
            attack__isnull=True,
            reason=Dose.Reason.ACUTE,
            taken_at__gte=attack.started_at - FIRST_SIGN,
            taken_at__lte=until,
        )
        .select_related("substance")
        .order_by("taken_at")[:limit]
    )


# Asking how a dose worked stops after a day: nobody remembers the pain two hours after a dose taken
# two days ago, and a week of unanswered prompts would push the attack button off a phone's screen.
# An older dose's outcome can still be entered from the dose itself.
OUTCOME_PROMPT_WINDOW = timedelta(hours=24)


def pending_outcomes(
    user: User,
    *,
    older_than_minutes: int = 120,
    within: timedelta | None = OUTCOME_PROMPT_WINDOW,
    now: datetime | None = None,
) -> list[Dose]:
    """Acute doses taken at least two hours before ``now``, and at most ``within`` before it (None:
    ever), whose 2-hour pain is not recorded yet; the latest first."""
    now = now or timezone.now()
    doses = Dose.objects.filter(
        user=user, reason=Dose.Reason.ACUTE, taken_at__lte=now - timedelta(minutes=older_than_minutes)
    )
    if within is not None:
        doses = doses.filter(taken_at__gte=now - within)
    return list(
        doses.exclude(outcome__pain_2h__isnull=False).select_related("substance").order_by("-taken_at")[:20]
    )


# The answers an outcome asks at fixed times after the dose, and what each is called in a note.
TIMED_ANSWERS: dict[str, tuple[timedelta, str]] = {
    "pain_30m": (timedelta(minutes=30), "the pain at 30 minutes"),
    "pain_1h": (timedelta(hours=1), "the pain at 1 hour"),
    "pain_2h": (timedelta(hours=2), "the pain at 2 hours"),
    "mbs_gone_2h": (timedelta(hours=2), "whether the most bothersome symptom was gone at 2 hours"),
    "pain_24h": (timedelta(hours=24), "the pain at 24 hours"),
    "returned_24h": (timedelta(hours=24), "whether the headache came back within 24 hours"),
}


def early_answers(dose: Dose, fields: dict[str, Any], *, now: datetime | None = None) -> str | None:
    """A note (never an error) for answers given before their time had come: a 2-hour pain saved 20
    minutes after the dose is most likely the pain now, and would count as the trial endpoint.

    A tenth of each interval is allowed early, for a reminder answered a little ahead of time."""
    elapsed = (now or timezone.now()) - dose.taken_at
    early = [
        words
        for name, (mark, words) in TIMED_ANSWERS.items()
        if fields.get(name) is not None and elapsed < mark * 0.9
    ]
    if not early:
        return None
    listed = early[0] if len(early) == 1 else ", ".join(early[:-1]) + " and " + early[-1]
    return (
        f"You gave {listed} {elapsed_text(elapsed)} after the dose, before that time had come. If it is "
        "how you are now, put it under the time that has passed, and add the later answers when their "
        "time comes."
    )


# The older names of the create functions, used across the app and its importers.
log_dose = create_dose
log_outcome = create_outcome
add_medication = create_medication
