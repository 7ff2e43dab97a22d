"""The write path of products, batches and lab reports: create, update and delete, each checked."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from relief.core.services import Saved, check_owner, delete_entry, safety_alerts, update_entry
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import Substance


@transaction.atomic
def create_product(user: User, *, substance: Substance, name: str, **fields: Any) -> Saved:
    product = Product(user=user, substance=substance, name=name, **fields)
    product.full_clean()
    product.save()
    return Saved(product, safety_alerts(product))


@transaction.atomic
def create_batch(user: User, product: Product, **fields: Any) -> Saved:
    check_owner(user, product, "product")
    batch = Batch(product=product, **fields)
    batch.full_clean()
    batch.save()
    return Saved(batch, safety_alerts(batch))


@transaction.atomic
def create_lab_report(user: User, batch: Batch, **fields: Any) -> Saved:
    check_owner(user, batch, "batch")
    report = LabReport(batch=batch, **fields)
    report.full_clean()
    report.save()
    return Saved(report, safety_alerts(report))


def update_product(user: User, product: Product, **fields: Any) -> Saved:
    return update_entry(user, product, fields)


def delete_product(user: User, product: Product) -> None:
    delete_entry(user, product)


def update_batch(user: User, batch: Batch, **fields: Any) -> Saved:
    return update_entry(user, batch, fields)


def delete_batch(user: User, batch: Batch) -> None:
    delete_entry(user, batch)


def update_lab_report(user: User, report: LabReport, **fields: Any) -> Saved:
    return update_entry(user, report, fields)


def delete_lab_report(user: User, report: LabReport) -> None:
    delete_entry(user, report)


# The older names of the create functions.
add_product = create_product
add_batch = create_batch
add_lab_report = create_lab_report
