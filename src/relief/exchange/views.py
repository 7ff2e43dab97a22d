"""Import with a preview before saving, exports as downloads, and the clinician report.

The report page and its PDF never run the analysis: the page shows the stored result (computed
on the worker) with its date, and the PDF is drawn on the worker and served from the database.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from relief.accounts.services import get_profile, time_zone_of
from relief.core.access import get_owned_or_404, read_view
from relief.core.decorators import journal_view
from relief.core.periods import bounded_period
from relief.core.timeutil import zone
from relief.core.types import AuthedRequest
from relief.core.validation import finite
from relief.exchange import tasks as import_tasks
from relief.exchange.csvexport import export_csv
from relief.exchange.fhir import export_bundle
from relief.exchange.importers import FORMATS, ImportFormatError
from relief.exchange.importers.detect import ALL_FORMATS
from relief.exchange.models import PendingImport, StoredReport
from relief.exchange.reports.parts import NOTICE, report_from_stored
from relief.exchange.services import confirm_pending, keep_pending, preview
from relief.insights import svg
from relief.insights.chartdata import ALL_CHARTS
from relief.insights.services import page_state, period_key
from relief.insights.tasks import prepare_period, schedule_recompute
from relief.sharing.models import Share

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
CHOICES: dict[str, str] = {"auto": "Recognise it from the file", **ALL_FORMATS, **FORMATS}
# The web import checks and saves in the request; beyond this many rows it would hold a worker
# for many seconds, so larger files are refused with the limit in the message.
MAX_WEB_IMPORT_ROWS = 5000


def count_records(data: bytes) -> int:
    """A quick estimate of the rows of an upload before any checking: the lines of a CSV file, or
    the entries in the lists of a JSON one (nested lists, such as an attack's pain, count too)."""
    if data.lstrip()[:1] not in (b"{", b"["):
        return max(0, data.count(b"\n") - 1)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return 0  # the importer says what is wrong with it

    def entries(value: Any, depth: int) -> int:
        if depth > 4:
            return 0
        if isinstance(value, dict):
            return sum(entries(v, depth + 1) for v in value.values())
        if isinstance(value, list):
            return len(value) + sum(entries(v, depth + 1) for v in value)
        return 0

    return entries(document, 0)


@journal_view
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "exchange/index.html", {"formats": FORMATS})


def _import_context(request: AuthedRequest) -> dict[str, Any]:
    return {
        "formats": CHOICES,
        "chosen": request.POST.get("format", "auto"),
        "mapping": request.POST.get("mapping", ""),
        "person": request.POST.get("person", ""),
    }


@journal_view
def import_upload(request: AuthedRequest) -> HttpResponse:
    """GET shows the form; POST checks the file (a dry run) and shows what would be saved."""
    context = _import_context(request)
    if request.method != "POST":
        return render(request, "exchange/import.html", context)
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "auto") or "auto"
    if upload is None or fmt not in CHOICES:
        context["error"] = "Choose a file (and, if it is not recognised, the app it comes from)."
        return render(request, "exchange/import.html", context, status=400)
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        context["error"] = (
            f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB, the limit of the web import; "
            "import it on the server with `relief import`."
        )
        return render(request, "exchange/import.html", context, status=413)
    data = upload.read()
    records = count_records(data)
    if records > MAX_WEB_IMPORT_ROWS:
        context["error"] = (
            f"The file has about {records:,} rows; the web import takes at most {MAX_WEB_IMPORT_ROWS:,} "
            "at once. Split the file, or import it on the server with `relief import`."
        )
        return render(request, "exchange/import.html", context, status=413)
    mapping = request.POST.get("mapping", "").strip() or None
    person = request.POST.get("person", "").strip() or None
    name = upload.name or "upload"
    try:
        fmt, report = preview(request.user, data, fmt, source=name, mapping=mapping, person=person)
    except (ImportFormatError, UnicodeDecodeError) as exc:
        context["error"] = str(exc)
        return render(request, "exchange/import.html", context, status=400)
    pending = keep_pending(request.user, fmt, name, data, mapping, person, report) if report.ok else None
    context.update(
        {
            "report": report,
            "pending": pending,
            "preview": report.planned[:200],
            "format_label": CHOICES.get(fmt, fmt),
            "background": len(report.planned) > import_tasks.BACKGROUND_ENTRIES,
        }
    )
    return render(request, "exchange/import.html", context)


@journal_view
@require_POST
def import_confirm(request: AuthedRequest, pk: str) -> HttpResponse:
    """Save a previewed import, all of it or nothing; a big file goes to the background worker."""
    pending = get_owned_or_404(PendingImport, request.user, pk)
    if pending.status in ("queued", "running", "done", "failed"):
        return _progress_page(request, pending)
    if pending.total > import_tasks.BACKGROUND_ENTRIES:
        PendingImport.objects.filter(pk=pending.pk).update(status="queued")
        pending.status = "queued"
        try:
            import_tasks.import_pending_task(str(pending.pk))
        except Exception:
            PendingImport.objects.filter(pk=pending.pk).update(status="waiting")
            context = {
                **_import_context(request),
                "error": "The background worker cannot be reached; nothing was saved. Try again, or use `relief import`.",
            }
            return render(request, "exchange/import.html", context, status=503)
        return _progress_page(request, pending)
    result = confirm_pending(pending)
    pending.delete()
    if result.get("saved"):
        messages.success(request, f"Imported {pending.filename}: {_counts(result)}.")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("today")
            return response
        return HttpResponseRedirect(reverse("today"))
    context = {
        **_import_context(request),
        "result": result,
        "error": result.get("error") or "Nothing was saved.",
    }
    return render(request, "exchange/import.html", context, status=400)


