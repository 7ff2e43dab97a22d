"""History: every attack and dose, newest first, a page at a time, for the owner or a read-only share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db.models import CharField, F, Max, Prefetch, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from relief.accounts.services import time_zone_of
from relief.core.access import read_view, readable
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.timeutil import day_bounds
from relief.core.web import period_from_query
from relief.diary.models import Attack, PainSample
from relief.sharing.models import Share
from relief.treatments.models import Dose

PER_PAGE = 50
KINDS = ("all", "attacks", "doses")


@dataclass
class Row:
    """One line of the history: an attack or a dose, with what the page shows about it."""

    kind: str  # "attack" or "dose"
    at: datetime
    entry: Attack | Dose
    duration: str = ""  # attacks: "3 h 20 min" or "ongoing"
    worst: str = ""  # attacks: "7/10", or the 4-point word when no 0-10 score was given
    pain_2h: int | None = None  # doses: pain two hours later, when recorded


@journal_view
@require_GET
def history(request: AuthedRequest) -> HttpResponse:
    """The signed-in person's own history."""
    return _page(request, request.user, None)


@never_cache  # a shared journal must not linger in a clinic's browser cache
@require_GET
@read_view
def shared_history(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    """The same page read through a share (or by the owner through their own ``who``)."""
    return _page(request, owner, share)


def _page(request: HttpRequest, owner: User, share: Share | None) -> HttpResponse:
    start, end, error = period_from_query(request)
    kind = request.GET.get("kind", "all") if request.GET.get("kind") in KINDS else "all"
    context: dict[str, Any] = {
        "owner": owner,
        "share": share,
        "who": getattr(request, "reader_who", None),
        "kinds": KINDS,
        "kind": kind,
        "start": start,
        "end": end,
        "error": error,
        "filtered": bool(start or end or kind != "all"),
    }
    htmx = getattr(request, "htmx", False)  # set by django-htmx's middleware
    template = "diary/history.html#results" if htmx else "diary/history.html"
    if error:  # htmx swaps only 2xx answers, so it gets the message with a 200
        return render(request, template, context, status=200 if htmx else 400)
    listing = _listing(request.user, owner, share, kind, start, end)
    page = Paginator(listing, PER_PAGE).get_page(request.GET.get("page"))
    context |= {"page": page, "rows": _rows(request.user, owner, share, page)}
    return render(request, template, context)


def _listing(
    viewer: Any, owner: User, share: Share | None, kind: str, start: date | None, end: date | None
) -> QuerySet:
    """(pk, at, kind) of every attack and dose in the period, newest first: one query per page."""
    tz = time_zone_of(owner)
    parts = []
    for wanted, model, field in (("attacks", Attack, "started_at"), ("doses", Dose, "taken_at")):
        if kind not in ("all", wanted):
            continue
        rows = readable(model, viewer, owner, share)
        if start:
            rows = rows.filter(**{f"{field}__gte": day_bounds(start, tz)[0]})
        if end:
            rows = rows.filter(**{f"{field}__lt": day_bounds(end, tz)[1]})
        label = Value(wanted[:-1], output_field=CharField())
        parts.append(rows.order_by().annotate(at=F(field), kind=label).values("pk", "at", "kind"))
    listing = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return listing.order_by("-at", "kind", "-pk")  # pk: a stable order for entries logged at the same time


def _rows(viewer: Any, owner: User, share: Share | None, page: Page) -> list[Row]:
    """The entries of one page, fetched in a fixed number of queries whatever the page size."""
    wanted: dict[str, list[Any]] = {"attack": [], "dose": []}
    for item in page.object_list:
        wanted[item["kind"]].append(item["pk"])
    doses_in_attacks = readable(Dose, viewer, owner, share).select_related("substance").order_by("taken_at")
    attacks = {
        a.pk: a
        for a in readable(Attack, viewer, owner, share)
        .filter(pk__in=wanted["attack"])
        .annotate(worst_nrs=Max("pain_samples__nrs"), worst_four=Max("pain_samples__four_point"))
        .prefetch_related(Prefetch("doses", queryset=doses_in_attacks))
    }
    doses = {
        d.pk: d
        for d in readable(Dose, viewer, owner, share)
        .filter(pk__in=wanted["dose"])
        .select_related("substance", "product", "outcome", "attack")
    }
    rows = []
    for item in page.object_list:
        if item["kind"] == "attack" and item["pk"] in attacks:
            rows.append(_attack_row(attacks[item["pk"]]))
        elif item["kind"] == "dose" and item["pk"] in doses:
            rows.append(_dose_row(doses[item["pk"]]))
    return rows


def _attack_row(attack: Any) -> Row:
    if attack.worst_nrs is not None:
        worst = f"{attack.worst_nrs}/10"
    elif attack.worst_four is not None:
        worst = PainSample.FourPoint(attack.worst_four).label.lower()
    else:
        worst = ""
    if attack.times_unknown:
        duration = "times not recorded"
    elif attack.ended_at is None:
        duration = "ongoing"
    else:
        duration = _duration(attack.ended_at - attack.started_at)
    return Row("attack", attack.started_at, attack, duration=duration, worst=worst)


def _dose_row(dose: Dose) -> Row:
    outcome = getattr(dose, "outcome", None)  # select_related leaves a missing outcome unset
    return Row("dose", dose.taken_at, dose, pain_2h=outcome.pain_2h if outcome is not None else None)


def _duration(length: Any) -> str:
    minutes = max(0, int(length.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
