"""The insights page: the analysis of the person's own diary, in plain words, with intervals and charts."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relief.core.decorators import journal_view
from relief.core.types import AuthedRequest
from relief.core.web import period_from_query
from relief.exchange.reports.data import rate_text

ENDPOINTS = (
    ("pain_free_2h", "Pain-free at 2 h"),
    ("pain_relief_2h", "Pain relief at 2 h"),
    ("mbs_free_2h", "Worst symptom gone at 2 h"),
    ("sustained_pain_free_24h", "Pain-free 2-24 h"),
    ("rescue", "Needed rescue medicine"),
)
VERDICTS = (
    (
        "trigger",
        "Possible triggers",
        "Attacks started more often after these. An association, not proof of cause.",
    ),
    (
        "protector",
        "Possible protectors",
        "Attacks started less often after these. An association, not proof of cause.",
    ),
    ("no_association", "No association found", "Enough data, and no clear link with attack onset."),
    (
        "not_enough_data",
        "Not enough data yet",
        "Too few days with and without the factor, or too few attacks, to tell.",
    ),
)
CHART_NAMES = ("monthly", "response", "doses", "pain")


def _treatment_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for row in [*doc["treatments"], doc["untreated"]]:
        name = row["treatment"] + (f", {row['dose_band']}" if row.get("dose_band") else "")
        name += f", {row['product']}" if row.get("product") else ""
        rows.append(
            {
                "name": name,
                "attacks": row["treated_attacks"],
                "note": row.get("note"),
                "cells": [rate_text(row.get(key)) for key, _ in ENDPOINTS],
            }
        )
    return rows


@require_GET
@journal_view
def index(request: AuthedRequest) -> HttpResponse:
    from relief.exchange.reports.charts import CHARTS, chart
    from relief.exchange.reports.data import build_report

    start, end, error = period_from_query(request)
    if error:
        return render(request, "insights/index.html", {"error": error}, status=400)
    try:
        report = build_report(request.user, start, end)
    except ValueError as exc:
        return render(request, "insights/index.html", {"error": str(exc)}, status=400)
    doc = report.doc
    groups = [
        (title, help_text, [t for t in doc["triggers"] if t["verdict"] == verdict])
        for verdict, title, help_text in VERDICTS
    ]
    charts = [
        (
            CHARTS[name][0],
            "data:image/svg+xml;base64," + base64.b64encode(chart(name, report, "svg")).decode(),
        )
        for name in CHART_NAMES
    ]
    context = {
        "report": report,
        "doc": doc,
        "groups": groups,
        "endpoints": [label for _, label in ENDPOINTS],
        "treatments": _treatment_rows(doc),
        "charts": charts,
    }
    return render(request, "insights/index.html", context)
