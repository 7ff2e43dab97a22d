"""Safety alerts over the whole diary, and acknowledging the dangerous ones (as ``relief check`` does)."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema

from relief.api.common import AlertOut, me, reader, reads, writes
from relief.safety.engine import UnknownAlertError, acknowledge_keys, check_diary, report

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
