"""Small builders for plan and trial tests (data made in each test, nothing global)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from relief.accounts.services import today_for
from relief.plans import services
from tests.factories import make_day, substance


def diary_days(user, last: date, count: int, **fields: Any) -> None:
    """A day check-in on each of ``count`` days ending on ``last``."""
    for i in range(count):
        make_day(user, last - timedelta(days=i), **fields)


def kratom_plan(user, *, kind: str = "acute", starts_in: int = 0, reassess_in: int = 30, **fields: Any):
    today = today_for(user)
    return services.start_plan(
        user,
        substance=substance("kratom"),
        kind=kind,
        starts_on=today + timedelta(days=starts_in),
        reassess_on=today + timedelta(days=reassess_in),
        **fields,
    )


def acute_trial(user, *, attacks: int = 6, **protocol: Any):
    return services.create_trial(
        user,
        title="Sumatriptan or ibuprofen",
        options=[("Sumatriptan", substance("sumatriptan")), ("Ibuprofen", substance("ibuprofen"))],
        planned_units=attacks,
        **protocol,
    )
