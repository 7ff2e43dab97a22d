"""Subscribing a browser, and the person's choices about what to push (on the settings page)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from relief.core.decorators import AuthedRequest, journal_view
from relief.core.services import error_lines
from relief.push.forms import PushPreferencesForm
from relief.push.models import PushSubscription
from relief.push.services import Message, deliver, preferences_of, push_enabled, subscribe, unsubscribe


def _json(request: AuthedRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@journal_view
@require_POST
def subscription_add(request: AuthedRequest) -> HttpResponse:
    """The browser's PushSubscription (its ``toJSON()``), sent after the person allowed notifications."""
    body = _json(request)
    given = body.get("keys")
    keys: dict[str, Any] = given if isinstance(given, dict) else {}
    try:
        subscribe(
            request.user,
            endpoint=str(body.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
            device=str(body.get("device", "")),
        )
    except ValidationError as exc:
        return JsonResponse({"detail": "; ".join(error_lines(exc))}, status=422)
    return JsonResponse({"subscribed": True}, status=201)


@journal_view
@require_POST
def subscription_remove(request: AuthedRequest) -> HttpResponse:
    removed = unsubscribe(request.user, str(_json(request).get("endpoint", "")))
    return JsonResponse({"removed": removed})


@journal_view
@require_POST
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PushPreferencesForm(request.POST, instance=preferences_of(request.user), prefix="push")
    if form.is_valid():
        form.save()
        messages.success(request, "Reminder choices saved.")
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(
                request, f"Reminders not saved: {label or name}: {' '.join(str(e) for e in errors)}"
            )
    return HttpResponseRedirect(reverse("accounts:settings") + "#reminders")


@journal_view
@require_POST
def test_push(request: AuthedRequest) -> HttpResponse:
    """A harmless notification to every subscribed browser, to see that push reaches this phone."""
    if not push_enabled():
        messages.error(request, "Push reminders are turned off on this server.")
    else:
        message = Message("test", "Relief Journal", "Reminders reach this device.", reverse("today"), "test")
        count = send_test(request, message)
        messages.success(request, f"Test sent to {count} device{'s' if count != 1 else ''}.")
    return HttpResponseRedirect(reverse("accounts:settings") + "#reminders")


def send_test(request: AuthedRequest, message: Message) -> int:
    return sum(deliver(s, message) for s in PushSubscription.objects.filter(user=request.user))
