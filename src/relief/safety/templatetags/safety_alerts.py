"""Alerts as people read them: new and dangerous first, notes already seen folded into one line."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fresh(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alerts to show in full: every dangerous one, and any the person has not seen yet."""
    return [a for a in alerts if a.get("dangerous") or not a.get("seen")]


@register.filter
def seen_before(alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notes (never a dangerous alert) the person has already been shown: folded into one line."""
    return [a for a in alerts if a.get("seen") and not a.get("dangerous")]
