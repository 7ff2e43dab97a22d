"""The clinician report computed in full: the analysis of the period, then everything else it shows.

This runs the analysis (pandas, SciPy), so only the worker and the command line call it; web pages
read the stored result back through :func:`relief.exchange.reports.parts.report_from_stored`.
The numbers come from :func:`relief.insights.services.analysis_for` (never recomputed here), the
rest from :mod:`relief.exchange.reports.parts`, shared with the pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.utils import timezone

from relief.analysis.frames import Diary
from relief.analysis.review import restrict
from relief.exchange.reports.parts import NOTICE as NOTICE
from relief.exchange.reports.parts import Report as Report
from relief.exchange.reports.parts import add_parts
from relief.insights.analysis import analysis_for
from relief.insights.text import percent, rate_text  # noqa: F401 - the report modules read them here

DEFAULT_DAYS = 183


def build_report(user: User, start: date | None = None, end: date | None = None) -> Report:
    """Everything the report shows for ``user``: by default the last six months up to today."""
    found = analysis_for(user, start, end, default_days=DEFAULT_DAYS)
    assert isinstance(found.start, date) and isinstance(found.end, date)
    start, end = found.start, found.end
    diary = restrict(found.diary, start, end)
    report = Report(
        user=user,
        start=start,
        end=end,
        generated_at=timezone.now(),
        doc=found.doc,
        baseline=found.baseline,  # type: ignore[arg-type]
        tables=diary,
        kratom=_kratom(diary),
    )
    return add_parts(report)


def _kratom(diary: Diary) -> dict[str, Any]:
    doses = diary.doses
    kratom = doses[doses["is_kratom"].astype(bool)] if len(doses) else doses
    grams = pd.to_numeric(kratom["amount_g"], errors="coerce") if len(kratom) else pd.Series(dtype=float)
    days = int(kratom["date"].nunique()) if len(kratom) else 0
    total = float(grams.sum()) if grams.notna().any() else None
    per_day = None
    if days and total is not None:
        per_day = round(float(grams.groupby(kratom["date"]).sum().median()), 2)
    return {
        "doses": len(kratom),
        "days": days,
        "total_g": None if total is None else round(total, 1),
        "median_g_per_day": per_day,
        "unknown_amounts": int(grams.isna().sum()) if len(kratom) else 0,
    }
