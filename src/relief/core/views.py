"""Home, the logging hub, the month calendar, the day view and the reminder feed."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from relief.accounts.services import get_profile, today_for
from relief.core.calendar import month_for
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.timeutil import is_supported_day
from relief.core.web import next_url
from relief.diary.models import Attack, DayRecord
from relief.diary.services import entries_for_day
from relief.safety import summary
from relief.safety.engine import UnknownAlertError, acknowledge_keys
from relief.treatments.models import Dose
from relief.treatments.services import ongoing_attack, pending_outcomes
from relief.treatments.usual import usual_doses
from relief.treatments.views import followups

PAIN_SCALE = range(11)
# The 0-10 buttons of an outcome prompt, the same in every prompt: made once, not per prompt and per
# request (the today page can show up to 20 prompts).
PAIN_BUTTONS = mark_safe(
    "".join(
        f'<button class="pill" type="submit" name="pain_2h" value="{n}" aria-label="Pain {n}">{n}</button>'
        for n in PAIN_SCALE
    )
)


def checkin_due(user: Any, day: date, checked_in: bool | None = None) -> bool:
    """The person's reminder time has passed today and the day has no check-in yet."""
    reminder = get_profile(user).checkin_reminder_time
    if reminder is None or timezone.localtime().time() < reminder:
        return False
    if checked_in is not None:
        return not checked_in
    return not DayRecord.objects.filter(user=user, date=day).exists()


_ANY_ID = "00000000-0000-0000-0000-000000000000"


def with_outcome_urls(doses: list[Dose]) -> list[Dose]:
    """Give each dose the addresses of its outcome forms (one reverse() each, not one per dose)."""
    quick = reverse("treatments:outcome_quick", args=[_ANY_ID])
    detail = reverse("treatments:outcome", args=[_ANY_ID])
    for dose in doses:
        dose.quick_url = quick.replace(_ANY_ID, str(dose.pk))  # type: ignore[attr-defined]
        dose.detail_url = detail.replace(_ANY_ID, str(dose.pk))  # type: ignore[attr-defined]
    return doses


@journal_view
def today(request: AuthedRequest) -> HttpResponse:
    """Read mostly from the person's running summary: what is new, open, checked in and usual."""
    user = request.user
    day = today_for(user)
    known = summary.current(user)
    counts = known.data["counts"]
    checked_in = summary.has_day(known, day)
    if checked_in is None:  # a clock far ahead of the summary: ask the rows
        checked_in = DayRecord.objects.filter(user=user, date=day).exists()
    context = {
        "checkin_due": checkin_due(user, day, checked_in),
        "is_new": not (counts["doses"] or counts["attacks"] or counts["days"]),
        "day": day,
        "entries": entries_for_day(user, day, known=known),
        "open_attack": summary.open_attack(known),
        "ongoing": ongoing_attack(user, known=known),  # a usual dose tapped now belongs to it
        "pending": with_outcome_urls(pending_outcomes(user)),
        "followups": with_outcome_urls(followups(user) if counts["outcomes"] else []),
        "checked_in": checked_in,
        "usual": usual_doses(user, known=known),
        "pain_buttons": PAIN_BUTTONS,
    }
    return render(request, "core/today.html", context)


@journal_view
def log(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/log.html")


@journal_view
def calendar(request: AuthedRequest, year: int | None = None, month: int | None = None) -> HttpResponse:
    day = today_for(request.user)
    year, month = year or day.year, month or day.month
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise Http404("no such month")
    context = {"month": month_for(request.user, year, month), "today": day}
    return render(request, "core/calendar.html", context)


@journal_view
def day_view(request: AuthedRequest, day: str) -> HttpResponse:
    try:
        shown = date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("no such day") from exc
    if not is_supported_day(shown):
        raise Http404("no such day: the journal keeps days from 1900 to 2199")
    context = {
        "day": shown,
        "entries": entries_for_day(request.user, shown),
        "is_future": shown > today_for(request.user),
        "previous": date.fromordinal(shown.toordinal() - 1),
        "next": date.fromordinal(shown.toordinal() + 1),
    }
    return render(request, "core/day.html", context)


@journal_view
def reminders(request: AuthedRequest) -> JsonResponse:
    """What the browser may remind about now: outcomes due and the daily check-in."""
    user = request.user
    day = today_for(user)
    reminder = get_profile(user).checkin_reminder_time
    outcomes = [
        {
            "id": str(dose.pk),
            "label": f"{dose.substance.name} at {timezone.localtime(dose.taken_at):%H:%M}: pain 2 hours later?",
            "url": reverse("treatments:outcome", args=[dose.pk]),
        }
        for dose in pending_outcomes(user)
    ]
    return JsonResponse(
        {
            "today": day.isoformat(),
            "outcomes": outcomes,
            "checkin_due": checkin_due(user, day),
            "is_new": not (
                Dose.objects.filter(user=user).exists()
                or Attack.objects.filter(user=user).exists()
                or DayRecord.objects.filter(user=user).exists()
            ),
            "checkin_time": reminder.strftime("%H:%M") if isinstance(reminder, time) else None,
            "checkin_url": reverse("diary:checkin"),
        }
    )


@journal_view
@require_POST
def acknowledge_alert(request: AuthedRequest) -> HttpResponse:
    """'I understand' on a dangerous alert: recorded by the safety engine; nothing is blocked either way.

    Only the alert's key is taken from the form; what is recorded (level, entries) comes from the
    engine's own active alert with that key.
    """
    key = request.POST.get("key", "")
    if not key:
        return HttpResponseBadRequest("which alert? (key is missing)")
    try:
        acknowledge_keys(request.user, [key])
    except UnknownAlertError:
        messages.info(request, "That alert is no longer active, so there is nothing to confirm.")
    else:
        messages.success(request, "Noted. The alert stays in your history.")
    referer = request.META.get("HTTP_REFERER", "")
    fallback = referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else reverse("today")
    return HttpResponseRedirect(next_url(request, fallback))
