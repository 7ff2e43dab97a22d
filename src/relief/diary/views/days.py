"""The daily check-in: under thirty seconds, the person's own factors first."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from relief.accounts.services import checkin_day_for, get_profile, today_for
from relief.core.access import get_owned_or_404, owned
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.display import day_text
from relief.core.timeutil import is_supported_day
from relief.core.web import add_errors, confirm_delete, saved
from relief.diary.forms import CheckinForm
from relief.diary.models import DayFactor, DayRecord, FactorTag
from relief.diary.services import log_day


def _chosen_day(request: AuthedRequest) -> date:
    """The day asked for, else the day a check-in now belongs to (before "my day ends at": yesterday)."""
    text = request.POST.get("date") or request.GET.get("date") or ""
    if not text:
        return checkin_day_for(request.user)
    try:
        chosen = date.fromisoformat(text)
    except ValueError as exc:
        raise Http404("no such day") from exc
    if not is_supported_day(chosen):
        raise Http404("no such day: the journal keeps days from 1900 to 2199")
    return chosen


@journal_view
def checkin(request: AuthedRequest) -> HttpResponse:
    user = request.user
    day = _chosen_day(request)
    period = request.POST.get("period") or request.GET.get("period") or DayRecord.Period.DAY
    if period not in DayRecord.Period.values:
        raise Http404("no such period")
    record = owned(DayRecord, user).filter(date=day, period=period).first()
    tags = list(owned(FactorTag, user).filter(tracked=True))
    profile = get_profile(user)
    present = {f.tag_id: f.amount for f in DayFactor.objects.filter(day=record)} if record else {}
    form = CheckinForm(
        request.POST if request.method == "POST" else None,
        instance=record,
        tags=tags,
        present=present,
        track_periods=profile.track_menstruation,
        us_units=profile.units == profile.Units.US,
    )
    if request.method == "POST" and form.is_valid():
        ticked, unticked = form.factors()
        try:
            with transaction.atomic():
                result = log_day(user, day=day, period=period, factors=ticked, **form.record_fields())
                DayFactor.objects.filter(day=result.entry, tag__in=unticked).delete()
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, f"Check-in for {day_text(day)} saved.", result.alerts, reverse("today"))
    today = today_for(user)
    context = {
        "form": form,
        "day": day,
        "period": period,
        "periods": DayRecord.Period.choices,
        "record": record,
        "is_today": day == today,
        "is_yesterday": day == today - timedelta(days=1),
        "choices": [(today, "Today"), (today - timedelta(days=1), "Yesterday")],
    }
    return render(request, "diary/checkin.html", context)


@journal_view
def day_record_delete(request: AuthedRequest, pk: str) -> HttpResponse:
    record = get_owned_or_404(DayRecord, request.user, pk)
    return confirm_delete(
        request,
        record,
        what=f"the check-in of {day_text(record.date)}",
        done=reverse("day", args=[record.date]),
    )
