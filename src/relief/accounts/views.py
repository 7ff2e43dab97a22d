"""Sign up, sign in (rate limited), one-time links, settings, export and deleting the account."""

from __future__ import annotations

import importlib
import json
from datetime import date

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from relief.accounts import ratelimit
from relief.accounts.deletion import delete_account as delete_account_and_data
from relief.accounts.forms import DeleteAccountForm, ProfileForm, SignupForm
from relief.accounts.models import LoginLink
from relief.accounts.services import create_account, default_time_zone, get_profile
from relief.accounts.services_links import _hash, consume_login_link
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.web import add_errors, next_url

ZONE_HINTS = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Toronto", "Australia/Sydney", "Asia/Tokyo",
)  # fmt: skip


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(
        request.POST if request.method == "POST" else None, initial={"time_zone": default_time_zone()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = create_account(
            data["username"],
            password=data["password1"],
            email=data["email"],
            time_zone=data["time_zone"] or default_time_zone(),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Check your time zone and the rest when you have a moment.")
        return HttpResponseRedirect(reverse("accounts:settings"))
    return render(request, "accounts/signup.html", {"form": form, "zones": ZONE_HINTS})


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    blocked = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        if ratelimit.is_blocked(username, _address(request)):
            form = AuthenticationForm(request, initial={"username": username})
            blocked = True
        elif form.is_valid():
            ratelimit.clear(username)
            login(request, form.get_user())
            return HttpResponseRedirect(next_url(request, reverse("today")))
        else:
            ratelimit.record_failure(username, _address(request))
    context = {"form": form, "next": next_url(request, ""), "blocked": blocked}
    return render(request, "accounts/login.html", context, status=429 if blocked else 200)


RESETS_PER_ADDRESS = 5
password_reset_form = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's reset form, with a limit on how many mails one address can ask for."""
    if request.method == "POST" and not ratelimit.spend("reset", _address(request), RESETS_PER_ADDRESS):
        return render(request, "accounts/password_reset.html", {"blocked": True, "form": None}, status=429)
    return password_reset_form(request)  # type: ignore[return-value]


@never_cache
@require_http_methods(["GET", "POST"])
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link previews must not use the link up); POST signs in once."""
    if request.method == "POST":
        user = consume_login_link(token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(reverse("today"))
        valid = False
    else:
        valid = LoginLink.objects.filter(token_hash=_hash(token), used_at__isnull=True).exists()
    return render(request, "accounts/login_link.html", {"valid": valid}, status=200 if valid else 410)


@journal_view
@require_http_methods(["GET", "POST"])
def settings_view(request: AuthedRequest) -> HttpResponse:
    profile = get_profile(request.user)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Settings saved.")
            return HttpResponseRedirect(reverse("accounts:settings"))
    return render(request, "accounts/settings.html", {"form": form, "zones": ZONE_HINTS})


@journal_view
def export(request: AuthedRequest) -> HttpResponse:
    """Everything the person logged, in the project's JSON format, as a download."""
    try:
        jsonformat = importlib.import_module("relief.exchange.jsonformat")
    except ModuleNotFoundError:
        return render(request, "accounts/export_unavailable.html", status=503)
    document = jsonformat.export_document(request.user)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False, default=str), content_type="application/json"
    )
    name = f"relief-journal-{request.user.get_username()}-{date.today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@sensitive_post_parameters("password")
@journal_view
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account_and_data(user)
        messages.success(request, "Your account and everything in it are deleted.")
        return HttpResponseRedirect(reverse("accounts:login"))
    return render(request, "accounts/delete_account.html", {"form": form})
