"""Alerts as people read them: new and dangerous first, notes already seen folded into one line."""

from __future__ import annotations

from typing import Any

from django import template

from relief.core.alerts import alert_dicts
from relief.safety.preview import preview_dose

register = template.Library()


@register.filter
def fresh(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alerts to show in full: every dangerous one, and any the person has not seen yet."""
    return [a for a in alerts if a.get("dangerous") or not a.get("seen")]


@register.filter
def seen_before(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notes (never a dangerous alert) the person has already been shown: folded into one line."""
    return [a for a in alerts if a.get("seen") and not a.get("dangerous")]


@register.inclusion_tag("safety/_usual_preview.html", takes_context=True)
def usual_dose_warnings(context: template.Context, usual: list[Any]) -> dict[str, Any]:
    """For each one-tap usual dose, what would fire if it were taken now (attack mode, before the tap)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = []
    if user is not None and user.is_authenticated:
        for item in usual:
            dose = item.template
            found = [
                a
                for a in preview_dose(
                    user,
                    dose.substance,
                    amount=dose.amount,
                    unit=dose.unit,
                    route=dose.route,
                    reason="acute",
                    product=dose.product,
                    batch=dose.batch,
                )
                if a.level in ("dangerous", "unsafe", "caution")
            ]
            if found:
                rows.append({"label": item.label, "alerts": alert_dicts(found)})
    return {"rows": rows}
