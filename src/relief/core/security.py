"""Security headers Django does not send by itself.

Django 5.2 has no built-in Content-Security-Policy, so this middleware adds a
strict one: scripts, styles and everything else only from this site, no inline
scripts or styles, no framing.  A view that needs something else (none does
today) sets its own ``Content-Security-Policy`` header, which is then kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
