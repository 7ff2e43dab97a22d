"""Small helpers the views share: form errors from services, saves, deletes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from relief.core import alerts, entries
from relief.core.services import owner_of


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (the rest on the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        field = name if name in form.fields else None
        prefix = "" if field or name == "__all__" else f"{name}: "
        for message in errors:
            form.add_error(field, f"{prefix}{message}")


def update(entry: models.Model, fields: dict[str, Any]) -> list[Any]:
    """Change an existing entry through its kind's service (all or nothing); the alerts it raised.

    Pages fetch the entry with ``get_owned_or_404`` first, so its owner is the person asking.
    """
    return entries.update(owner_of(entry), entry, fields).alerts


def saved(request: HttpRequest, text: str, found: Iterable[Any], to: str) -> HttpResponseRedirect:
    messages.success(request, text)
    alerts.remember(request, found)
    return HttpResponseRedirect(to)


def next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return default


def confirm_delete(request: HttpRequest, entry: models.Model, *, what: str, done: str) -> HttpResponse:
    """GET asks, POST deletes (everywhere: dependent rows go with it)."""
    if request.method == "POST":
        entries.delete(request.user, entry)
        messages.success(request, f"Deleted {what}.")
        return HttpResponseRedirect(done)
    return render(request, "core/confirm_delete.html", {"what": what, "back": next_url(request, done)})


def period_from_query(request: HttpRequest) -> tuple[date | None, date | None, str]:
    """A period from ``?from=YYYY-MM-DD&to=YYYY-MM-DD``; an error text when unreadable."""
    values: list[date | None] = []
    for name in ("from", "to"):
        text = request.GET.get(name, "").strip()
        try:
            values.append(date.fromisoformat(text) if text else None)
        except ValueError:
            return None, None, f"'{text}' is not a date; use YYYY-MM-DD"
    start, end = values
    if start and end and end < start:
        return None, None, f"the end {end} is before the start {start}"
    return start, end, ""
