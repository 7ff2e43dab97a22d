"""Services for products, batches and lab reports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from relief.core.services import Saved, safety_alerts
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import Substance


@transaction.atomic
def add_product(user: User, *, substance: Substance, name: str, **fields: Any) -> Saved:
    product = Product(user=user, substance=substance, name=name, **fields)
    product.full_clean()
    product.save()
    return Saved(product, safety_alerts(product))


@transaction.atomic
def add_batch(user: User, product: Product, **fields: Any) -> Saved:
    if product.user_id != user.pk:
        raise ValidationError({"product": "belongs to another person"})
    batch = Batch(product=product, **fields)
    batch.full_clean()
    batch.save()
    return Saved(batch, safety_alerts(batch))


@transaction.atomic
def add_lab_report(user: User, batch: Batch, **fields: Any) -> Saved:
    if batch.product.user_id != user.pk:
        raise ValidationError({"batch": "belongs to another person"})
    report = LabReport(batch=batch, **fields)
    report.full_clean()
    report.save()
    return Saved(report, safety_alerts(report))
