"""The import page's work, shared by the view and the background worker.

An upload is checked first (a dry run whose report is the preview) and kept as a
:class:`~relief.exchange.models.PendingImport`; confirming saves it, all or nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from relief.exchange.importers import ImportFormatError, ImportReport, Problem, import_text
from relief.exchange.importers.base import Progress, read_text
from relief.exchange.importers.detect import PROJECT_JSON, detect
from relief.exchange.jsonformat import ImportFailed, import_document, parse_text
from relief.exchange.models import PendingImport


def preview(
    user: User, data: bytes | str, fmt: str, *, source: str, mapping: str | None, person: str | None
) -> tuple[str, ImportReport]:
    """(format, dry-run report) of an upload; ``fmt`` "auto" recognises the file first."""
    detected = ""
    if fmt == "auto":
        found = detect(data)
        fmt, detected = found.fmt, found.reason
    if fmt == PROJECT_JSON:
        report = _json_report(user, read_text(data), dry_run=True)
    else:
        report = import_text(user, data, fmt, source=source, mapping=mapping, dry_run=True, person=person)
    report.detected = detected
    return fmt, report


def _json_report(user: User, text: str, *, dry_run: bool, progress: Progress | None = None) -> ImportReport:
    """The project's own JSON through its importer, reported like any other import."""
    report = ImportReport(format=PROJECT_JSON, dry_run=dry_run)
    try:
        doc = parse_text(text)
        total = sum(len(v) for v in doc.values() if isinstance(v, list)) if isinstance(doc, dict) else 0
        done = 0

        def step(n: int = 1) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, total)

        summary = import_document(user, doc, dry_run=dry_run, progress=step)
    except ImportFailed as exc:
        report.problems = [Problem(None, str(p)) for p in exc.problems]
        return report
    report.rows = sum(summary.counts.values())
    report.created.update({table.replace("_", " "): n for table, n in summary.counts.items() if n})
    report.saved = not dry_run
    return report


def keep_pending(
    user: User,
    fmt: str,
    name: str,
    data: bytes | str,
    mapping: str | None,
    person: str | None,
    report: ImportReport,
) -> PendingImport:
    """Keep a checked upload until it is confirmed; one waits at a time (a running import stays)."""
    PendingImport.objects.filter(user=user).exclude(status__in=["queued", "running"]).delete()
    return PendingImport.objects.create(
        user=user,
        format=fmt,
        filename=(name or "upload")[:200],
        content=read_text(data),  # the same decoding the preview used
        mapping={"text": mapping} if mapping else {},
        person=person or "",
        total=len(report.planned) or report.rows,
    )


def confirm_pending(pending: PendingImport, progress: Progress | None = None) -> dict[str, Any]:
    """Save a previewed upload, all of it or nothing; the report as a dict."""
    mapping = pending.mapping.get("text") if pending.mapping else None
    try:
        if pending.format == PROJECT_JSON:
            report = _json_report(pending.user, pending.content, dry_run=False, progress=progress)
        else:
            report = import_text(
                pending.user,
                pending.content,
                pending.format,
                source=pending.filename,
                mapping=mapping,
                person=pending.person or None,
                progress=progress,
            )
    except ImportFormatError as exc:
        return {"saved": False, "error": str(exc), "problems": []}
    result = report.as_dict()
    result["filename"] = pending.filename
    return result
