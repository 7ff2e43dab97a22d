"""The write path of attacks, pain samples, day records, side effects and questionnaires.

Each kind has ``create_*``, ``update_*`` and ``delete_*``: they validate everything, save all or
nothing and run the safety checks. Pages, the API and the CLI all call these (``log_*`` and
``add_pain`` are the older names of the create functions).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from relief.accounts.services import time_zone_of
from relief.core.services import (
    Saved,
    assign,
    begin_write,
    check_owner,
    delete_entry,
    finish_write,
    safety_alerts,
    update_entry,
    write_service,
)
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
from relief.safety import summary
from relief.treatments.models import Dose


@dataclass(frozen=True)
class Pain:
    """One pain sample as given: when, and 0-10 and/or 4-point."""

    at: datetime
    nrs: int | None = None
    four_point: int | None = None


@write_service
def create_attack(user: User, *, started_at: datetime, pain: Iterable[Pain] = (), **fields: Any) -> Saved:
    pending = begin_write(user)
    attack = Attack(user=user, started_at=started_at)
    assign(attack, fields)
    attack.full_clean()
    attack.save()
    _add_samples(attack, pain, together=True)
    finish_write(pending, attack=attack)
    return Saved(attack, safety_alerts(attack))


def _add_samples(attack: Attack, pain: Iterable[Pain], *, together: bool = False) -> None:
    """Validate every sample, then save them.

    ``together`` (a new attack with its samples): in one INSERT. Saving the attack has raised the
    person's diary version in this transaction already, which is all the samples' own saves would do.
    """
    samples = []
    for index, sample in enumerate(pain):
        obj = PainSample(attack=attack, at=sample.at, nrs=sample.nrs, four_point=sample.four_point)
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ValidationError({f"pain[{index}].{k}": v for k, v in exc.message_dict.items()}) from exc
        samples.append(obj)
    if together:
        for obj in samples:
            obj.at = obj.at.astimezone(UTC)  # as UUIDModel.save does
        PainSample.objects.bulk_create(samples)
        return
    for obj in samples:
        obj.save()


def update_attack(user: User, attack: Attack, **fields: Any) -> Saved:
    """Change an attack; its pain samples must still fit inside it."""
    return update_entry(user, attack, fields, also_check=list(attack.pain_samples.all()))


def end_attack(user: User, attack: Attack, ended_at: datetime) -> Saved:
    return update_attack(user, attack, ended_at=ended_at)


def delete_attack(user: User, attack: Attack) -> None:
    delete_entry(user, attack)


@transaction.atomic
def create_pain_sample(user: User, attack: Attack, sample: Pain) -> PainSample:
    check_owner(user, attack, "attack")
    _add_samples(attack, [sample])
    return attack.pain_samples.order_by("-at", "-id").first()  # type: ignore[return-value]


def update_pain_sample(user: User, sample: PainSample, **fields: Any) -> Saved:
    return update_entry(user, sample, fields)


def delete_pain_sample(user: User, sample: PainSample) -> None:
    delete_entry(user, sample)


def tag_for(user: User, name: str) -> FactorTag:
    clean = " ".join(name.split())
    tag = FactorTag.objects.filter(user=user, name__iexact=clean).first()
    if tag is None:
        tag = FactorTag(user=user, name=clean)
        tag.full_clean()
        tag.save()
    return tag


@write_service
def create_day_record(
    user: User,
    *,
    day: date,
    period: str = DayRecord.Period.DAY,
    factors: Mapping[str, float | None] | None = None,
    **fields: Any,
) -> Saved:
    """Create or update the day record of one day and period; given fields overwrite, others stay."""
    pending = begin_write(user)
    record = DayRecord.objects.filter(user=user, date=day, period=period).first()
    created = record is None
    had_alcohol = record is not None and bool(record.alcohol_units)
    if record is None:
        record = DayRecord(user=user, date=day, period=period)
    else:
        record.user = user  # the person as loaded for this request (with the profile its checks read)
    assign(record, fields)
    # Looked up by its date and period just now: no need to ask again whether another record has them.
    record.full_clean(validate_unique="date" in fields or "period" in fields)
    record.save()
    _save_factors(user, record, factors or {})
    known = finish_write(
        pending, day=record, day_created=created, changed_past=had_alcohol or bool(record.alcohol_units)
    )
    return Saved(record, safety_alerts(record, known=known), created=created)


def _save_factors(user: User, record: DayRecord, factors: Mapping[str, float | None]) -> None:
    for index, (name, amount) in enumerate(factors.items()):
        try:
            tag = tag_for(user, name)
            factor = DayFactor.objects.filter(day=record, tag=tag).first() or DayFactor(day=record, tag=tag)
            factor.amount = amount
            factor.full_clean()
        except ValidationError as exc:
            raise ValidationError({f"factors[{index}]": exc.messages}) from exc
        factor.save()


@write_service
def update_day_record(
    user: User, record: DayRecord, *, factors: Mapping[str, float | None] | None = None, **fields: Any
) -> Saved:
    """Change a day record; given factors are added or changed, the others stay."""
    saved = update_entry(user, record, fields)
    _save_factors(user, record, factors or {})
    return saved


def delete_day_record(user: User, record: DayRecord) -> None:
    delete_entry(user, record)


@write_service
def create_side_effect(user: User, **fields: Any) -> Saved:
    pending = begin_write(user)
    effect = SideEffect(user=user)
    assign(effect, fields)
    effect.full_clean()
    effect.save()
    known = finish_write(pending, changed_past=True)
    return Saved(effect, safety_alerts(effect, known=known))


def update_side_effect(user: User, effect: SideEffect, **fields: Any) -> Saved:
    return update_entry(user, effect, fields)


def delete_side_effect(user: User, effect: SideEffect) -> None:
    delete_entry(user, effect)


@write_service
def create_questionnaire(user: User, *, instrument: str, answers: list[int], **fields: Any) -> Saved:
    response = QuestionnaireResponse(user=user, instrument=instrument, answers=answers)
    assign(response, fields)
    response.full_clean()
    response.save()
    return Saved(response, safety_alerts(response))


def update_questionnaire(user: User, response: QuestionnaireResponse, **fields: Any) -> Saved:
    return update_entry(user, response, fields)


def delete_questionnaire(user: User, response: QuestionnaireResponse) -> None:
    delete_entry(user, response)


# The older names of the create functions, used across the app and its importers.
log_attack = create_attack
add_pain = create_pain_sample
log_day = create_day_record
log_side_effect = create_side_effect
log_questionnaire = create_questionnaire


def entries_for_day(
    user: User, day: date, *, known: summary.DiarySummary | None = None
) -> list[tuple[datetime | None, str, Any]]:
    """Everything logged on one local calendar day, in time order (untimed day records first).

    With the person's running summary (``known``), kinds it shows nothing of that day are not asked for.
    """
    start, end = day_bounds(day, time_zone_of(user))
    items: list[tuple[datetime | None, str, Any]] = []
    if known is None or summary.has_day(known, day) is not False:
        items += [(None, "day", r) for r in DayRecord.objects.filter(user=user, date=day)]
    if known is None or summary.attacks_started_between(known, start, end) != []:
        items += [
            (a.clock_start, "attack", a)
            for a in Attack.objects.filter(
                user=user, started_at__gte=start, started_at__lt=end
            ).prefetch_related("pain_samples")
        ]
    if known is None or summary.dose_rows_between(known, start, end) != []:
        items += [
            (d.taken_at, "dose", d)
            for d in Dose.objects.filter(user=user, taken_at__gte=start, taken_at__lt=end).select_related(
                "substance"
            )
        ]
    if known is None or summary.has_any(known, "side_effects"):
        items += [
            (s.occurred_at, "side_effect", s)
            for s in SideEffect.objects.filter(user=user, occurred_at__gte=start, occurred_at__lt=end)
        ]
    items.sort(key=lambda item: (item[0] is not None, item[0] or start))
    return items
