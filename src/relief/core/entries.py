"""Which service changes and deletes each kind of entry: one write path for pages, API and CLI.

``update(user, entry, fields)`` and ``delete(user, entry)`` pick the kind's own ``update_*`` /
``delete_*`` service (which validate everything, save all or nothing and run the safety checks).
Kinds without their own service (custom units, factor tags, the person's own substances) go
through the generic ``update_entry`` / ``delete_entry``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from relief.core.services import Saved, delete_entry, update_entry
from relief.diary import services as diary
from relief.diary.models import Attack, DayRecord, PainSample, QuestionnaireResponse, SideEffect
from relief.products import services as products
from relief.products.models import Batch, LabReport, Product
from relief.treatments import services as treatments
from relief.treatments.models import Dose, DoseOutcome, StandingMedication

UPDATES: dict[type[models.Model], Callable[..., Saved]] = {
    Attack: diary.update_attack,
    PainSample: diary.update_pain_sample,
    DayRecord: diary.update_day_record,
    SideEffect: diary.update_side_effect,
    QuestionnaireResponse: diary.update_questionnaire,
    Dose: treatments.update_dose,
    DoseOutcome: treatments.update_outcome,
    StandingMedication: treatments.update_medication,
    Product: products.update_product,
    Batch: products.update_batch,
    LabReport: products.update_lab_report,
}

DELETES: dict[type[models.Model], Callable[[Any, Any], None]] = {
    Attack: diary.delete_attack,
    PainSample: diary.delete_pain_sample,
    DayRecord: diary.delete_day_record,
    SideEffect: diary.delete_side_effect,
    QuestionnaireResponse: diary.delete_questionnaire,
    Dose: treatments.delete_dose,
    DoseOutcome: treatments.delete_outcome,
    StandingMedication: treatments.delete_medication,
    Product: products.delete_product,
    Batch: products.delete_batch,
    LabReport: products.delete_lab_report,
}


def update(user: Any, entry: models.Model, fields: Mapping[str, Any]) -> Saved:
    """Change ``entry`` through its kind's service; the alerts come back with it."""
    service = UPDATES.get(type(entry))
    if service is None:
        return update_entry(user, entry, fields)
    return service(user, entry, **fields)


def delete(user: Any, entry: models.Model) -> None:
    """Delete ``entry`` (and what belongs only to it) through its kind's service."""
    DELETES.get(type(entry), delete_entry)(user, entry)
