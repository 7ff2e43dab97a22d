"""One way to write dates, moments, amounts and time passed for people: "Tue 1 Dec", the year only
when it is not this year; "3.5 g", never "3.50 g"; "25 minutes".

Moments are shown in the active time zone (``journal_view`` makes it the
person's own) and carry their date only when it is not today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import dateformat, timezone


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def day_text(value: date) -> str:
    """'Tue 1 Dec', or 'Tue 1 Dec 2025' outside this year; a moment counts by its local date."""
    if isinstance(value, datetime):
        value = _local(value).date()
    text = dateformat.format(value, "D j M")
    return text if value.year == timezone.localdate().year else f"{text} {value.year}"


def moment_text(value: datetime) -> str:
    """'14:05' today, 'Mon 30 Nov 14:05' on another day, in the active zone."""
    local = _local(value)
    clock = dateformat.format(local, "H:i")
    return clock if local.date() == timezone.localdate() else f"{day_text(local.date())} {clock}"


def amount_text(value: float) -> str:
    """An amount as typed: at most two decimals and no trailing zeros ('3.5', '0.25', '400', '0.33')."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def elapsed_text(elapsed: timedelta) -> str:
    """A time since something: '1 minute', '25 minutes', then whole hours from two hours on."""
    minutes = max(0, int(elapsed.total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes // 60} hours"


def dose_label(dose: Any) -> str:
    """A dose as the person knows it: '2 g Kratom at 14:05' (with the day when not today)."""
    amount = f"{amount_text(dose.amount)} {dose.unit} " if dose.amount is not None else ""
    return f"{amount}{dose.substance.name} at {moment_text(dose.taken_at)}"
