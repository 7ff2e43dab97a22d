"""Benefit-risk review of one treatment over a chosen period.

``review_treatment(diary, treatment, start, end)`` puts benefit (response
rates, migraine days while using it) beside cost (side effects, use
frequency, red flags, tolerance signals) for the later "plans" feature.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .frames import Diary
from .frequency import FrequencyAnalysis
from .results import BenefitRiskReview
from .tolerance import ToleranceAnalysis
from .treatments import TreatmentAnalysis


def restrict(diary: Diary, start: date | None = None, end: date | None = None) -> Diary:
    """The part of a diary from ``start`` to ``end`` (inclusive, local calendar days)."""
    if start is None and end is None:
        return diary

    def keep(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        if len(frame) == 0:
            return frame
        d = pd.to_datetime(frame[column]).dt.normalize()
        mask = pd.Series(True, index=frame.index)
        if start is not None:
            mask &= d >= pd.Timestamp(start)
        if end is not None:
            mask &= d <= pd.Timestamp(end)
        return frame[mask.fillna(False)].reset_index(drop=True)

    return Diary(
        days=keep(diary.days, "date"),
        attacks=keep(diary.attacks, "start_date"),
        doses=keep(diary.doses, "date"),
        side_effects=keep(diary.side_effects, "date"),
        questionnaires=keep(diary.questionnaires, "date"),
        time_zone=diary.time_zone,
    )


def _matches(doses: pd.DataFrame, treatment: str) -> pd.Series:
    key = treatment.strip().lower()
    if key == "kratom":
        return doses["is_kratom"].astype(bool)
    return (doses["substance"].astype("string").str.lower() == key) | (
        doses["substance_class"].astype("string").str.lower() == key
    )


def review_treatment(
    diary: Diary, treatment: str, start: date | None = None, end: date | None = None
) -> BenefitRiskReview:
    """One summary of benefit next to cost for ``treatment`` (substance name, class, or "kratom")."""
    part = restrict(diary, start, end)
    notes: list[str] = []
    doses = part.doses
    mine = doses[_matches(doses, treatment).fillna(False)] if len(doses) else doses
    names = sorted(set(mine["substance"].astype(str))) if len(mine) else []
    analysis = TreatmentAnalysis().fit(part)
    rows = [
        r for r in analysis.results_ if r.treatment in names and r.dose_band is None and r.product is None
    ]
    bands = [r for r in analysis.results_ if r.treatment in names and r.dose_band is not None]
    side = [s for s in analysis.side_effects_ if s.treatment in names and s.dose_band is None]
    freq = FrequencyAnalysis().fit(part)
    n_days = len(part.days)
    use_days = int(pd.to_datetime(mine["date"]).dt.normalize().nunique()) if len(mine) else 0
    daily = freq.daily_
    migraine_per_28 = (
        float(daily["migraine"].sum()) / n_days * 28 if daily is not None and n_days else float("nan")
    )
    red_flags = sum(s.red_flags for s in side)
    benefit: dict[str, Any] = {
        "treated_attacks": sum(r.treated_attacks for r in rows),
        "response": [r.as_dict() for r in rows],
        "by_dose_band": [r.as_dict() for r in bands],
        "untreated": analysis.untreated_.as_dict() if analysis.untreated_ else None,
        "migraine_days_per_28": round(migraine_per_28, 2) if not np.isnan(migraine_per_28) else None,
    }
    cost: dict[str, Any] = {
        "doses": len(mine),
        "use_days": use_days,
        "use_days_per_28": round(use_days / n_days * 28, 2) if n_days else None,
        "side_effects": [s.as_dict() for s in side],
        "red_flags": red_flags,
        "tolerance": [],
    }
    if len(mine):
        tol = ToleranceAnalysis(substance=treatment).fit(part)
        cost["tolerance"] = [s.as_dict() for s in tol.signals_]
        cost["breaks"] = tol.breaks_
    if not names:
        notes.append(f"No doses of '{treatment}' in this period.")
    if benefit["treated_attacks"] < 5:
        notes.append(
            "Not enough data yet: fewer than 5 treated attacks, so response rates are very uncertain."
        )
    if red_flags:
        notes.append(f"{red_flags} red-flag side effect(s) recorded: discuss with a clinician promptly.")
    if cost["use_days_per_28"] is not None and cost["use_days_per_28"] >= 10:
        notes.append(
            "Used on 10 or more days per 28: at the level where ICHD-3 medication-overuse counting starts "
            "for most acute medicines."
        )
    return BenefitRiskReview(
        treatment=treatment,
        start=str(start)
        if start
        else (str(pd.Timestamp(part.days["date"].iloc[0]).date()) if n_days else None),
        end=str(end) if end else (str(pd.Timestamp(part.days["date"].iloc[-1]).date()) if n_days else None),
        benefit=benefit,
        cost=cost,
        notes=notes,
    )
