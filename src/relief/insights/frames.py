"""Turn one person's database rows into the analysis library's frames (relief.analysis.frames)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.contrib.auth.models import User

from relief.accounts.services import time_zone_of, today_for
from relief.analysis.frames import (
    ATTACK_BOOL_COLUMNS,
    ATTACK_COLUMNS,
    DAY_COLUMNS,
    DOSE_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    SIDE_EFFECT_COLUMNS,
    TAG_PREFIX,
    Diary,
    nrs_to_4pt,
)
from relief.core.timeutil import local_day
from relief.diary.models import Attack, DayFactor, DayRecord, QuestionnaireResponse, SideEffect
from relief.diary.questionnaires import score
from relief.treatments.models import Dose

SUM_FIELDS = ("water_l", "caffeine_mg", "alcohol_units", "exercise_min", "skipped_meals")
MAX_FIELDS = ("worst_pain", "function", "stress", "menstrual_bleeding")
FIRST_FIELDS = ("sleep_hours", "sleep_quality")
MEAN_FIELDS = ("mood", "pressure_hpa", "temperature_c", "humidity_pct")


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def build_diary(user: User, start: date | None = None, end: date | None = None) -> Diary:
    """The person's diary as frames; ``start``/``end`` (local days, inclusive) bound the day panel."""
    tz = time_zone_of(user)
    attacks = _attacks(user, tz)
    doses = _doses(user, tz)
    effects = _side_effects(user, tz)
    questionnaires = _questionnaires(user, tz)
    days = _days(user, tz, attacks, doses, start, end)
    return Diary(
        days=days,
        attacks=attacks,
        doses=doses,
        side_effects=effects,
        questionnaires=questionnaires,
        time_zone=tz,
    )


def _days(
    user: User, tz: str, attacks: pd.DataFrame, doses: pd.DataFrame, start: date | None, end: date | None
) -> pd.DataFrame:
    records = list(DayRecord.objects.filter(user=user).order_by("date", "period"))
    known = [r.date for r in records]
    known += [d.date() for d in attacks["start_date"].dropna()] + [d.date() for d in doses["date"].dropna()]
    if start is None:
        start = min(known) if known else None
    if end is None:
        end = max(known) if known else None
    if start is None or end is None or end < start:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in DAY_COLUMNS}).astype(
            {"date": "datetime64[ns]", "recorded": "bool"}
        )
    index = pd.date_range(start, end, freq="D")
    frame = pd.DataFrame({"date": index})
    frame["recorded"] = False
    for column in DAY_COLUMNS[2:]:
        frame[column] = np.nan
    by_day: dict[date, list[DayRecord]] = {}
    for record in records:
        if start <= record.date <= end:
            by_day.setdefault(record.date, []).append(record)
    position = {d.date(): i for i, d in enumerate(index)}
    values: dict[str, list[Any]] = {c: [np.nan] * len(index) for c in DAY_COLUMNS[2:]}
    recorded = [False] * len(index)
    for day, items in by_day.items():
        i = position[day]
        recorded[i] = True
        for name in SUM_FIELDS:
            present = [getattr(r, name) for r in items if getattr(r, name) is not None]
            values[name][i] = float(sum(present)) if present else np.nan
        for name in MAX_FIELDS:
            present = [getattr(r, name) for r in items if getattr(r, name) is not None]
            values[name][i] = float(max(present)) if present else np.nan
        for name in FIRST_FIELDS:
            present = [getattr(r, name) for r in items if getattr(r, name) is not None]
            values[name][i] = float(present[0]) if present else np.nan
        for name in MEAN_FIELDS:
            present = [getattr(r, name) for r in items if getattr(r, name) is not None]
            values[name][i] = float(np.mean(present)) if present else np.nan
    frame["recorded"] = recorded
    for name, day_values in values.items():
        frame[name] = pd.Series(day_values, dtype="float64")
    tags: dict[str, list[float]] = {}
    factors = DayFactor.objects.filter(
        day__user=user, day__date__gte=start, day__date__lte=end
    ).select_related("tag", "day")
    for factor in factors:
        amounts = tags.setdefault(f"{TAG_PREFIX}{factor.tag.name}", [np.nan] * len(index))
        i = position[factor.day.date]
        amount = 1.0 if factor.amount is None else float(factor.amount)
        amounts[i] = amount if np.isnan(amounts[i]) else amounts[i] + amount
    for name, amounts in sorted(tags.items()):
        series = pd.Series(amounts, dtype="float64")
        frame[name] = series.where(series.notna() | ~frame["recorded"], 0.0)
    return frame


