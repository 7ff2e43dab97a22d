"""Periods asked for in a query string (``?from=YYYY-MM-DD&to=YYYY-MM-DD``), bounded before any work.

An analysis or a report costs time in proportion to the days it covers, so a period is first cut
to the diary's own days (its first entry up to today), then refused with a 400 when it is still
longer than :data:`MAX_PERIOD_DAYS`.  A period outside the supported calendar (before 1900 or
after 2199) is refused as well, so no date arithmetic overflows.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone

from relief.accounts.services import time_zone_of
from relief.core.timeutil import FIRST_DAY, LAST_DAY, is_supported_day, local_day
from relief.core.web import period_from_query
from relief.diary.models import Attack, DayRecord
from relief.treatments.models import Dose

MAX_PERIOD_DAYS = 5 * 366  # five years in one analysis or report


def first_diary_day(user: User) -> date | None:
    """The day of the person's earliest attack, day record or dose, or None for an empty diary."""
    tz = time_zone_of(user)
    found: list[date] = []
    day = DayRecord.objects.filter(user=user).aggregate(first=Min("date"))["first"]
    if day is not None:
        found.append(day)
    for model, field in ((Attack, "started_at"), (Dose, "taken_at")):
        moment = model.objects.filter(user=user).aggregate(first=Min(field))["first"]
        if moment is not None:
            found.append(local_day(moment, tz))
    return min(found) if found else None


def bounded_period(request: HttpRequest, owner: User) -> tuple[date | None, date | None, str]:
    """The period of ``?from=&to=`` cut to ``owner``'s diary; an error text when it cannot be used."""
    start, end, error = period_from_query(request)
    if error:
        return None, None, error
    for name, day in (("from", start), ("to", end)):
        if day is not None and not is_supported_day(day):
            return (
                None,
                None,
                f"{name}: {day} is outside the calendar the app keeps ({FIRST_DAY} to {LAST_DAY})",
            )
    if start is None and end is None:
        return None, None, ""
    today = local_day_of(owner)
    if start is not None and start > today:
        return None, None, f"from: {start} is after today ({today}); choose a start in the past"
    first = first_diary_day(owner) or today
    if start is not None:
        start = max(start, first)
    if end is not None:
        end = min(max(end, first), today)
    # Without a start the analysis takes its default (the six months before the end).
    days = ((end or today) - start).days + 1 if start is not None else 0
    if days > MAX_PERIOD_DAYS:
        return (
            None,
            None,
            (
                f"the period is {days} days long; at most {MAX_PERIOD_DAYS} days (five years) can be "
                "looked at at once: choose a later start or an earlier end"
            ),
        )
    return start, end, ""


def local_day_of(user: User) -> date:
    return local_day(timezone.now(), time_zone_of(user))
