"""Services for attacks, day records, side effects and questionnaires."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from relief.accounts.services import time_zone_of
from relief.core.services import Saved, safety_alerts
from relief.core.timeutil import day_bounds
from relief.diary.models import (
    Attack,
    DayFactor,
    DayRecord,
    FactorTag,
    PainSample,
    QuestionnaireResponse,
    SideEffect,
)


@dataclass(frozen=True)
class Pain:
    """One pain sample as given: when, and 0-10 and/or 4-point."""

    at: datetime
    nrs: int | None = None
    four_point: int | None = None


def _apply(obj: Any, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        if not hasattr(obj, name) and not hasattr(type(obj), name):
            raise ValidationError({name: f"is not a field of {type(obj).__name__.lower()}"})
        setattr(obj, name, value)


@transaction.atomic
def log_attack(user: User, *, started_at: datetime, pain: Iterable[Pain] = (), **fields: Any) -> Saved:
    attack = Attack(user=user, started_at=started_at)
    _apply(attack, fields)
    attack.full_clean()
    attack.save()
    _add_samples(attack, pain)
    return Saved(attack, safety_alerts(attack))


def _add_samples(attack: Attack, pain: Iterable[Pain]) -> None:
    for index, sample in enumerate(pain):
        obj = PainSample(attack=attack, at=sample.at, nrs=sample.nrs, four_point=sample.four_point)
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ValidationError({f"pain[{index}].{k}": v for k, v in exc.message_dict.items()}) from exc
        obj.save()


@transaction.atomic
def add_pain(user: User, attack: Attack, sample: Pain) -> PainSample:
    if attack.user_id != user.pk:
        raise ValidationError({"attack": "belongs to another person"})
    _add_samples(attack, [sample])
    return attack.pain_samples.order_by("-at", "-id").first()  # type: ignore[return-value]


@transaction.atomic
def end_attack(user: User, attack: Attack, ended_at: datetime) -> Saved:
    attack.ended_at = ended_at
    attack.full_clean()
    for sample in attack.pain_samples.all():
        sample.full_clean()
    attack.save()
    return Saved(attack, [], created=False)


def tag_for(user: User, name: str) -> FactorTag:
    clean = " ".join(name.split())
    tag = FactorTag.objects.filter(user=user, name__iexact=clean).first()
    if tag is None:
        tag = FactorTag(user=user, name=clean)
        tag.full_clean()
        tag.save()
    return tag


@transaction.atomic
def log_day(
    user: User,
    *,
    day: date,
    period: str = DayRecord.Period.DAY,
    factors: Mapping[str, float | None] | None = None,
    **fields: Any,
) -> Saved:
    """Create or update the day record of one day and period; given fields overwrite, others stay."""
    record = DayRecord.objects.filter(user=user, date=day, period=period).first()
    created = record is None
    if record is None:
        record = DayRecord(user=user, date=day, period=period)
    _apply(record, fields)
    record.full_clean()
    record.save()
    for index, (name, amount) in enumerate((factors or {}).items()):
        try:
            tag = tag_for(user, name)
            factor = DayFactor.objects.filter(day=record, tag=tag).first() or DayFactor(day=record, tag=tag)
            factor.amount = amount
            factor.full_clean()
        except ValidationError as exc:
            raise ValidationError({f"factors[{index}]": exc.messages}) from exc
        factor.save()
    return Saved(record, safety_alerts(record), created=created)


@transaction.atomic
def log_side_effect(user: User, **fields: Any) -> Saved:
    effect = SideEffect(user=user)
    _apply(effect, fields)
    effect.full_clean()
    effect.save()
    return Saved(effect, safety_alerts(effect))


@transaction.atomic
def log_questionnaire(user: User, *, instrument: str, answers: list[int], **fields: Any) -> Saved:
    response = QuestionnaireResponse(user=user, instrument=instrument, answers=answers)
    _apply(response, fields)
    response.full_clean()
    response.save()
    return Saved(response, safety_alerts(response))


def entries_for_day(user: User, day: date) -> list[tuple[datetime | None, str, Any]]:
    """Everything logged on one local calendar day, in time order (untimed day records first)."""
    from relief.treatments.models import Dose

    start, end = day_bounds(day, time_zone_of(user))
    items: list[tuple[datetime | None, str, Any]] = []
    items += [(None, "day", r) for r in DayRecord.objects.filter(user=user, date=day)]
    items += [
        (a.started_at, "attack", a)
        for a in Attack.objects.filter(user=user, started_at__gte=start, started_at__lt=end)
    ]
    items += [
        (d.taken_at, "dose", d)
        for d in Dose.objects.filter(user=user, taken_at__gte=start, taken_at__lt=end).select_related(
            "substance"
        )
    ]
    items += [
        (s.occurred_at, "side_effect", s)
        for s in SideEffect.objects.filter(user=user, occurred_at__gte=start, occurred_at__lt=end)
    ]
    items.sort(key=lambda item: (item[0] is not None, item[0] or start))
    return items
