"""Big imports and the clinician report's PDF run on the background worker; their pages poll.

The import itself is one transaction (all or nothing), so its progress cannot live in the
database it is writing to: nobody else would see it before the commit.  It is written to the
task queue's own storage instead (an SQLite file or Redis, outside that transaction).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from huey.constants import EmptyData

from relief.core.tasks import huey
from relief.exchange.models import PendingImport, StoredReport
from relief.exchange.services import confirm_pending
from relief.insights.models import StoredInsights
from relief.insights.services import basis, diary_version, insights_of, is_current, parse_period, store_result

log = logging.getLogger("relief.exchange")

# Files with more entries than this are saved by the worker, with a progress bar on the page.
BACKGROUND_ENTRIES = 400


def _key(pending_id: Any) -> str:
    return f"relief:import-progress:{pending_id}"


def write_progress(pending_id: Any, done: int, total: int) -> None:
    try:
        huey.storage.put_data(_key(pending_id), json.dumps({"done": done, "total": total}).encode())
    except Exception:  # progress is a courtesy: never fail an import over it
        log.exception("could not write the import progress")


def read_progress(pending_id: Any) -> tuple[int, int] | None:
    try:
        data = huey.storage.peek_data(_key(pending_id))
    except Exception:
        return None
    if data is EmptyData or data is None:
        return None
    value = json.loads(data)
    return int(value["done"]), int(value["total"])


def run_pending(pending_id: Any) -> dict[str, Any]:
    """Save a confirmed upload (all of it or nothing) and keep the outcome for the page."""
    pending = PendingImport.objects.filter(pk=pending_id).select_related("user").first()
    if pending is None:
        return {"error": "the upload is gone (a newer upload replaced it)"}
    PendingImport.objects.filter(pk=pending.pk).update(status="running")
    step = max(1, pending.total // 100)

    def progress(done: int, total: int) -> None:
        if done == total or done % step == 0:
            write_progress(pending.pk, done, total)

    result = confirm_pending(pending, progress=progress)
    PendingImport.objects.filter(pk=pending.pk).update(
        status="done" if result.get("saved") else "failed", result=result, content=""
    )
    try:
        huey.storage.pop_data(_key(pending.pk))
    except Exception:
        log.exception("could not clear the import progress")
    return {"saved": result.get("saved", False)}


@huey.task()
def import_pending_task(pending_id: str) -> dict[str, Any]:
    return run_pending(pending_id)


# --- the clinician report's PDF -------------------------------------------------------------------
#
# The PDF is drawn on the worker (the analysis, then matplotlib and fpdf2) and kept in the database
# with the diary version it was built from; the report page offers it while that is current.

# A flag older than this (a worker killed mid-task) no longer stops a new PDF from being queued.
PDF_STUCK_AFTER = 30 * 60
# The most PDFs kept per person; the oldest built go first.
MAX_STORED_REPORTS = 4


def pdf_flag_key(user_id: int, period: str) -> str:
    return f"relief:report-pdf:due:{user_id}:{period}"


def queue_report_pdf(user_id: int, period: str) -> bool:
    """Queue one PDF of ``user_id``'s report for the period; False if one is waiting or the queue is down."""
    try:
        key, now = pdf_flag_key(user_id, period), time.time()
        if not huey.put_if_empty(key, now):
            since = huey.get(key, peek=True)
            if since is not None and now - float(since) < PDF_STUCK_AFTER:
                return False
            huey.get(key)  # a stuck flag: take it over
            if not huey.put_if_empty(key, now):
                return False
        report_pdf_task(user_id, period)
        return True
    except Exception:
        log.exception("could not queue the report PDF")
        return False


def ready_report(user: Any, period: str, version: int) -> StoredReport | None:
    """The stored PDF of the period when it was built from the diary as it is now, else None."""
    row = StoredReport.objects.filter(user=user, period=period).defer("pdf").first()
    if row is None or row.diary_version != version or row.basis != basis(user, period):
        return None
    return row


def build_report_pdf(user_id: int, period: str) -> dict[str, Any]:
    """The task's body: run the analysis, store it as the period's insights when they are behind, draw the PDF."""
    # lazy: the worker loads pandas, SciPy and matplotlib only when it builds a report
    from relief.exchange.reports.data import build_report
    from relief.exchange.reports.pdf import render_pdf

    huey.get(pdf_flag_key(user_id, period))  # from now on a newer diary queues a newer PDF
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {"built": False}
    version, expected = diary_version(user), basis(user, period)
    try:
        report = build_report(user, *parse_period(period))
    except ValueError as exc:  # the period no longer makes sense
        return {"built": False, "error": str(exc)}
    stored = StoredInsights.objects.filter(user=user, period=period).first()
    if stored is None or not is_current(stored, version, expected):
        store_result(user, period, version, expected, insights_of(report))
    pdf = render_pdf(report)
    with transaction.atomic():
        StoredReport.objects.update_or_create(
            user=user,
            period=period,
            defaults={
                "start": report.start,
                "end": report.end,
                "diary_version": version,
                "basis": expected,
                "pdf": pdf,
                "computed_at": report.generated_at,
            },
        )
        old = StoredReport.objects.filter(user=user).order_by("-computed_at").values_list("pk", flat=True)
        StoredReport.objects.filter(pk__in=list(old[MAX_STORED_REPORTS:])).delete()
    return {"built": True, "bytes": len(pdf)}


@huey.task()
def report_pdf_task(user_id: int, period: str) -> dict[str, Any]:
    return build_report_pdf(user_id, period)
