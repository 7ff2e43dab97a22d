"""What the phone keeps for offline use: the pre-dose safety information for the substances a person uses.

While online, the pages of attack mode and the dose form ask for this and keep it on the phone (for
the signed-in person only, replaced on every fresh load). Offline, the phone shows it next to the
substance, labelled with the moment it was computed: it may be out of date, and the full safety check
still runs when the queued dose reaches the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from relief.accounts.services import time_zone_of
from relief.core.timeutil import zone
from relief.safety.preview import preview_dose
from relief.treatments.models import Dose, Substance
from relief.treatments.usual import usual_doses

# The levels attack mode shows before a one-tap dose; notes below these are left out here too.
SHOWN = ("dangerous", "unsafe", "caution")
MAX_SUBSTANCES = 8  # the usual doses and the substances logged most recently
LOOKBACK = 200  # doses


@dataclass
class Checked:
    """One substance as ``preview_dose`` saw it, at the person's latest (or usual) amount."""

    substance: Substance
    amount: float | None
    unit: str
    label: str
    templates: list[str] = field(default_factory=list)  # ids of the one-tap doses it stands for
    alerts: list[dict[str, Any]] = field(default_factory=list)


def _alerts(user: User, dose: Dose) -> list[dict[str, Any]]:
    found = preview_dose(
        user,
        dose.substance,
        amount=dose.amount,
        unit=dose.unit,
        route=dose.route,
        reason=Dose.Reason.ACUTE,
        product=dose.product,
        batch=dose.batch,
    )
    return [
        {"level": a.level, "title": a.title, "dangerous": a.level == "dangerous"}
        for a in found
        if a.level in SHOWN
    ]


def _checked(user: User) -> list[Checked]:
    rows: list[Checked] = []
    for usual in usual_doses(user, during_attack=True):
        dose = usual.template
        rows.append(
            Checked(
                substance=dose.substance,
                amount=dose.amount,
                unit=dose.unit,
                label=usual.label,
                templates=[str(dose.pk)],
                alerts=_alerts(user, dose),
            )
        )
    seen = {row.substance.pk for row in rows}
    recent = (
        Dose.objects.filter(user=user)
        .select_related("substance", "product", "batch")
        .order_by("-taken_at", "-id")[:LOOKBACK]
    )
    for dose in recent:
        if len(rows) >= MAX_SUBSTANCES:
            break
        if dose.substance_id in seen:
            continue
        seen.add(dose.substance_id)
        amount = f" {dose.amount:g} {dose.unit}" if dose.amount is not None else ""
        rows.append(
            Checked(
                substance=dose.substance,
                amount=dose.amount,
                unit=dose.unit,
                label=f"{dose.substance.name}{amount}",
                alerts=_alerts(user, dose),
            )
        )
    return rows


def checked_on(moment: datetime, user: User) -> str:
    """'1 Dec 2026, 14:05' in the person's own zone."""
    local = timezone.localtime(moment, zone(time_zone_of(user)))
    return f"{local.day} {local:%b %Y, %H:%M}"


def pre_dose_info(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """The signed-in person's pre-dose information for the phone to keep; nobody else's is ever included."""
    moment = now or timezone.now()
    return {
        "person": str(user.pk),
        "computed_at": moment.isoformat(),
        "checked_on": checked_on(moment, user),
        "substances": [
            {
                "substance": str(row.substance.pk),
                "name": row.substance.name,
                "label": row.label,
                "templates": row.templates,
                "alerts": row.alerts,
            }
            for row in _checked(user)
        ],
    }
