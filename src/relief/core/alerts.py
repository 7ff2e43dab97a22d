"""Safety alerts as the pages show them: generic, never blocking a save.

The safety engine decides what an alert is; pages only need level, message,
action and sources, so any object with ``as_dict()`` or those attributes works.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

SESSION_KEY = "relief_alerts"
SEEN_KEY = "relief_seen_notes"
SEEN_LIMIT = 200
DANGEROUS_LEVELS = {"danger", "dangerous", "critical", "severe", "urgent", "red", "high", "emergency"}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "as_dict"):
        return _plain(value.as_dict())
    return str(value)


def alert_dict(alert: Any) -> dict[str, Any]:
    """An alert (``relief.safety.alerts.Alert``) as its JSON shape plus what the page needs to show it."""
    data = _plain(alert.as_dict())
    level = str(data.get("level") or "info").lower()
    data["level"] = level
    data["dangerous"] = level in DANGEROUS_LEVELS
    data["source_list"] = [_source(s) for s in data.get("sources") or []]
    data["ack_fields"] = {k: str(data[k]) for k in ("key", "rule", "level") if data.get(k)}
    entry_ids = [str(e.get("id")) for e in data.get("evidence") or [] if isinstance(e, dict) and e.get("id")]
    data["ack_fields"]["entry_ids"] = ",".join(entry_ids)
    data["ack_needed"] = data["dangerous"] and not data.get("acknowledged_at") and bool(data.get("key"))
    return data


def _source(source: Any) -> dict[str, str]:
    if isinstance(source, dict):
        title = source.get("title") or source.get("name") or source.get("id") or source.get("url") or ""
        return {"title": str(title), "url": str(source.get("url") or "")}
    text = str(source)
    return {"title": text, "url": text if text.startswith(("http://", "https://")) else ""}


def alert_dicts(alerts: Iterable[Any]) -> list[dict[str, Any]]:
    return [alert_dict(a) for a in alerts]


def remember(request: HttpRequest, alerts: Iterable[Any]) -> None:
    """Keep alerts for the next page, when the answer to a form is a redirect."""
    new = alert_dicts(alerts)
    if new:
        request.session[SESSION_KEY] = request.session.get(SESSION_KEY, []) + new


def take(request: HttpRequest) -> list[dict[str, Any]]:
    found = request.session.pop(SESSION_KEY, []) if hasattr(request, "session") else []
    return mark_seen(request, found)


def _family(alert: dict[str, Any]) -> str:
    """What makes two notes "the same" for the reader: the same rule saying the same thing."""
    return f"{alert.get('rule', '')}|{alert.get('title', '')}"


def mark_seen(request: HttpRequest, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark notes this browser session has already shown (``seen``), so a page can fold them into one
    line; dangerous alerts are never marked and always shown in full. New notes are remembered."""
    session = getattr(request, "session", None)
    if session is None:
        return found
    if not found:
        return found  # nothing shown: leave the session untouched (no session for an anonymous visitor)
    known = list(session.get(SEEN_KEY, []))
    out = []
    for alert in found:
        family = _family(alert)
        out.append({**alert, "seen": not alert.get("dangerous") and family in known})
        if not alert.get("dangerous") and family not in known:
            known.append(family)
    if known[-SEEN_LIMIT:] != session.get(SEEN_KEY, []):
        session[SEEN_KEY] = known[-SEEN_LIMIT:]
    return out


def acknowledge_url() -> str:
    """Where an 'I understand' goes: the safety app's own page if it has one, else ours."""
    for name in ("safety:acknowledge", "acknowledge_alert"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""
