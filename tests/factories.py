"""Small helpers that build test data in the test (no global fixtures)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from relief.accounts.services import create_account, get_profile
from relief.diary.models import Attack, DayRecord, SideEffect
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import Dose, StandingMedication, Substance

_counter = iter(range(1, 10**9))


def make_user(name: str | None = None, *, time_zone: str = "UTC", **profile: Any) -> User:
    user = create_account(
        name or f"person{next(_counter)}", password="correct horse battery staple", time_zone=time_zone
    )
    if profile:
        p = get_profile(user)
        for key, value in profile.items():
            setattr(p, key, value)
        p.full_clean()
        p.save()
    return user


def ago(**delta: float) -> datetime:
    return timezone.now() - timedelta(**delta)


def at(text: str) -> datetime:
    """An aware UTC datetime from ISO text ('2026-03-29T01:30Z' or with an offset)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(UTC)


def substance(key: str) -> Substance:
    return Substance.objects.get(key=key)


def make_attack(user: User, *, started_at: datetime | None = None, **fields: Any) -> Attack:
    attack = Attack(user=user, started_at=started_at or ago(hours=3), **fields)
    attack.full_clean()
    attack.save()
    return attack


def make_dose(
    user: User, key: str = "kratom", *, amount: float | None = 3, unit: str = "g", **fields: Any
) -> Dose:
    fields.setdefault("taken_at", ago(hours=1))
    dose = Dose(
        user=user, substance=substance(key), amount=amount, unit=unit if amount is not None else "", **fields
    )
    dose.full_clean()
    dose.save()
    return dose


def make_day(user: User, day, **fields: Any) -> DayRecord:
    record = DayRecord(user=user, date=day, **fields)
    record.full_clean()
    record.save()
    return record


def make_side_effect(user: User, symptom: str = "nausea", **fields: Any) -> SideEffect:
    effect = SideEffect(
        user=user, symptom=symptom, occurred_at=fields.pop("occurred_at", ago(minutes=30)), **fields
    )
    effect.full_clean()
    effect.save()
    return effect


def make_medication(user: User, key: str = "sertraline", **fields: Any) -> StandingMedication:
    fields.setdefault("started_on", (timezone.now() - timedelta(days=100)).date())
    med = StandingMedication(user=user, substance=substance(key), **fields)
    med.full_clean()
    med.save()
    return med


def make_product(user: User, name: str = "Red Bali powder", **fields: Any) -> Product:
    product = Product(
        user=user,
        substance=substance("kratom"),
        name=name,
        vendor=fields.pop("vendor", "Test Vendor"),
        **fields,
    )
    product.full_clean()
    product.save()
    return product


def make_batch(product: Product, lot: str = "LOT-1", **fields: Any) -> Batch:
    batch = Batch(product=product, lot_number=lot, **fields)
    batch.full_clean()
    batch.save()
    return batch


def make_lab_report(batch: Batch, **fields: Any) -> LabReport:
    report = LabReport(batch=batch, **fields)
    report.full_clean()
    report.save()
    return report
