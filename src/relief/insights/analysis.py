"""The one owner of "the analysis of one person": their diary as frames and the analysis document.

The insights page, the clinician report, the FHIR export and ``relief analyze`` all start from
:func:`analysis_for` (importable from ``relief.insights.services`` too), so they read the diary
the same way and describe the same period. Plan reassessment sits below insights in the layer
map and reads the frames itself (``relief.plans.services.reassessment``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User

from relief.accounts.services import today_for

if TYPE_CHECKING:
    from relief.analysis.frames import Diary

BASELINE_DAYS = 28
"""A period of at least twice this long gets its first days as the baseline (IHS: 4 weeks)."""


@dataclass
class Analysis:
    """One person's diary (all of it, as the analysis library's tables) and its analysis."""

    user: User
    diary: Diary
    doc: dict[str, Any]
    start: date | str | None
    end: date | str | None
    baseline: tuple[date | str, date | str] | None


def default_period(user: User, diary: Diary, days: int) -> tuple[date, date]:
    """The last ``days`` days up to today, or the whole diary when it is shorter."""
    # lazy: pandas loads only when an analysis runs
    import pandas as pd

    end = today_for(user)
    first = pd.Timestamp(diary.days["date"].min()).date() if len(diary.days) else end
    return min(end, max(first, end - timedelta(days=days - 1))), end


def analysis_for(
    user: User,
    start: date | str | None = None,
    end: date | str | None = None,
    *,
    baseline: tuple[date | str, date | str] | None = None,
    default_days: int | None = None,
) -> Analysis:
    """Analyse ``user``'s diary from ``start`` to ``end`` (inclusive).

    Without a period the analysis covers the whole diary; with ``default_days`` a missing start or
    end comes from the last ``default_days`` days, and a period of at least 8 weeks without a given
    baseline takes its first 4 weeks as the baseline. ValueError for a period that ends before it
    starts.
    """
    # lazy: pandas and the analysis library load only when an analysis runs
    from relief.analysis import analyze

    # lazy: pandas loads only when an analysis runs (web start-up)
    from relief.insights.frames import build_diary

    diary = build_diary(user)
    if default_days is not None:
        first, last = default_period(user, diary, default_days)
        start, end = start or first, end or last
        if isinstance(start, date) and isinstance(end, date):
            if end < start:
                raise ValueError(f"the end {end} is before the start {start}")
            if baseline is None and (end - start).days + 1 >= 2 * BASELINE_DAYS:
                baseline = (start, start + timedelta(days=BASELINE_DAYS - 1))
    doc = analyze(diary, start, end, baseline=baseline)
    return Analysis(user=user, diary=diary, doc=doc, start=start, end=end, baseline=baseline)
