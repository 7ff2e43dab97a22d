"""The insights page: the analysis of a diary, in plain words, with intervals and charts.

``/insights/`` is the signed-in person's own; ``/insights/<who>/`` is the same page for a journal
the viewer may read (their own, an invited account's share or a link share; see relief.core.access).

The page never runs the analysis: it shows the last result the worker stored, with when it was
computed, and says when a newer one is being prepared; a small status partial
(``.../state/``) polls until it is ready.  Nothing here imports pandas, SciPy or matplotlib.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from relief.accounts.services import time_zone_of
from relief.core.access import read_view
from relief.core.decorators import journal_view
from relief.core.periods import bounded_period
from relief.core.timeutil import zone
from relief.core.types import AuthedRequest
from relief.insights import svg
from relief.insights.services import CHART_NAMES, PageState, page_state, period_key
from relief.insights.tasks import prepare_period, schedule_recompute
from relief.insights.text import rate_text
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


def _query(request: HttpRequest, **extra: str) -> str:
    params = {k: request.GET[k] for k in ("from", "to") if request.GET.get(k)}
    params.update({k: v for k, v in extra.items() if v})
    return "?" + urlencode(params) if params else ""


def _ask_for_fresh(owner: User, start: Any, end: Any, state: PageState) -> None:
    """Queue what brings the period up to date: the first result of a period, or a debounced recompute.

    The queue computes on behalf of the owner; the request itself writes nothing to the journal.
    """
    if state.current:
        return
    if state.row is None:
        prepare_period(owner.pk, period_key(start, end))
    else:
        schedule_recompute(owner.pk)


def _state_context(
    request: HttpRequest, owner: User, state: PageState, state_url: str, page_url: str
) -> dict[str, Any]:
    computed = None
    if state.row is not None:
        computed = timezone.localtime(state.row.computed_at, zone(time_zone_of(owner)))
    shown = request.GET.get("shown", "") or (state.row.computed_at.isoformat() if state.row else "")
    return {
        "state": state,
        "computed": computed,
        "poll_url": state_url + _query(request, shown=shown),
        "page_url": page_url + _query(request),
    }


def _page(request: HttpRequest, owner: User, *, who: str | None = None) -> HttpResponse:
    """The page for ``owner``'s diary, from the last stored result; the analysis runs on the worker."""
    start, end, error = bounded_period(request, owner)
    if error:
        return render(request, "insights/index.html", {"error": error}, status=400)
    state = page_state(owner, start, end)
    _ask_for_fresh(owner, start, end, state)
    base = request.path
    context: dict[str, Any] = {"who": who, **_state_context(request, owner, state, base + "state/", base)}
    insights = state.insights
    if insights is None:
        context["period_form"] = {"start": start, "end": end}
        return render(request, "insights/index.html", context)
    doc = insights.doc
    context.update(
        report=insights,
        doc=doc,
        groups=[
            (title, help_text, [t for t in doc["triggers"] if t["verdict"] == verdict])
            for verdict, title, help_text in VERDICTS
        ],
        endpoints=[label for _, label in ENDPOINTS],
        treatments=_treatment_rows(doc),
        figures=svg.figures(insights.charts, CHART_NAMES),
    )
    return render(request, "insights/index.html", context)


def _state(request: HttpRequest, owner: User, page_url: str) -> HttpResponse:
    """The status partial the page polls: still updating, or ready (then the page reloads or offers it)."""
    start, end, error = bounded_period(request, owner)
    if error:
        return HttpResponse(error, status=400)
    state = page_state(owner, start, end)
    context = _state_context(request, owner, state, request.path, page_url)
    response = render(request, "insights/_state.html", context)
    if state.current and not request.GET.get("shown"):
        response["HX-Refresh"] = "true"  # nothing was shown yet: show the result at once
    return response


@require_GET
@journal_view
def index(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's own insights."""
    return _page(request, request.user)


@require_GET
@journal_view
def state(request: AuthedRequest) -> HttpResponse:
    """Whether the signed-in person's newer insights are ready."""
    return _state(request, request.user, request.path.removesuffix("state/"))


@never_cache  # a shared journal must not linger in a clinic's browser cache
@require_GET
@read_view
def shared(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """The insights of a journal the viewer may read: their own, or through a read-only share.

    A share reads the owner's stored insights; like the owner's own view, the request writes
    nothing (a newer result is prepared by the worker).
    """
    return _page(request, owner, who=cast(Any, request).reader_who)


@never_cache
@require_GET
@read_view
def shared_state(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """Whether newer insights of a journal the viewer may read are ready."""
    return _state(request, owner, request.path.removesuffix("state/"))
