"""The insights page: the analysis of a diary, in plain words, with intervals and charts.

``/insights/`` is the signed-in person's own; ``/insights/<who>/`` is the same page for a journal
the viewer may read (their own, an invited account's share or a link share; see relief.core.access).
"""

from __future__ import annotations

import base64
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from relief.core.access import read_view
from relief.core.decorators import journal_view
from relief.core.types import AuthedRequest
from relief.core.web import period_from_query
from relief.exchange.reports.data import rate_text
from relief.insights.services import CHART_NAMES, insights_for
from relief.sharing.models import Share

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
                "cells": [(label, rate_text(row.get(key))) for key, label in ENDPOINTS],
            }
        )
    return rows


def _page(request: HttpRequest, owner: User, *, store: bool, who: str | None = None) -> HttpResponse:
    """The page for ``owner``'s diary, from stored insights while they are current."""
    from relief.exchange.reports.charts import CHARTS

    start, end, error = period_from_query(request)
    if error:
        return render(request, "insights/index.html", {"error": error}, status=400)
    try:
        insights = insights_for(owner, start, end, store=store)
    except ValueError as exc:
        return render(request, "insights/index.html", {"error": str(exc)}, status=400)
    doc = insights.doc
    groups = [
        (title, help_text, [t for t in doc["triggers"] if t["verdict"] == verdict])
        for verdict, title, help_text in VERDICTS
    ]
    charts = [
        (
            CHARTS[name][0],
            "data:image/svg+xml;base64," + base64.b64encode(insights.charts[name].encode()).decode(),
        )
        for name in CHART_NAMES
    ]
    context = {
        "report": insights,
        "doc": doc,
        "groups": groups,
        "endpoints": [label for _, label in ENDPOINTS],
        "treatments": _treatment_rows(doc),
        "charts": charts,
        "who": who,
    }
    return render(request, "insights/index.html", context)


@require_GET
@journal_view
def index(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's own insights."""
    return _page(request, request.user, store=True)


@never_cache  # a shared journal must not linger in a clinic's browser cache
@require_GET
@read_view
def shared(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """The insights of a journal the viewer may read: their own, or through a read-only share.

    A share reads the owner's stored insights when they are current but never stores any:
    reading someone's journal does not write to it.
    """
    return _page(request, owner, store=share is None, who=cast(Any, request).reader_who)
