"""The month at a glance, like a paper headache diary: one query per kind of entry, month shown only."""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db.models import Max
from django.urls import reverse

from relief.accounts.services import time_zone_of
from relief.core.timeutil import day_bounds, local_day
from relief.diary.models import Attack, DayRecord
from relief.safety import summary
from relief.treatments.models import Dose


@dataclass
class DaySummary:
    day: date
    in_month: bool
    attacks: int = 0
    migraine: bool = False
    worst_pain: int | None = None
    doses: int = 0
    acute_doses: int = 0
    checked_in: bool = False
    href: str = ""  # the day view's address

    @property
    def headache(self) -> bool:
        return self.attacks > 0 or (self.worst_pain or 0) > 0

    @property
    def severity(self) -> int:
        """0 none, 1 mild (1-3), 2 moderate (4-6), 3 severe (7-10)."""
        pain = self.worst_pain or 0
        if pain == 0:
            return 1 if self.attacks else 0
        return 1 if pain <= 3 else 2 if pain <= 6 else 3

    @property
    def label(self) -> str:
        parts = [self.day.strftime("%A %-d %B")]
        if self.migraine:
            parts.append("migraine")
        elif self.headache:
            parts.append("headache")
        if self.worst_pain is not None:
            parts.append(f"worst pain {self.worst_pain} of 10")
        if self.doses:
            parts.append(f"{self.doses} dose{'s' if self.doses > 1 else ''}")
        return ", ".join(parts)


@dataclass
class Month:
    first: date
    weeks: list[list[DaySummary]] = field(default_factory=list)

    @property
    def days(self) -> list[DaySummary]:
        return [d for week in self.weeks for d in week if d.in_month]

    @property
    def totals(self) -> dict[str, int]:
        days = self.days
        return {
            "headache_days": sum(d.headache for d in days),
            "migraine_days": sum(d.migraine for d in days),
            "dose_days": sum(d.doses > 0 for d in days),
            "acute_days": sum(d.acute_doses > 0 for d in days),
        }

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_for(user: User, year: int, month: int) -> Month:
    tz = time_zone_of(user)
    first = date(year, month, 1)
    grid = pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    # One reverse() for the month, not one per day: the day view's address differs only by its date.
    pattern = reverse("day", args=["1900-01-01"])
    summaries = {
        d: DaySummary(d, d.month == month, href=pattern.replace("1900-01-01", d.isoformat()))
        for week in grid
        for d in week
    }
    start, _ = day_bounds(grid[0][0], tz)
    _, end = day_bounds(grid[-1][-1], tz)

    attacks = Attack.objects.filter(user=user, started_at__gte=start, started_at__lt=end).annotate(
        peak=Max("pain_samples__nrs")
    )
    for attack in attacks:
        s = summaries[local_day(attack.started_at, tz)]
        s.attacks += 1
        s.migraine = s.migraine or bool(attack.believed_migraine)
        if attack.peak is not None:
            s.worst_pain = max(s.worst_pain or 0, attack.peak)
    known = summary.current(user)
    rows = summary.dose_rows_between(known, start, end)
    if rows is not None:  # the month is within the running summary: no need to read its doses
        doses = [(summary.moment(r[summary.D_AT]), r[summary.D_REASON]) for r in rows]
    else:
        doses = list(
            Dose.objects.filter(user=user, taken_at__gte=start, taken_at__lt=end).values_list(
                "taken_at", "reason"
            )
        )
    for taken_at, reason in doses:
        s = summaries[local_day(taken_at, tz)]
        s.doses += 1
        s.acute_doses += reason == Dose.Reason.ACUTE
    for day, pain in DayRecord.objects.filter(
        user=user, date__gte=grid[0][0], date__lte=grid[-1][-1]
    ).values_list("date", "worst_pain"):
        s = summaries[day]
        s.checked_in = True
        if pain is not None:
            s.worst_pain = max(s.worst_pain or 0, pain)
    return Month(first, [[summaries[d] for d in week] for week in grid])
