"""Insights computed once and kept until the diary changes.

The analysis of a diary (``relief.exchange.reports.data.build_report``) and its charts take
seconds; the insights page and the background task store the result per person and period
(:class:`~relief.insights.models.StoredInsights`) with a fingerprint of everything the analysis
read.  A stored result is used only while the fingerprint still matches, so the page never
shows a stale analysis: any added, edited or deleted entry, a new time zone, a new day (the
default period ends today) or a new version of the analysis code gives a new fingerprint.

There is no ``updated_at`` on the diary's tables, so the fingerprint hashes the rows
themselves: one query per table, no analysis, no pandas.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

import relief
from relief.accounts.models import Profile
from relief.accounts.services import today_for
from relief.core.access import owner_path
from relief.diary.models import (
    Attack,
    DayFactor,
    DayRecord,
    FactorTag,
    PainSample,
    QuestionnaireResponse,
    SideEffect,
)
from relief.insights.models import StoredInsights
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication, Substance

CHART_NAMES = ("monthly", "response", "doses", "pain")
# Everything of a person that build_report's analysis and charts read (plans only add questions
# to the clinician report, which the insights page does not show).
DIARY_MODELS: tuple[type[models.Model], ...] = (
    Profile,
    Attack,
    PainSample,
    DayRecord,
    DayFactor,
    FactorTag,
    Dose,
    DoseOutcome,
    CustomUnit,
    SideEffect,
    QuestionnaireResponse,
    StandingMedication,
    Product,
    Batch,
    LabReport,
)
# Code and data whose change changes the result; with the libraries below, the analysis version.
_SRC = Path(relief.__file__).parent
SOURCES = (
    _SRC / "analysis",
    _SRC / "insights" / "frames.py",
    _SRC / "insights" / "services.py",
    _SRC / "exchange" / "reports" / "data.py",
    _SRC / "exchange" / "reports" / "charts.py",
    _SRC / "diary" / "questionnaires.py",
    _SRC / "safety" / "knowledge",
)
LIBRARIES = ("numpy", "pandas", "scipy", "matplotlib")
# The most periods kept per person; the oldest computed go first.
MAX_STORED_PERIODS = 8


@dataclass(frozen=True)
class Insights:
    """What the insights page shows: the analysis document and the charts as SVG text."""

    start: date
    end: date
    doc: dict[str, Any]
    charts: dict[str, str]
    computed_at: datetime
    stored: bool  # True when read back from a stored result


@lru_cache(maxsize=1)
def analysis_version() -> str:
    """A hash of the analysis code, the knowledge base and the numeric libraries' versions."""
    digest = hashlib.sha256(f"relief {relief.__version__}".encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent".encode())
    for source in SOURCES:
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json"):
                digest.update(str(path.relative_to(_SRC)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def period_key(start: date | None, end: date | None) -> str:
    """The period as asked for: ``"2026-01-01..2026-06-30"``; an open end is left empty."""
    return f"{start.isoformat() if start else ''}..{end.isoformat() if end else ''}"


def diary_fingerprint(user: User, start: date | None = None, end: date | None = None) -> str:
    """A hash that changes whenever the analysis of ``user``'s period could come out differently."""
    digest = hashlib.sha256()
    for part in (analysis_version(), today_for(user).isoformat(), period_key(start, end)):
        digest.update(part.encode() + b"\0")
    tables: list[tuple[str, models.QuerySet[Any]]] = [
        (model._meta.label, model._default_manager.filter(**{owner_path(model): user}))
        for model in DIARY_MODELS
    ]
    tables.append(("substances", Substance.objects.filter(Q(user=user) | Q(user__isnull=True))))
    for label, rows in tables:
        digest.update(label.encode() + b"\0")
        for row in rows.order_by("pk").values_list():
            digest.update(repr(row).encode() + b"\n")
    return digest.hexdigest()


def compute_insights(user: User, start: date | None = None, end: date | None = None) -> Insights:
    """Run the analysis and draw the charts now; ValueError for a period that ends before it starts."""
    from relief.exchange.reports.charts import chart
    from relief.exchange.reports.data import build_report

    report = build_report(user, start, end)
    return Insights(
        start=report.start,
        end=report.end,
        doc=report.doc,
        charts={name: chart(name, report, "svg").decode("utf-8") for name in CHART_NAMES},
        computed_at=report.generated_at,
        stored=False,
    )


def _current_row(user: User, start: date | None, end: date | None, fingerprint: str) -> StoredInsights | None:
    return StoredInsights.objects.filter(
        user=user, period=period_key(start, end), fingerprint=fingerprint
    ).first()


def stored_insights(user: User, start: date | None, end: date | None, fingerprint: str) -> Insights | None:
    """The stored result of ``user``'s period when it was computed from the same diary, else None."""
    row = _current_row(user, start, end, fingerprint)
    if row is None:
        return None
    return Insights(
        start=row.start,
        end=row.end,
        doc=json.loads(row.doc),
        charts=dict(row.charts),
        computed_at=row.computed_at,
        stored=True,
    )


def store_insights(
    user: User, start: date | None, end: date | None, fingerprint: str, insights: Insights
) -> StoredInsights:
    """Keep ``insights`` as ``user``'s result for the period, replacing an older one."""
    row, _ = StoredInsights.objects.update_or_create(
        user=user,
        period=period_key(start, end),
        defaults={
            "start": insights.start,
            "end": insights.end,
            "fingerprint": fingerprint,
            "doc": json.dumps(insights.doc),
            "charts": insights.charts,
            "computed_at": insights.computed_at,
        },
    )
    old = StoredInsights.objects.filter(user=user).order_by("-computed_at").values_list("pk", flat=True)
    StoredInsights.objects.filter(pk__in=list(old[MAX_STORED_PERIODS:])).delete()
    return row


def insights_for(
    user: User, start: date | None = None, end: date | None = None, *, store: bool = True
) -> Insights:
    """``user``'s insights for the period: the stored result when still current, else computed now.

    A freshly computed result is stored for ``user`` unless ``store`` is False (a share reading
    someone's journal never writes to it).  The fingerprint is taken before the analysis runs, so
    an entry saved meanwhile makes the stored result stale rather than wrongly current.
    """
    fingerprint = diary_fingerprint(user, start, end)
    found = stored_insights(user, start, end, fingerprint)
    if found is not None:
        return found
    insights = compute_insights(user, start, end)
    if store:
        store_insights(user, start, end, fingerprint, insights)
    return insights


def recompute_insights(user: User) -> StoredInsights:
    """Bring ``user``'s default period (six months up to today) up to date; the background task calls this."""
    fingerprint = diary_fingerprint(user)
    current = _current_row(user, None, None, fingerprint)
    if current is not None:
        return current
    return store_insights(user, None, None, fingerprint, compute_insights(user))
