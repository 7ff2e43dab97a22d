"""Template helpers: alerts waiting in the session, and small formatting."""

from __future__ import annotations

from typing import Any

from django import template

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
