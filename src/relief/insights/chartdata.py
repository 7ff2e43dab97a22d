"""The numbers behind each chart, taken from a computed report on the worker and stored as JSON.

The web process draws the charts from these numbers (relief.insights.svg) without pandas or
matplotlib; the PDF draws its own with matplotlib (relief.insights.drawing).  Every value here is
plain JSON: strings for days (ISO dates), numbers, None for "nothing recorded".
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from relief.analysis.wording import treatment_name

if TYPE_CHECKING:
    from relief.exchange.reports.data import Report

# Charts the insights page shows, in page order; the report page adds the calendar.
PAGE_CHARTS = ("monthly", "response", "doses", "pain")
ALL_CHARTS = (*PAGE_CHARTS, "calendar")
TITLES = {
    "monthly": "Headache, migraine and acute-medication days by month",
    "calendar": "Calendar: worst pain of each day",
    "pain": "Pain over time",
    "response": "Pain freedom at 2 hours by treatment and dose band",
    "doses": "Kratom amount and acute-medication days per week",
}
ROLLING_DAYS = 28
ROLLING_MIN_DAYS = 7


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _day(value: Any) -> date:
    return value.date() if hasattr(value, "date") else value


def chart_data(report: Report) -> dict[str, Any]:
    """Every chart's numbers for ``report``."""
    return {
        "monthly": monthly(report),
        "response": response(report),
        "doses": doses(report),
        "pain": pain(report),
        "calendar": calendar(report),
    }


def monthly(report: Report) -> dict[str, Any]:
    base = (report.doc["frequency"].get("baseline") or {}).get("baseline") or {}
    return {
        "months": [
            {
                "month": m["month"],
                "headache_days": m["headache_days"],
                "migraine_days": m["migraine_days"],
                "acute_days": m["acute_medication_days"].get("any", 0),
            }
            for m in report.monthly
        ],
        "baseline_migraine_days_per_28": _number(base.get("migraine_days_per_28")),
    }


def response(report: Report) -> dict[str, Any]:
    rows = []
    for t in report.treatments:
        endpoint = t.get("pain_free_2h") or {}
        if not endpoint.get("n"):
            continue
        low, high = endpoint.get("ci") or (None, None)
        rows.append(
            {
                "label": treatment_name(t),
                "k": endpoint.get("k"),
                "n": endpoint["n"],
                "rate": _number(endpoint.get("rate")),
                "low": _number(low),
                "high": _number(high),
            }
        )
    untreated = (report.doc.get("untreated") or {}).get("pain_free_2h") or {}
    return {"rows": rows, "untreated_rate": _number(untreated.get("rate"))}


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def doses(report: Report) -> dict[str, Any]:
    """Kratom grams and days with an acute dose, per week (Monday to Sunday) of the period."""
    frame = report.diary.doses
    grams: dict[date, float] = {}
    acute_days: dict[date, set[date]] = {}
    for row in frame.itertuples(index=False) if len(frame) else ():
        day = _day(row.date)
        week = _week_start(day)
        if bool(row.is_kratom):
            amount = _number(row.amount_g)
            if amount is not None:
                grams[week] = grams.get(week, 0.0) + amount
        if row.reason == "acute":
            acute_days.setdefault(week, set()).add(day)
    weeks = []
    week = _week_start(report.start)
    while week <= report.end:
        weeks.append(
            {
                "week": week.isoformat(),
                "kratom_g": round(grams.get(week, 0.0), 2),
                "acute_days": len(acute_days.get(week, ())),
            }
        )
        week += timedelta(days=7)
    return {"weeks": weeks if len(frame) else []}


def pain(report: Report) -> dict[str, Any]:
    """Peak pain of each attack, and the mean of daily worst pain over the last 28 days (at least 7 known)."""
    days = report.diary.days
    worst: list[tuple[date, float | None]] = []
    if len(days):
        worst = [(_day(d), _number(p)) for d, p in zip(days["date"], days["worst_pain"], strict=True)]
    mean = []
    window: list[float | None] = []
    for day, value in worst:
        window.append(value)
        if len(window) > ROLLING_DAYS:
            window.pop(0)
        known = [v for v in window if v is not None]
        if len(known) >= ROLLING_MIN_DAYS:
            mean.append({"date": day.isoformat(), "value": round(sum(known) / len(known), 2)})
    attacks = report.diary.attacks
    peaks = []
    if len(attacks):
        for start, peak in zip(attacks["start_date"], attacks["peak_nrs"], strict=True):
            if start is None or (isinstance(start, float) and math.isnan(start)):
                continue
            peaks.append({"date": _day(start).isoformat(), "peak": _number(peak)})
    return {"start": report.start.isoformat(), "end": report.end.isoformat(), "mean": mean, "attacks": peaks}


def calendar(report: Report) -> dict[str, Any]:
    """Each day of the period: worst pain, whether anything was recorded, whether an attack began."""
    recorded: dict[date, tuple[bool, float | None]] = {}
    days = report.diary.days
    if len(days):
        for d, was, p in zip(days["date"], days["recorded"], days["worst_pain"], strict=True):
            recorded[_day(d)] = (bool(was), _number(p))
    attacks = report.diary.attacks
    attack_days = {_day(d) for d in attacks["start_date"]} if len(attacks) else set()
    out = []
    day = report.start
    while day <= report.end:
        was, value = recorded.get(day, (False, None))
        out.append({"date": day.isoformat(), "pain": value, "recorded": was, "attack": day in attack_days})
        day += timedelta(days=1)
    return {"days": out}
