"""Insights computed on the worker, stored, and shown by the web app without running the analysis.

Every write to a person's diary raises their diary version in the same transaction
(relief.insights.versions).  The analysis of a diary (``relief.exchange.reports.data.build_report``)
runs only on the worker or the command line (:func:`refresh_insights`), and its result is stored per
person and period (:class:`~relief.insights.models.StoredInsights`) with the diary version it was
computed from and its *basis*: the analysis code version and, for a period that ends today, the
person's local today.  A stored result is current while both still match: two small lookups,
however long the diary is.

The web app never imports this module's heavy half: :func:`page_state` only reads rows, and
:func:`compute_insights` imports pandas, SciPy and the analysis lazily.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import transaction

import relief
from relief.accounts.services import today_for
from relief.insights.analysis import Analysis as Analysis  # the one analysis entry point
from relief.insights.analysis import analysis_for as analysis_for
from relief.insights.chartdata import PAGE_CHARTS, chart_data
from relief.insights.models import DiaryVersion, StoredInsights

if TYPE_CHECKING:
    from relief.exchange.reports.parts import Report

CHART_NAMES = PAGE_CHARTS
DEFAULT_PERIOD = ".."
# Code and data whose change changes the result; with the libraries below, the analysis version.
_SRC = Path(relief.__file__).parent
SOURCES = (
    _SRC / "analysis",
    _SRC / "insights" / "frames.py",
    _SRC / "insights" / "services.py",
    _SRC / "insights" / "chartdata.py",
    _SRC / "exchange" / "reports" / "data.py",
    _SRC / "diary" / "questionnaires.py",
    _SRC / "safety" / "knowledge",
)
LIBRARIES = ("numpy", "pandas", "scipy")
# The clinician report's kratom summary is stored beside the charts' numbers under this name.
KRATOM_KEY = "kratom"
# The most periods kept per person; the oldest computed go first.
MAX_STORED_PERIODS = 8


@dataclass(frozen=True)
class Insights:
    """A result to show: the analysis document and the numbers behind each chart."""

    start: date
    end: date
    doc: dict[str, Any]
    charts: dict[str, Any]
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


def parse_period(key: str) -> tuple[date | None, date | None]:
    first, _, last = key.partition("..")
    return (date.fromisoformat(first) if first else None, date.fromisoformat(last) if last else None)


def diary_version(user: User | int) -> int:
    """The person's diary version: raised by every write to their diary (0 before the first)."""
    user_id = user if isinstance(user, int) else user.pk
    found = DiaryVersion.objects.filter(user_id=user_id).values_list("version", flat=True).first()
    return int(found or 0)


def basis(user: User, period: str) -> str:
    """What besides the diary a result depends on: the code, and today when the period ends today."""
    open_end = period.endswith("..")
    return f"{analysis_version()}|{today_for(user).isoformat() if open_end else ''}"


def is_current(row: StoredInsights, version: int, expected_basis: str) -> bool:
    return row.diary_version == version and row.basis == expected_basis


def as_insights(row: StoredInsights) -> Insights:
    return Insights(
        start=row.start,
        end=row.end,
        doc=json.loads(row.doc),
        charts=dict(row.charts),
        computed_at=row.computed_at,
        stored=True,
    )


@dataclass(frozen=True)
class PageState:
    """What a page can show now: the last stored result (or None) and whether it is current."""

    row: StoredInsights | None
    current: bool
    version: int

    @property
    def insights(self) -> Insights | None:
        return as_insights(self.row) if self.row is not None else None


def page_state(user: User, start: date | None = None, end: date | None = None) -> PageState:
    """The stored result of ``user``'s period and whether it is current; never runs the analysis."""
    period = period_key(start, end)
    row = StoredInsights.objects.filter(user=user, period=period).first()
    version = diary_version(user)
    current = row is not None and is_current(row, version, basis(user, period))
    return PageState(row=row, current=current, version=version)


# --- the worker's half: runs the analysis -------------------------------------------------------


def compute_insights(user: User, start: date | None = None, end: date | None = None) -> Insights:
    """Run the analysis and gather the charts' numbers now; ValueError for a period that ends before it starts."""
    # lazy: pandas loads only when a report is built (web start-up)
    from relief.exchange.reports.data import build_report

    return insights_of(build_report(user, start, end))


def insights_of(report: Report) -> Insights:
    """What is stored of a computed report: its document, the charts' numbers and its kratom summary."""
    return Insights(
        start=report.start,
        end=report.end,
        doc=report.doc,
        charts={**chart_data(report), KRATOM_KEY: report.kratom},
        computed_at=report.generated_at,
        stored=False,
    )


def store_result(
    user: User, period: str, version: int, result_basis: str, insights: Insights
) -> StoredInsights:
    """Keep ``insights`` as ``user``'s result for the period, replacing an older one."""
    with transaction.atomic():
        row, _ = StoredInsights.objects.update_or_create(
            user=user,
            period=period,
            defaults={
                "start": insights.start,
                "end": insights.end,
                "diary_version": version,
                "basis": result_basis,
                "doc": json.dumps(insights.doc, default=str),
                "charts": insights.charts,
                "computed_at": insights.computed_at,
            },
        )
        old = StoredInsights.objects.filter(user=user).order_by("-computed_at").values_list("pk", flat=True)
        StoredInsights.objects.filter(pk__in=list(old[MAX_STORED_PERIODS:])).delete()
    return row


def refresh_insights(user: User, start: date | None = None, end: date | None = None) -> StoredInsights:
    """``user``'s stored result for the period, computed and stored first unless it is current.

    The version is read before the analysis runs, so an entry saved meanwhile leaves the stored
    result stale (and its own recompute queued) rather than wrongly current.
    """
    period = period_key(start, end)
    version, expected = diary_version(user), basis(user, period)
    row = StoredInsights.objects.filter(user=user, period=period).first()
    if row is not None and is_current(row, version, expected):
        return row
    return store_result(user, period, version, expected, compute_insights(user, start, end))


def recompute_insights(user: User) -> StoredInsights:
    """Bring every stored period of ``user`` up to date, and the default one (six months to today).

    The background tasks call this; a period that is current costs two lookups.
    """
    default = refresh_insights(user)
    for period in (
        StoredInsights.objects.filter(user=user)
        .exclude(period=DEFAULT_PERIOD)
        .values_list("period", flat=True)
    ):
        try:
            start, end = parse_period(period)
        except ValueError:  # a key that is not a page period (the command line's own)
            continue
        try:
            refresh_insights(user, start, end)
        except ValueError:  # the period no longer makes sense (it ends before it starts)
            continue
    return default
