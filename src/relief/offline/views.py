"""The service worker (served from the site root so it may control every page) and the sync endpoint."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from relief.core import alerts as alert_tools
from relief.core.decorators import AuthedRequest, journal_view
from relief.diary.models import Attack
from relief.offline.predose import pre_dose_info
from relief.offline.services import MAX_WRITES, apply_writes
from relief.push import tasks as push_tasks
from relief.treatments.usual import usual_doses

# The files the installed app needs to open attack mode, the check-in, the dose form and the
# Today page's one-tap outcome prompt without a connection.
SHELL_ASSETS = (
    "relief/app.css",
    "relief/app.js",
    "relief/queue.js",
    "relief/offline.js",
    "relief/push.js",
    "vendor/htmx.min.js",
    "relief/manifest.webmanifest",
    "relief/icon.svg",
    "relief/icon-192.png",
    "relief/icon-512.png",
)
SHELL_PAGES = (
    "offline:attack",
    "diary:attack_home",
    "diary:checkin",
    "treatments:dose_new",
    "diary:side_effect_new",
    "today",
)
WORKER_SOURCE = "relief/sw.js"


def package_version() -> str:
    try:
        return version("relief-journal")
    except PackageNotFoundError:
        return "0"


def release_version(contents: list[bytes], package: str) -> str:
    """A short fingerprint of a release: the package version and every file the worker caches.

    A new release (or any changed asset) gives a new cache name, so the worker drops the old cache.
    """
    digest = hashlib.sha256(package.encode())
    for content in contents:
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()[:12]


def _read(name: str) -> bytes:
    found = finders.find(name)
    if not found:
        return b""
    return Path(str(found)).read_bytes()


@lru_cache(maxsize=1)
def current_version() -> str:
    return release_version([_read(name) for name in (*SHELL_ASSETS, WORKER_SOURCE)], package_version())


def cache_name(release: str) -> str:
    return f"relief-shell-{release}"


def worker_config() -> dict[str, Any]:
    return {
        "cache": cache_name(current_version()),
        "assets": [static(name) for name in SHELL_ASSETS],
        "pages": [reverse(name) for name in SHELL_PAGES],
        "fallback": reverse("offline:attack"),
        "queue": static("relief/queue.js"),
        "sync": reverse("offline:sync"),
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker script with this release's settings in front; never cached (the update check always sees it)."""
    source = _read(WORKER_SOURCE).decode()
    body = f"self.RELIEF = {json.dumps(worker_config())};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-store, private"  # fetched fresh on every update check, never kept
    return response


@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    """Apply a phone's queued writes in order; each answer says saved, already (a replay) or refused.

    Signed-out callers get a 401 and keep their queue. Safety alerts of the saved entries are kept
    for the next page, as a form's are, and a dangerous one is also pushed (the person may have
    put the phone away by the time the queue went through).
    """
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in again; your entries stay on this phone"}, status=401)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"detail": "the body is not JSON"}, status=400)
    writes = body.get("writes") if isinstance(body, dict) else None
    if not isinstance(writes, list):
        return JsonResponse({"detail": "send {'writes': [...]}"}, status=400)
    if len(writes) > MAX_WRITES:
        return JsonResponse({"detail": f"send at most {MAX_WRITES} writes at once"}, status=400)
    results = apply_writes(request.user, writes)  # type: ignore[arg-type]
    found = [alert for result in results for alert in result.alerts]
    alert_tools.remember(request, found)
    _push_dangerous(request.user.pk, found)
    return JsonResponse({"results": [result.as_json() for result in results]})


def _push_dangerous(user_id: int, found: list[Any]) -> None:
    dangerous = [a for a in alert_tools.alert_dicts(found) if a["dangerous"]]
    if not dangerous:
        return

    push_tasks.queue_safety_push(user_id, [str(a.get("title") or a.get("message") or "") for a in dangerous])


@require_GET
def pre_dose(request: HttpRequest) -> HttpResponse:
    """The signed-in person's pre-dose information, for the phone to keep and show offline.

    There is no id in the address: the answer is always the caller's own, and a signed-out caller
    gets a 401 with nothing in it. Never cached by the browser or a proxy (it is health data).
    """
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in to see your pre-dose information"}, status=401)
    response = JsonResponse(pre_dose_info(request.user))  # type: ignore[arg-type]
    response["Cache-Control"] = "no-store, private"
    return response


ZERO = "00000000-0000-0000-0000-000000000000"
OFFSETS = (
    (0, "Now", "now"),
    (15, "15 min ago", "earlier"),
    (30, "30 min ago", "earlier"),
    (60, "1 hour ago", "earlier"),
)


@journal_view
def attack(request: AuthedRequest) -> HttpResponse:
    """Attack mode that needs no connection: the start buttons and the panel for an attack started offline."""
    symptoms = [
        (name, str(getattr(Attack._meta.get_field(name), "verbose_name", name))) for name in Attack.SYMPTOMS
    ]
    context = {
        "offsets": OFFSETS,
        "zero": ZERO,
        "scale": range(11),
        "usual": usual_doses(request.user),
        "symptoms": symptoms,
        "bothersome": Attack.Bothersome.choices,
    }
    return render(request, "offline/attack.html", context)
