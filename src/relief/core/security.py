"""Security headers Django does not send by itself.

Django 5.2 has no built-in Content-Security-Policy, so this middleware adds a
strict one: scripts, styles and everything else only from this site, no inline
scripts or styles, no framing.  A view that needs something else (none does
today) sets its own ``Content-Security-Policy`` header, which is then kept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

# The app uses none of these browser features; saying so stops injected content from asking.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Headers that only mean something on a document the browser renders.  A stylesheet, script, icon
# or manifest ignores them, so on static files they are bytes sent for nothing (about 340 on each
# file: a tenth of attack mode's first visit).  A file that can be opened as a document on its own
# (SVG, XML, HTML) keeps them: an SVG opened in a tab can run script.
DOCUMENT_ONLY_HEADERS = ("Content-Security-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy")
DOCUMENT_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml", "application/xml", "text/xml")


class StaticHeadersMiddleware:
    """The outermost middleware: static files go without the document-only headers.

    It must come before Django's SecurityMiddleware in MIDDLEWARE, so that it sees the response
    after every other middleware has added its headers.  X-Content-Type-Options (which stops a
    browser running a file as something it is not) and Referrer-Policy stay on every file.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type and content_type not in DOCUMENT_TYPES:
                for header in DOCUMENT_ONLY_HEADERS:
                    if header in response.headers:
                        del response.headers[header]
        return response


class ForwardedForMiddleware:
    """Behind a reverse proxy, take the client's address from the proxy's X-Forwarded-For entry.

    Every request then comes from the proxy's own address, so per-address limits (failed
    sign-ins) would count all clients together and one guesser could lock everyone out.  With
    ``RELIEF_FORWARDED_FOR`` on, the last entry of X-Forwarded-For (the one the proxy added:
    the address that connected to it) becomes REMOTE_ADDR.  Earlier entries come from the
    client and are ignored, since anyone can send them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.RELIEF_FORWARDED_FOR:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            last = forwarded.split(",")[-1].strip()
            if last:
                request.META["REMOTE_ADDR"] = last
        return self.get_response(request)


# -- Bounded, well-formed input ---------------------------------------------------------------
#
# Every request passes one gate before any view sees it: a body larger than the limits is
# refused with 413, and text that no database can store (a NUL byte: PostgreSQL refuses it; a
# lone UTF-16 surrogate: SQLite cannot encode it), numbers that are not finite (NaN,
# Infinity, 1e400) and JSON nested or listed beyond reason are refused with a message that
# names the field and the limit.  Views then only ever see input they can store.

MAX_BODY_BYTES = 1024 * 1024  # a JSON or form body: the largest real entry is a few kilobytes
# A multipart body: a file to import (the import page itself refuses files over 5 MB, with its
# own message) and the form around it.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024 + 64 * 1024
MAX_JSON_DEPTH = 16
MAX_LIST_ITEMS = 500
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputRefused(Exception):
    def __init__(self, field: str, message: str, status: int) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message
        self.status = status


def text_problem(value: str) -> str:
    """Why a piece of text cannot be stored, or "" when it can."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000); remove it"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a broken character (a lone UTF-16 surrogate); remove it or type it again"
    return ""


def number_problem(value: float) -> str:
    if not math.isfinite(value):
        return "must be a finite number (NaN and Infinity are not numbers you can log)"
    return ""


class _NotANumber:
    """What json.loads makes of the constants NaN, Infinity and -Infinity (refused later, by field)."""


def _check_json(value: Any, path: str = "", depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise InputRefused(path, f"is nested more than {MAX_JSON_DEPTH} levels deep", 422)
    if isinstance(value, _NotANumber) or (isinstance(value, float) and not math.isfinite(value)):
        raise InputRefused(path, number_problem(math.nan), 422)
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise InputRefused(path, problem, 422)
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            raise InputRefused(path, f"has {len(value)} items; at most {MAX_LIST_ITEMS} are accepted", 422)
        for index, item in enumerate(value):
            _check_json(item, f"{path}.{index}" if path else str(index), depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = text_problem(key)
            if problem:
                raise InputRefused(path, f"has a key that {problem}", 422)
            _check_json(item, f"{path}.{key}" if path else key, depth + 1)


def check_json_body(body: bytes) -> None:
    """Refuse a JSON body the app could not store; a body that is not JSON is left to the view."""
    try:
        value = json.loads(body, parse_constant=lambda _: _NotANumber())
    except RecursionError as exc:
        raise InputRefused("", f"is nested more than {MAX_JSON_DEPTH} levels deep", 422) from exc
    except ValueError:
        return
    _check_json(value)


def _check_values(values: Any) -> None:
    for name, items in values.lists():
        problem = text_problem(name)
        if problem:
            raise InputRefused("", f"a field name {problem}", 400)
        for item in items:
            problem = text_problem(item) if isinstance(item, str) else ""
            if problem:
                raise InputRefused(name, problem, 400)


def check_request(request: HttpRequest) -> None:
    """Raise InputRefused when the request is larger than the limits or carries unstorable input."""
    content_type = request.content_type or ""
    limit = MAX_UPLOAD_BYTES if content_type == "multipart/form-data" else MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise InputRefused(
            "", f"the request is {length // 1024} KB; at most {limit // 1024} KB are accepted", 413
        )
    problem = text_problem(request.path)
    if problem:
        raise InputRefused("", f"the address {problem}", 400)
    _check_values(request.GET)
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    try:
        if content_type in FORM_TYPES:
            if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                # Read the body first, so that a view that reads request.body itself (a JSON
                # endpoint sent a form by mistake) still can after the form is parsed here.
                request.body  # noqa: B018
            _check_values(request.POST)
        elif length or request.META.get("HTTP_TRANSFER_ENCODING"):
            check_json_body(request.body)
    except RequestDataTooBig as exc:
        raise InputRefused("", f"the request is larger than {limit // 1024} KB, the limit", 413) from exc
    except TooManyFieldsSent as exc:
        raise InputRefused(
            "", f"the form has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields, the limit", 400
        ) from exc


def refusal_response(request: HttpRequest, refused: InputRefused) -> HttpResponse:
    detail = str(refused)
    if request.path.startswith("/api/"):
        body = {"detail": detail, "errors": [{"field": refused.field, "message": refused.message}]}
        return JsonResponse(body, status=refused.status)
    return HttpResponse(detail + "\n", status=refused.status, content_type="text/plain; charset=utf-8")


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except InputRefused as refused:
            return refusal_response(request, refused)
        return self.get_response(request)


# -- Nothing personal in a browser's or a proxy's cache ------------------------------------------

NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """Every page of the app shows (or could show) someone's journal: none may be kept in a cache.

    Static files (served by WhiteNoise with their own long-lived caching) are the exception.  A
    response that sets its own Cache-Control keeps it only if it already says no-store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        if "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = NO_STORE
        return response
