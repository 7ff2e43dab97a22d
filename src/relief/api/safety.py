"""Safety alerts over the whole diary, and acknowledging the dangerous ones (as ``relief check`` does)."""

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from relief.api.common import AlertOut, me, reader, reads, since_utc, writes
from relief.core.access import get_from_or_404, get_owned_or_404
from relief.products.models import Batch, Product
from relief.safety.engine import UnknownAlertError, acknowledge_keys, check_diary, report
from relief.safety.preview import preview_dose
from relief.treatments.services import require_substance, substances_for

router = Router(tags=["alerts"])


class AlertsOut(Schema):
    notice: str
    count: int
    needs_acknowledgement: int
    alerts: list[AlertOut]


class AcknowledgeIn(Schema):
    keys: list[str]


@router.get("/alerts", response=reads(AlertsOut))
def list_alerts(request: HttpRequest, owner: uuid.UUID | None = None) -> Any:
    """Every active alert, with the notice that alerts are information and not advice."""
    person, _ = reader(request, owner)
    return report(check_diary(person))


@router.post("/alerts/acknowledge", response=writes(AlertsOut))
def acknowledge(request: HttpRequest, body: AcknowledgeIn) -> Any:
    """Record that you have read these alerts (all or none); a share cannot acknowledge for the owner."""
    try:
        return report(acknowledge_keys(me(request), body.keys))
    except UnknownAlertError as exc:
        raise ValidationError({"keys": str(exc)}) from exc


class DoseCheckIn(Schema):
    """A dose you are about to take; nothing is saved."""

    substance_id: uuid.UUID | None = None
    substance: str = ""
    taken_at: datetime | None = None
    amount: float | None = None
    unit: str = ""
    route: str = ""
    reason: str = ""
    product_id: uuid.UUID | None = None
    batch_id: uuid.UUID | None = None


class DoseCheckOut(AlertsOut):
    saved: bool = False
    taken_at: datetime


@router.post("/doses/check", response=writes(DoseCheckOut), tags=["alerts", "doses"])
def check_dose(request: HttpRequest, body: DoseCheckIn) -> Any:
    """The alerts a dose *would* raise if you took it at ``taken_at`` (default now): every interaction
    with your doses and standing medications, overuse, dose, product, legal and special-situation checks.

    Nothing is saved; log the dose with ``POST /api/doses`` when you take it. Give the substance by
    ``substance_id`` or by name (``substance``: catalogue name, brand or alias). Naive times are your own
    clock. This is information, not medical advice."""
    person = me(request)
    if body.substance_id is not None:
        substance = get_from_or_404(substances_for(person), body.substance_id)
    elif body.substance.strip():
        substance = require_substance(person, body.substance)
    else:
        raise ValidationError({"substance_id": "give substance_id or substance (a name from the catalogue)"})
    product = get_owned_or_404(Product, person, body.product_id) if body.product_id else None
    batch = get_owned_or_404(Batch, person, body.batch_id) if body.batch_id else None
    taken_at = since_utc(person, body.taken_at) or timezone.now()
    alerts = preview_dose(
        person,
        substance,
        taken_at=taken_at,
        amount=body.amount,
        unit=body.unit,
        route=body.route,
        reason=body.reason,
        product=product,
        batch=batch,
    )
    return {**report(alerts), "saved": False, "taken_at": taken_at}
