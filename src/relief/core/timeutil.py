"""Calendar-day logic in the person's time zone.

Times are stored in UTC.  The time zone on the person's profile decides which
calendar day an entry belongs to, so an attack at 00:30 local time belongs to
the new day even though it is still yesterday in UTC, and a day can last 23 or
25 hours across a daylight-saving change.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# The days the app can hold: entries start in 1900 (see relief.core.validation.EARLIEST_YEAR) and
# nothing is planned past 2199.  Days outside are refused before any date arithmetic, which at
# the edges of Python's calendar (0001-01-01, 9999-12-31) would overflow.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def is_supported_day(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


class TimeInputError(ValueError):
    """A time the person typed that cannot be read unambiguously."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeInputError(f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin") from exc


def is_valid_zone(name: str) -> bool:
    return name in available_timezones()


def local_day(moment: datetime, tz_name: str) -> date:
    """The calendar date of an aware datetime in the given zone."""
    if moment.tzinfo is None:
        raise ValueError("local_day needs an aware datetime")
    return moment.astimezone(zone(tz_name)).date()


def day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local calendar day."""
    tz = zone(tz_name)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def make_aware_local(naive: datetime, tz_name: str) -> datetime:
    """Attach the person's zone to a wall-clock time, refusing impossible or ambiguous ones.

    A wall-clock time that falls in a daylight-saving gap does not exist; one in
    the repeated hour of a fall-back exists twice.  Both get an error that says
    how to fix it (give the UTC offset).
    """
    tz = zone(tz_name)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise TimeInputError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz_name} (the clocks skipped it); "
            "give the time with its UTC offset, for example 2026-03-29T03:30+02:00"
        )
    if first.utcoffset() != second.utcoffset():
        raise TimeInputError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {tz_name} (the clocks went back); "
            f"add the offset to say which: {first.isoformat(timespec='minutes')} or "
            f"{second.isoformat(timespec='minutes')}"
        )
    return first.astimezone(UTC)


_RELATIVE = re.compile(r"^\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)\s*(ago)?\s*$", re.IGNORECASE)


def parse_when(text: str, tz_name: str, now: datetime | None = None) -> datetime:
    """Read a time as people type it: ``now``, ``30m ago``, ``2h``, ISO with or without offset.

    Times without an offset are wall-clock times in the person's zone.
    Returns an aware UTC datetime.
    """
    now = now or datetime.now(UTC)
    raw = text.strip()
    if not raw or raw.lower() == "now":
        return now
    match = _RELATIVE.match(raw)
    if match:
        amount = int(match.group(1))
        unit = match.group(2).lower()[0]
        delta = {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[
            unit
        ]
        return now - delta
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimeInputError(
            f"cannot read the time {text!r}; use 'now', '30m ago', '2026-11-20 14:30' or an ISO time with offset"
        ) from exc
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if len(raw) <= 10:  # a bare date means noon, the least surprising time of that day
        parsed = datetime.combine(parsed.date(), time(12, 0))
    return make_aware_local(parsed, tz_name)


def parse_day(text: str, tz_name: str, now: datetime | None = None) -> date:
    """Read a calendar date: ``today``, ``yesterday``, or ``YYYY-MM-DD``."""
    now = now or datetime.now(UTC)
    raw = text.strip().lower()
    today = local_day(now, tz_name)
    if raw in {"", "today"}:
        return today
    if raw == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise TimeInputError(
            f"cannot read the date {text!r}; use 'today', 'yesterday' or YYYY-MM-DD"
        ) from exc


def to_utc_iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
