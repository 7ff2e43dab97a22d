"""Template helpers: alerts waiting in the session, and one way to write dates and times.

Dates read "Tue 1 Dec" (with the year when it is not this year) and times are
shown in the zone that is active for the page, which ``journal_view`` sets to the
person's own; a moment on another day than today carries its date.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import dateformat, timezone

from relief.core import alerts

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


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def day(value: date | datetime | None) -> str:
    """'Tue 1 Dec', or 'Tue 1 Dec 2025' when the year is not this one; a moment counts in the local zone."""
    if not isinstance(value, date):
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    text = dateformat.format(value, "D j M")
    return text if value.year == timezone.localdate().year else f"{text} {value.year}"


@register.filter
def when(value: datetime | None) -> str:
    """A moment in the local zone: '14:05' today, 'Mon 30 Nov 14:05' on another day."""
    if not isinstance(value, datetime):
        return ""
    local = _local(value)
    clock = dateformat.format(local, "H:i")
    return clock if local.date() == timezone.localdate() else f"{day(local)} {clock}"


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
    return when(value)
