"""Pages to manage shares and API tokens, and the read-only timeline a share sees.

The shared pages use :func:`relief.core.access.read_view` (see that module for how other pages opt in).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from relief.accounts.services import get_profile, time_zone_of
from relief.core.access import get_from_or_404, get_owned_or_404, owned, read_view, readable
from relief.core.services import error_lines
from relief.core.timeutil import day_bounds, local_day, zone
from relief.diary.models import Attack, DayRecord, SideEffect
from relief.sharing.models import ApiToken, Share, ShareAccess
from relief.sharing.services import (
    INVITED,
    accept_invitation,
    create_api_token,
    create_link_share,
    decline_invitation,
    invite_reader,
    pending_invitations,
    revoke_api_token,
    revoke_share,
    shared_with,
)
from relief.treatments.models import Dose

MAX_TIMELINE_DAYS = 92

# Other pages a share may read (views decorated with read_view and taking ``who``), linked from the
# shared timeline; a page that does not exist (yet) is left out.
SHARED_PAGES = (
    ("exchange:report", "Report for the clinician"),
    ("exchange:report_pdf", "Report as PDF"),
    ("plans:shared_decisions", "Treatment decisions and trials"),
    ("insights:shared", "Insights"),
    ("diary:shared_history", "All attacks and doses"),
)


def shared_pages(who: str) -> list[tuple[str, str]]:
    pages = []
    for name, title in SHARED_PAGES:
        try:
            pages.append((reverse(name, args=[who]), title))
        except NoReverseMatch:
            continue
    return pages


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)  # every caller is behind login_required or read_view


def _manage(request: HttpRequest, **extra: Any) -> HttpResponse:
    shares = owned(Share, _me(request)).select_related("reader")
    context = {
        "shares": [s for s in shares if s.is_active()],
        "invitations": [s for s in shares if s.is_pending()],
        "past_shares": [s for s in shares if not s.is_active() and not s.is_pending()],
        "accesses": owned(ShareAccess, _me(request)).select_related("share", "viewer")[:200],
        "tokens": owned(ApiToken, _me(request)),
        "own_id": get_profile(_me(request)).pk,
        **extra,
    }
    with timezone.override(
        zone(time_zone_of(_me(request)))
    ):  # expiries and the access log in the person's zone
        return render(request, "sharing/manage.html", context, status=422 if extra.get("errors") else 200)


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    return _manage(request)


@login_required
@require_POST
def create_link(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.POST.get("days", "14"))
        share, token = create_link_share(_me(request), label=request.POST.get("label", ""), days=days)
    except ValueError:
        return _manage(request, errors=["days: give a whole number of days, for example 14"])
    except ValidationError as exc:
        return _manage(request, errors=error_lines(exc))
    link = request.build_absolute_uri(f"/shared/{token}/")
    return _manage(request, new_link=link, new_share=share)


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    days = request.POST.get("days", "").strip()
    try:
        expires_at = timezone.now() + timedelta(days=int(days)) if days else None
        share = invite_reader(
            _me(request),
            username_or_email=request.POST.get("username_or_email", ""),
            label=request.POST.get("label", ""),
            expires_at=expires_at,
        )
    except (ValueError, OverflowError):
        return _manage(request, errors=["days: give a whole number of days, or leave it empty for no end"])
    except ValidationError as exc:
        return _manage(request, errors=error_lines(exc))
    # The same words and the same redirect whether or not an account answers to that name.
    messages.success(request, INVITED.format(who=share.invited_as))
    return redirect("sharing:manage")


@login_required
@require_POST
def revoke(request: HttpRequest, share_id: Any) -> HttpResponse:
    revoke_share(_me(request), get_owned_or_404(Share, _me(request), share_id))
    return redirect("sharing:manage")


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    try:
        token, plaintext = create_api_token(_me(request), request.POST.get("name", ""))
    except ValidationError as exc:
        return _manage(request, errors=error_lines(exc))
    return _manage(request, new_token=plaintext, new_token_obj=token)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: Any) -> HttpResponse:
    revoke_api_token(_me(request), get_owned_or_404(ApiToken, _me(request), token_id))
    return redirect("sharing:manage")


@login_required
@require_GET
def with_me(request: HttpRequest) -> HttpResponse:
    context = {
        "shares": shared_with(_me(request)),
        "invitations": pending_invitations(_me(request)).select_related("user"),
    }
    return render(request, "sharing/with_me.html", context)


@login_required
@require_POST
def answer_invitation(request: HttpRequest, share_id: Any, answer: str) -> HttpResponse:
    """The invited account accepts (the journal is then shared with it) or declines."""
    share = get_from_or_404(pending_invitations(_me(request)), share_id)
    if answer == "accept":
        accept_invitation(_me(request), share)
        messages.success(request, f"You can now read {share.user.get_username()}'s journal.")
    else:
        decline_invitation(_me(request), share)
    return redirect("sharing:with_me")


def _timeline_range(request: HttpRequest, owner: Any) -> tuple[date, date]:
    today = local_day(timezone.now(), time_zone_of(owner))
    try:
        until = min(date.fromisoformat(request.GET.get("until", "")), today)
    except ValueError:
        until = today
    try:
        days = max(1, min(int(request.GET.get("days", "30")), MAX_TIMELINE_DAYS))
    except ValueError:
        days = 30
    return until - timedelta(days=days - 1), until


def _timeline(
    request: HttpRequest, owner: Any, share: Share | None, first: date, last: date
) -> list[dict[str, Any]]:
    """Days (newest first) with their entries, read through ``readable`` only."""
    tz = time_zone_of(owner)
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    viewer = _me(request)
    by_day: dict[date, list[tuple[Any, str, Any]]] = {}
    for record in readable(DayRecord, viewer, owner, share).filter(date__range=(first, last)):
        by_day.setdefault(record.date, []).append((None, "day", record))
    timed: tuple[tuple[Any, str, str], ...] = (
        (Attack, "started_at", "attack"),
        (Dose, "taken_at", "dose"),
        (SideEffect, "occurred_at", "side_effect"),
    )
    for model, field, kind in timed:
        rows = readable(model, viewer, owner, share).filter(**{f"{field}__gte": start, f"{field}__lt": end})
        if model is Attack:
            rows = rows.prefetch_related("pain_samples")
        if model is Dose:
            rows = rows.select_related("substance")
        for row in rows:
            at = getattr(row, field)
            shown = row.clock_start if kind == "attack" else at
            by_day.setdefault(local_day(at, tz), []).append((shown, kind, row))
    days = []
    for day in sorted(by_day, reverse=True):
        items = sorted(by_day[day], key=lambda item: (item[0] is not None, item[0] or start))
        days.append({"date": day, "items": items})
    return days


@never_cache  # a shared journal must not linger in a clinic's browser cache
@require_GET
@read_view
def timeline(request: HttpRequest, owner: Any, share: Share | None) -> HttpResponse:
    first, last = _timeline_range(request, owner)
    context = {
        "owner": owner,
        "share": share,
        "who": request.reader_who,  # type: ignore[attr-defined]
        "first": first,
        "last": last,
        "earlier": first - timedelta(days=1),
        "days": _timeline(request, owner, share, first, last),
        "pages": shared_pages(request.reader_who),  # type: ignore[attr-defined]
    }
    return render(request, "sharing/timeline.html", context)