def _counts(result: dict[str, Any]) -> str:
    created = result.get("created") or {}
    return (
        ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(created.items()))
        or "nothing new"
    )


def _progress_page(request: AuthedRequest, pending: PendingImport) -> HttpResponse:
    template = "exchange/_import_progress.html" if request.htmx else "exchange/import_progress.html"
    return render(request, template, _progress_context(pending))


def _progress_context(pending: PendingImport) -> dict[str, Any]:
    done, total = import_tasks.read_progress(pending.pk) or (pending.done, pending.total)
    if pending.status == "done":
        done = total = pending.total
    return {
        "pending": pending,
        "done": done,
        "total": total or pending.total,
        "percent": round(100 * done / total) if total else 0,
        "result": pending.result,
        "counts": _counts(pending.result) if pending.result else "",
    }


@journal_view
@require_GET
def import_status(request: AuthedRequest, pk: str) -> HttpResponse:
    """The progress of a background import; the page polls it until it is done."""
    pending = get_owned_or_404(PendingImport, request.user, pk)
    return _progress_page(request, pending)


@journal_view
def export_fhir(request: AuthedRequest) -> HttpResponse:
    body = json.dumps(finite(export_bundle(request.user)), indent=2, ensure_ascii=False, allow_nan=False)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="relief-journal.fhir.json"'
    return response


@journal_view
def export_csv_zip(request: AuthedRequest) -> HttpResponse:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in export_csv(request.user, Path(tmp)):
            archive.write(path, path.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="relief-journal-csv.zip"'
    return response


@journal_view
def report_home(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's own report (the report pages are addressed by whose journal they read)."""
    target = reverse("exchange:report", args=[str(get_profile(request.user).pk)])
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{target}?{query}" if query else target)


def _query(request: HttpRequest, **extra: str) -> str:
    params = {k: request.GET[k] for k in ("from", "to") if request.GET.get(k)}
    params.update({k: v for k, v in extra.items() if v})
    return "?" + urlencode(params) if params else ""


def _report_state(request: HttpRequest, owner: User, start: date | None, end: date | None) -> dict[str, Any]:
    """Where the report stands: the stored result (current or not) and its PDF (ready or being built).

    Reads rows only.  What is behind is queued for the worker: a PDF of the diary as it is now
    (which also brings the period's stored insights up to date), or else the insights alone.
    """
    state = page_state(owner, start, end)
    period = period_key(start, end)
    pdf = import_tasks.ready_report(owner, period, state.version)
    if pdf is None:
        import_tasks.queue_report_pdf(owner.pk, period)
    elif not state.current:
        if state.row is None:
            prepare_period(owner.pk, period)
        else:
            schedule_recompute(owner.pk)
    computed = None
    if state.row is not None:
        computed = timezone.localtime(state.row.computed_at, zone(time_zone_of(owner)))
    who = cast(Any, request).reader_who
    shown = request.GET.get("shown", "") or (state.row.computed_at.isoformat() if state.row else "")
    page_url = reverse("exchange:report", args=[who])
    return {
        "state": state,
        "computed": computed,
        "pdf": pdf,
        "pdf_url": reverse("exchange:report_pdf", args=[who]) + _query(request),
        "poll_url": reverse("exchange:report_state", args=[who]) + _query(request, shown=shown),
        "page_url": page_url + _query(request),
    }


@never_cache  # a shared journal must not linger in a clinic's browser cache
@require_GET
@read_view
def report_page(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """The clinician report as a page, for the owner or a read-only share, from the stored result.

    The analysis and the PDF run on the worker; the page says when its numbers were computed and
    polls while newer ones or the PDF are being prepared.
    """
    start, end, error = bounded_period(request, owner)
    if error:
        return render(request, "exchange/report.html", {"error": error, "notice": NOTICE}, status=400)
    context = {**_report_state(request, owner, start, end), "notice": NOTICE, "shared": share is not None}
    context["owner"] = owner
    context["period_form"] = {"start": start, "end": end}
    insights = context["state"].insights
    if insights is not None:
        context["r"] = report_from_stored(owner, insights)
        context["figures"] = svg.figures(insights.charts, ALL_CHARTS)
    return render(request, "exchange/report.html", context)


@never_cache
@require_GET
@read_view
def report_state(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """The status partial the report page polls: numbers updating, PDF being prepared, or both ready."""
    start, end, error = bounded_period(request, owner)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    context = _report_state(request, owner, start, end)
    response = render(request, "exchange/_report_state.html", context)
    if context["state"].current and not request.GET.get("shown"):
        response["HX-Refresh"] = "true"  # nothing was shown yet: show the result at once
    return response


@never_cache
@require_GET
@read_view
def report_pdf(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """The stored PDF when it was built from the diary as it is now; otherwise a page that waits for it."""
    start, end, error = bounded_period(request, owner)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    context = _report_state(request, owner, start, end)
    ready = context["pdf"]
    if ready is None:
        context.update(notice=NOTICE, owner=owner)
        return render(request, "exchange/report_pdf_wait.html", context, status=202)
    body = StoredReport.objects.filter(pk=ready.pk).values_list("pdf", flat=True).get()
    response = HttpResponse(bytes(body), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="relief-report-{ready.start}-{ready.end}.pdf"'
    return response