def _attacks(user: User, tz: str) -> pd.DataFrame:
    rows = []
    for attack in Attack.objects.filter(user=user).prefetch_related("pain_samples"):
        samples = list(attack.pain_samples.all())
        nrs = [s.nrs for s in samples if s.nrs is not None]
        four = [s.four_point for s in samples if s.four_point is not None]
        peak_nrs = float(max(nrs)) if nrs else np.nan
        peak_4pt = float(max(four)) if four else nrs_to_4pt(peak_nrs)
        if four and nrs:
            peak_4pt = max(peak_4pt, nrs_to_4pt(peak_nrs))
        row: dict[str, Any] = {
            "id": str(attack.id),
            "start": pd.Timestamp(attack.started_at),
            "end": pd.Timestamp(attack.ended_at) if attack.ended_at else pd.NaT,
            "start_date": _ts(local_day(attack.started_at, tz)),
            "end_date": _ts(local_day(attack.ended_at, tz)) if attack.ended_at else pd.NaT,
            "duration_h": (attack.ended_at - attack.started_at).total_seconds() / 3600
            if attack.ended_at
            else np.nan,
            "peak_nrs": peak_nrs,
            "peak_4pt": peak_4pt,
            "side": attack.side or pd.NA,
            "quality": attack.quality or pd.NA,
            "aura_duration_min": float(attack.aura_duration_min)
            if attack.aura_duration_min is not None
            else np.nan,
            "most_bothersome": attack.most_bothersome or pd.NA,
            "disability": float(attack.disability) if attack.disability is not None else np.nan,
        }
        for name in ATTACK_BOOL_COLUMNS:
            value = getattr(attack, name)
            row[name] = pd.NA if value is None else value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(ATTACK_COLUMNS))
    for name in ATTACK_BOOL_COLUMNS:
        frame[name] = frame[name].astype("boolean")
    for name in ("start", "end"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    for name in ("start_date", "end_date"):
        frame[name] = pd.to_datetime(frame[name])
    for name in ("duration_h", "peak_nrs", "peak_4pt", "aura_duration_min", "disability"):
        frame[name] = frame[name].astype("float64")
    return frame


def _doses(user: User, tz: str) -> pd.DataFrame:
    rows = []
    doses = Dose.objects.filter(user=user).select_related("substance", "product", "batch", "outcome")
    for dose in doses:
        report = dose.batch.latest_report if dose.batch else None
        mg_per_g = report.mitragynine_mg_per_g if report else None
        outcome = getattr(dose, "outcome", None)

        def answer(name: str, _outcome: Any = outcome) -> Any:
            value = getattr(_outcome, name, None) if _outcome is not None else None
            return pd.NA if value is None else value

        def number(name: str, _outcome: Any = outcome) -> float:
            value = getattr(_outcome, name, None) if _outcome is not None else None
            return np.nan if value is None else float(value)

        rows.append(
            {
                "id": str(dose.id),
                "taken_at": pd.Timestamp(dose.taken_at),
                "date": _ts(local_day(dose.taken_at, tz)),
                "substance": dose.substance.name,
                "substance_class": dose.substance.substance_class,
                "is_kratom": dose.substance.is_kratom,
                "amount": np.nan if dose.amount is None else float(dose.amount),
                "unit": dose.unit,
                "amount_g": np.nan if dose.amount_g is None else float(dose.amount_g),
                "mitragynine_mg": (dose.amount_g * mg_per_g)
                if (dose.amount_g is not None and mg_per_g is not None)
                else np.nan,
                "product": dose.product.name if dose.product else pd.NA,
                "batch": (dose.batch.lot_number or str(dose.batch.id)) if dose.batch else pd.NA,
                "route": dose.route,
                "stomach": dose.stomach or pd.NA,
                "reason": dose.reason,
                "attack_id": str(dose.attack_id) if dose.attack_id else pd.NA,
                "estimate": dose.is_estimate,
                "pain_at_dose": number("pain_at_dose"),
                "pain_30m": number("pain_30m"),
                "pain_1h": number("pain_1h"),
                "pain_2h": number("pain_2h"),
                "pain_24h": number("pain_24h"),
                "mbs_gone_2h": answer("mbs_gone_2h"),
                "rescue_taken": answer("rescue_taken"),
                "returned_24h": answer("returned_24h"),
                "relief_min": number("relief_after_min"),
            }
        )
    frame = pd.DataFrame(rows, columns=list(DOSE_COLUMNS))
    frame["taken_at"] = pd.to_datetime(frame["taken_at"], utc=True)
    frame["date"] = pd.to_datetime(frame["date"])
    for name in ("mbs_gone_2h", "rescue_taken", "returned_24h"):
        frame[name] = frame[name].astype("boolean")
    for name in (
        "amount",
        "amount_g",
        "mitragynine_mg",
        "pain_at_dose",
        "pain_30m",
        "pain_1h",
        "pain_2h",
        "pain_24h",
        "relief_min",
    ):
        frame[name] = frame[name].astype("float64")
    frame["is_kratom"] = frame["is_kratom"].astype("bool")
    frame["estimate"] = frame["estimate"].astype("bool")
    return frame


def _side_effects(user: User, tz: str) -> pd.DataFrame:
    rows = [
        {
            "id": str(e.id),
            "at": pd.Timestamp(e.occurred_at),
            "date": _ts(local_day(e.occurred_at, tz)),
            "symptom": e.other_symptom
            if e.symptom == SideEffect.Symptom.OTHER and e.other_symptom
            else e.symptom,
            "severity": e.severity,
            "red_flag": e.is_red_flag,
            "dose_id": str(e.dose_id) if e.dose_id else pd.NA,
        }
        for e in SideEffect.objects.filter(user=user)
    ]
    frame = pd.DataFrame(rows, columns=list(SIDE_EFFECT_COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    frame["date"] = pd.to_datetime(frame["date"])
    frame["red_flag"] = frame["red_flag"].astype("bool")
    return frame


def _questionnaires(user: User, tz: str) -> pd.DataFrame:
    rows = [
        {
            "id": str(q.id),
            "date": _ts(local_day(q.answered_at, tz)),
            "instrument": q.instrument,
            "score": score(q.instrument, q.answers),
            "answers": list(q.answers),
        }
        for q in QuestionnaireResponse.objects.filter(user=user)
    ]
    frame = pd.DataFrame(rows, columns=list(QUESTIONNAIRE_COLUMNS))
    frame["date"] = pd.to_datetime(frame["date"])
    frame["score"] = frame["score"].astype("float64")
    return frame


def last_days(user: User, days: int) -> tuple[date, date]:
    today = today_for(user)
    return today - timedelta(days=days - 1), today
