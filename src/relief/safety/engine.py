"""The safety engine: run the rules after an entry is saved, or over the whole diary.

Alerts never block saving. A dangerous alert asks to be acknowledged (``acknowledge``), and the
acknowledgement is recorded; it stays visible, marked with when it was acknowledged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relief.accounts.services import time_zone_of
from relief.core.timeutil import day_bounds
from relief.diary.models import DayRecord, SideEffect
from relief.products.models import Batch, LabReport
from relief.safety.alerts import DISCLAIMER, Alert, sort_alerts
from relief.safety.config import SafetyConfig
from relief.safety.kb import load_knowledge
from relief.safety.models import AlertAcknowledgement
from relief.safety.rules import RULES
from relief.safety.rules.base import Focus
from relief.safety.snapshot import Diary, load
from relief.safety.summary import HISTORY_DAYS, history
from relief.treatments.models import Dose, StandingMedication

__all__ = [
    "DISCLAIMER",
    "HISTORY_DAYS",
    "Alert",
    "UnknownAlertError",
    "acknowledge",
    "acknowledge_keys",
    "check_batches",
    "check_diary",
    "check_entry",
    "report",
]


class UnknownAlertError(LookupError):
    """No active alert has the key the person gave."""


def _config(config: SafetyConfig | None) -> SafetyConfig:
    return config or SafetyConfig.from_settings()


def _history(cfg: SafetyConfig) -> dt.timedelta:
    return history(cfg)


def _run(diary: Diary, focus: Focus, cfg: SafetyConfig) -> list[Alert]:
    kb = load_knowledge()
    alerts: list[Alert] = []
    for rule in RULES:
        alerts.extend(rule.check(diary, kb, cfg, focus))
    return _mark_acknowledged(diary.user, sort_alerts(alerts))


def _owner(entry: Any) -> Any:
    if isinstance(entry, LabReport):
        return entry.batch.product.user
    if isinstance(entry, Batch):
        return entry.product.user
    return getattr(entry, "user", None)


def _zone_of(user: Any) -> str:
    return time_zone_of(user)


def check_entry(entry: Any, *, config: SafetyConfig | None = None, known: Any = None) -> list[Alert]:
    """Alerts raised by a freshly saved Dose, SideEffect, StandingMedication, Batch or LabReport, or a
    DayRecord with alcohol (checked against kratom that day).

    Other entries (attacks, questionnaires) give no alerts of their own. Counts such as
    days of use are taken up to the time of the entry.
    """
    if isinstance(entry, DayRecord) and not entry.alcohol_units:
        return []
    if not isinstance(entry, Dose | SideEffect | StandingMedication | Batch | LabReport | DayRecord):
        return []
    user = _owner(entry)
    if user is None:
        return []
    cfg = _config(config)
    now = timezone.now()
    if isinstance(entry, Dose):
        ref = entry.taken_at
    elif isinstance(entry, SideEffect):
        ref = entry.occurred_at
    elif isinstance(entry, DayRecord):
        ref = min(day_bounds(entry.date, _zone_of(user))[1], now)
    else:
        ref = now
    diary = _load_around(user, ref, now, cfg, focus=entry if isinstance(entry, Dose) else None, known=known)
    focus = Focus(ref=ref, mode="entry")
    if isinstance(entry, Dose):
        focus.doses = [d for d in diary.doses if d.id == str(entry.id)]
    elif isinstance(entry, SideEffect):
        focus.side_effects = [entry]
    elif isinstance(entry, StandingMedication):
        focus.medications = [entry]
    elif isinstance(entry, Batch):
        focus.batches = [entry]
    elif isinstance(entry, DayRecord):
        focus.day_records = [entry]
    else:
        focus.batches = [entry.batch]
    return _run(diary, focus, cfg)


def _load_around(
    user: Any, ref: dt.datetime, now: dt.datetime, cfg: SafetyConfig, *, focus: Any = None, known: Any = None
) -> Diary:
    """The diary an entry at ``ref`` is checked against at ``now``: its history and the hours after it."""
    return load(
        user,
        now,
        since=min(ref, now) - _history(cfg),
        until=ref + dt.timedelta(hours=cfg.lookback_hours),
        focus=focus,
        known=known,
    )


def check_batches(
    user: Any, batches: list[Batch], *, config: SafetyConfig | None = None
) -> dict[str, list[Alert]]:
    """What the product rules say of each of several batches of one person (a product page), by batch
    id: the alerts ``check_entry`` gives for each batch, from one read of the diary instead of one each."""
    cfg = _config(config)
    now = timezone.now()
    alerts = _run(_load_around(user, now, now, cfg), Focus(ref=now, mode="entry", batches=list(batches)), cfg)
    found: dict[str, list[Alert]] = {str(b.id): [] for b in batches}
    for alert in alerts:
        batch_ids = {e.id for e in alert.evidence if e.kind == "batch"}
        for batch_id in batch_ids & found.keys():
            found[batch_id].append(alert)
    return found


def check_diary(
    user: Any, at: dt.datetime | None = None, *, config: SafetyConfig | None = None
) -> list[Alert]:
    """Every active alert over the person's diary as of ``at`` (default: now)."""
    cfg = _config(config)
    at = at or timezone.now()
    diary = load(user, at, since=at - _history(cfg))
    recent = at - dt.timedelta(days=cfg.recent_days)
    red_flag_since = at - dt.timedelta(days=cfg.red_flag_days)
    focus = Focus(
        ref=at,
        mode="diary",
        summary=True,
        doses=[d for d in diary.doses if recent <= d.taken_at <= at],
        side_effects=[e for e in diary.side_effects if red_flag_since <= e.occurred_at <= at],
    )
    return _run(diary, focus, cfg)


def _mark_acknowledged(user: Any, alerts: list[Alert]) -> list[Alert]:
    keys = [a.key for a in alerts if a.needs_acknowledgement]
    if not keys:
        return alerts
    acks: dict[str, list[AlertAcknowledgement]] = {}
    for ack in AlertAcknowledgement.objects.filter(user=user, alert_key__in=keys):
        acks.setdefault(ack.alert_key, []).append(ack)
    out = []
    for alert in alerts:
        done = [a for a in acks.get(alert.key, []) if a.covers(alert.entry_ids)]
        if done:
            alert = alert.with_acknowledgement(max(a.acknowledged_at for a in done).isoformat())
        out.append(alert)
    return out


def acknowledge(user: Any, alert: Alert, *, when: dt.datetime | None = None) -> Any:
    """Record that the person has read this alert about these entries."""
    return AlertAcknowledgement.objects.create(
        user=user,
        alert_key=alert.key,
        level=alert.level,
        entry_ids=alert.entry_ids,
        acknowledged_at=when or timezone.now(),
    )


def acknowledge_keys(user: Any, keys: list[str], at: dt.datetime | None = None) -> list[Alert]:
    """Acknowledge active alerts by key (all or none), and return the diary's alerts afterwards."""
    active = {a.key: a for a in check_diary(user, at)}
    missing = [k for k in keys if k not in active]
    if missing:
        raise UnknownAlertError(f"no active alert with key {', '.join(missing)}; run: relief check")
    for key in keys:
        acknowledge(user, active[key])
    return check_diary(user, at)


def report(alerts: list[Alert]) -> dict[str, Any]:
    """The JSON shape used by the CLI and the API: the notice once, then the alerts."""
    return {
        "notice": DISCLAIMER,
        "count": len(alerts),
        "needs_acknowledgement": sum(1 for a in alerts if a.needs_acknowledgement and not a.acknowledged_at),
        "alerts": [a.as_dict() for a in alerts],
    }
