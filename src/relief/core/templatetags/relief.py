"""Template helpers: alerts waiting in the session, and one way to write dates and times.

Dates read "Tue 1 Dec" (with the year when it is not this year) and times are
shown in the zone that is active for the page, which ``journal_view`` sets to the
person's own; a moment on another day than today carries its date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from relief.core import alerts
from relief.core.display import amount_text, day_text, moment_text

register = template.Library()


@register.simple_tag(takes_context=True)
def take_alerts(context: template.Context) -> list[dict[str, Any]]:
    """Alerts kept for this page by a form that redirected here (shown once)."""
    request = context.get("request")
    return alerts.take(request) if request is not None else []


@register.simple_tag
def acknowledge_url() -> str:
    return alerts.acknowledge_url()


@register.filter
def minutes_since(value: Any, now: Any) -> int:
    return int((now - value).total_seconds() // 60)


@register.filter
def day(value: date | datetime | str | None) -> str:
    """'Tue 1 Dec', or 'Tue 1 Dec 2025' when the year is not this one; a moment counts in the local zone."""
    if isinstance(value, str):  # an ISO date kept as text (the safety knowledge's "as of")
        try:
            return day_text(date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return day_text(value) if isinstance(value, date) else ""


@register.filter
def amount(value: float | None) -> str:
    """A dose's or a lab value's amount: '3.5', not the '3.50' of floatformat:"-2"."""
    return amount_text(value) if isinstance(value, int | float) else ""


@register.filter
def when(value: datetime | None) -> str:
    """A moment in the local zone: '14:05' today, 'Mon 30 Nov 14:05' on another day."""
    return moment_text(value) if isinstance(value, datetime) else ""


@register.filter
def hours_ago(value: datetime | None) -> str:
    """'just now', '25 min ago', '3 h ago' or the moment itself when it is more than a day ago."""
    if not isinstance(value, datetime):
        return ""
    minutes = int((timezone.now() - value).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    if minutes < 24 * 60:
        return f"{minutes // 60} h ago"
    return moment_text(value)
