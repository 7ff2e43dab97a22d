"""Sign up, sign in (rate limited), one-time links, settings, export and deleting the account."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from relief.accounts import ratelimit, sudo
from relief.accounts.deletion import delete_account as delete_account_and_data
from relief.accounts.forms import ConfirmPasswordForm, ProfileForm, SignupForm
from relief.accounts.models import LoginLink
from relief.accounts.services import create_account, default_time_zone, get_profile
from relief.accounts.services_links import _hash, consume_login_link
from relief.accounts.sudo import require_recent_authentication
from relief.core.decorators import AuthedRequest, journal_view
from relief.core.validation import finite
from relief.core.web import add_errors, next_url
from relief.exchange.jsonformat import export_document

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
        login(request, user, backend="relief.accounts.backends.AccountBackend")
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
        known = ratelimit.is_known_device(request, username)
        if ratelimit.is_blocked(username, _address(request), known_device=known):
            form = AuthenticationForm(request, initial={"username": username})
            blocked = True
        elif form.is_valid():
            ratelimit.clear(username)
            login(request, form.get_user())
            response = HttpResponseRedirect(next_url(request, reverse("today")))
            ratelimit.remember_device(response, username)
            return response
        else:
            ratelimit.record_failure(username, _address(request))
    context = {"form": form, "next": next_url(request, ""), "blocked": blocked}
    return render(request, "accounts/login.html", context, status=429 if blocked else 200)


RESETS_PER_ADDRESS = 5
CONFIRM_LINKS_PER_WINDOW = 5
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
            login(request, user, backend="relief.accounts.backends.AccountBackend")
            return HttpResponseRedirect(next_url(request, reverse("today")))
    link = (
        LoginLink.objects.select_related("user").filter(token_hash=_hash(token), used_at__isnull=True).first()
    )
    expired = link is not None and link.expires_at <= timezone.now()
    valid = link is not None and not expired
    context = {
        "valid": valid,
        "expired": expired,  # the page then says how to get a new link instead of offering to sign in
        "account": link.user.get_username() if link is not None and valid else "",
        "confirming": bool(request.GET.get("next")),
    }
    return render(request, "accounts/login_link.html", context, status=200 if valid else 410)


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
    document = export_document(request.user)
    response = HttpResponse(
        json.dumps(finite(document), indent=2, ensure_ascii=False, default=str, allow_nan=False),
        content_type="application/json",
    )
    name = f"relief-journal-{request.user.get_username()}-{date.today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@journal_view
@require_recent_authentication
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedRequest) -> HttpResponse:
    """Behind a recent sign-in: one more tap deletes the account and everything in it."""
    if request.method == "POST":
        user = request.user
        logout(request)
        delete_account_and_data(user)
        messages.success(request, "Your account and everything in it are deleted.")
        return HttpResponseRedirect(reverse("accounts:login"))
    return render(request, "accounts/delete_account.html")


@sensitive_post_parameters("new_password1", "new_password2")
@journal_view
@require_recent_authentication
@require_http_methods(["GET", "POST"])
def password_change(request: AuthedRequest) -> HttpResponse:
    """Set a new password, or a first one for an account that signed in by link only."""
    first = not request.user.has_usable_password()
    form = SetPasswordForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        sudo.mark_authenticated(request)
        messages.success(request, "Your password is saved." if first else "Your password is changed.")
        return HttpResponseRedirect(reverse("accounts:settings"))
    return render(request, "accounts/password_change.html", {"form": form, "first": first})


@sensitive_post_parameters("password")
@journal_view
@require_http_methods(["GET", "POST"])
def confirm(request: AuthedRequest) -> HttpResponse:
    """Confirm it is you: the password where the account has one, or a fresh one-time link."""
    user = request.user
    goal = next_url(request, reverse("accounts:settings"))
    has_password = user.has_usable_password()
    form = ConfirmPasswordForm(user, request.POST if request.POST.get("action") == "password" else None)
    sent = ""
    if request.method == "POST" and request.POST.get("action") == "link":
        if ratelimit.spend("confirm-link", str(user.pk), CONFIRM_LINKS_PER_WINDOW):
            sent = sudo.send_confirmation_link(request, user, goal)
        else:
            sent = "blocked"
    elif request.method == "POST" and has_password:
        if ratelimit.is_blocked(user.get_username(), _address(request)):
            sent = "blocked"
        elif form.is_valid():
            ratelimit.clear(user.get_username())
            sudo.mark_authenticated(request)
            return HttpResponseRedirect(goal)
        else:
            ratelimit.record_failure(user.get_username(), _address(request))
    context = {"form": form, "has_password": has_password, "next": goal, "sent": sent}
    return render(request, "accounts/confirm.html", context, status=429 if sent == "blocked" else 200)
