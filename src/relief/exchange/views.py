"""Import with a preview before saving, exports as downloads, and the clinician report."""

from __future__ import annotations

import base64
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from relief.accounts.services import get_profile
from relief.core.access import get_owned_or_404, read_view
from relief.core.decorators import journal_view
from relief.core.types import AuthedRequest
from relief.core.web import period_from_query
from relief.exchange.importers import FORMATS, ImportFormatError, import_text
from relief.exchange.importers.base import read_text
from relief.exchange.models import PendingImport

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@journal_view
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "exchange/index.html", {"formats": FORMATS})


@journal_view
def import_upload(request: AuthedRequest) -> HttpResponse:
    """GET shows the form; POST checks the file (a dry run) and shows what would be saved."""
    context: dict[str, Any] = {
        "formats": FORMATS,
        "chosen": request.POST.get("format", ""),
        "mapping": request.POST.get("mapping", ""),
    }
    if request.method != "POST":
        return render(request, "exchange/import.html", context)
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "")
    if upload is None or fmt not in FORMATS:
        context["error"] = "Choose a file and the app it comes from."
        return render(request, "exchange/import.html", context, status=400)
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        context["error"] = (
            f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB; import it with `relief import`."
        )
        return render(request, "exchange/import.html", context, status=400)
    data = upload.read()
    mapping = request.POST.get("mapping", "").strip() or None
    try:
        report = import_text(
            request.user, data, fmt, source=upload.name or "upload", mapping=mapping, dry_run=True
        )
    except (ImportFormatError, UnicodeDecodeError) as exc:
        context["error"] = str(exc)
        return render(request, "exchange/import.html", context, status=400)
    pending = None
    if report.ok:
        PendingImport.objects.filter(user=request.user).delete()  # one upload waits at a time
        pending = PendingImport.objects.create(
            user=request.user,
            format=fmt,
            filename=(upload.name or "upload")[:200],
            content=read_text(data),  # the same decoding the preview used
            mapping={"text": mapping} if mapping else {},
        )
    context.update({"report": report, "pending": pending, "preview": report.planned[:200]})
    return render(request, "exchange/import.html", context)


@journal_view
@require_POST
def import_confirm(request: AuthedRequest, pk: str) -> HttpResponse:
    """Save a previewed import, all of it or nothing."""
    pending = get_owned_or_404(PendingImport, request.user, pk)
    mapping = pending.mapping.get("text") if pending.mapping else None
    try:
        report = import_text(
            request.user, pending.content, pending.format, source=pending.filename, mapping=mapping
        )
    except ImportFormatError as exc:
        report = None
        error = str(exc)
    else:
        error = ""
    pending.delete()
    if report is not None and report.saved:
        counts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(report.created.items()))
        messages.success(request, f"Imported {pending.filename}: {counts}.")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("today")
            return response
        return HttpResponseRedirect(reverse("today"))
    context = {"formats": FORMATS, "report": report, "error": error or "Nothing was saved."}
    return render(request, "exchange/import.html", context, status=400)


@journal_view
def export_fhir(request: AuthedRequest) -> HttpResponse:
    from relief.exchange.fhir import export_bundle

    body = json.dumps(export_bundle(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="relief-journal.fhir.json"'
    return response


@journal_view
def export_csv_zip(request: AuthedRequest) -> HttpResponse:
    from relief.exchange.csvexport import export_csv

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


@never_cache  # a shared journal must not linger in a clinic's browser cache
@require_GET
@read_view
def report_page(request: HttpRequest, owner, share) -> HttpResponse:
    """The clinician report as a page, for the owner or a read-only share: the PDF's numbers, SVG charts."""
    from relief.exchange.reports.charts import CHARTS, chart
    from relief.exchange.reports.data import NOTICE, build_report

    start, end, error = period_from_query(request)
    if error:
        return render(request, "exchange/report.html", {"error": error, "notice": NOTICE}, status=400)
    report = build_report(owner, start, end)
    pictures = {
        name: (title, "data:image/svg+xml;base64," + base64.b64encode(chart(name, report, "svg")).decode())
        for name, (title, _) in CHARTS.items()
    }
    context = {"r": report, "charts": pictures, "notice": NOTICE, "shared": share is not None}
    return render(request, "exchange/report.html", context)


@never_cache
@require_GET
@read_view
def report_pdf(request: HttpRequest, owner, share) -> HttpResponse:
    from relief.exchange.reports.data import build_report
    from relief.exchange.reports.pdf import render_pdf

    start, end, error = period_from_query(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = build_report(owner, start, end)
    response = HttpResponse(render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="relief-report-{report.start}-{report.end}.pdf"'
    return response
