"""Access helpers: the owner reads and writes, a read-only share reads, everyone else gets a 404.

Writing (strict, owner only)::

    attack = get_owned_or_404(Attack, request.user, pk)      # 404 for anyone else, shares included
    attacks = owned(Attack, request.user)

Reading someone's journal through a share (or one's own)::

    owner, share = resolve_reader(request, who)               # who: owner's profile id or a link token
    attacks = readable(Attack, request.user, owner, share)    # empty queryset when not allowed
    attack = get_readable_or_404(Attack, request.user, owner, pk, share)

A page that a clinician may see opts in with the decorator, which reads the ``who``
URL argument, refuses anyone without access with a 404, refuses writes through a
share with a 403, records the visit in the share's access log, renders in the
owner's time zone and passes ``owner`` and ``share`` (None when the owner looks at
their own page)::

    # urls.py:  path("insights/<str:who>/report/", views.report, name="insights-report")
    @read_view
    def report(request, owner, share):
        rows = readable(Attack, request.user, owner, share)
        ...

``who`` is the owner's profile id (a UUID) for the owner themselves and for an invited
account, or the secret token of a link share.  Templates build links to other shared
pages with ``{% url 'name' request.reader_who %}``: the ``who`` the view received, never
the owner's id, so that a link visitor stays on the link.  To be linked from the shared
timeline, add the URL name to ``relief.sharing.views.SHARED_PAGES``.

The JSON API reads the same way: every read takes ``?owner=<profile id>`` and goes through
``resolve_reader`` (account shares only; a link token never opens the API); writes always use
``get_owned_or_404`` with the caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from relief.accounts.models import Profile
from relief.accounts.services import time_zone_of
from relief.core.timeutil import zone
from relief.sharing.services import record_access, share_for_link, share_for_reader

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from relief.sharing.models import Share

M = TypeVar("M", bound=models.Model)

# How to reach the owning user from each model that has no `user` field of its own.
OWNER_PATHS: dict[str, str] = {
    "diary.PainSample": "attack__user",
    "diary.DayFactor": "day__user",
    "treatments.DoseOutcome": "dose__user",
    "products.Batch": "product__user",
    "products.LabReport": "batch__product__user",
    "sharing.ShareAccess": "share__user",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def owner_path(model: type[models.Model]) -> str:
    return OWNER_PATHS.get(model._meta.label, "user")


def owned(model: type[M], user: Any) -> models.QuerySet[M]:
    """The queryset of a model's rows that belong to ``user``."""
    if not getattr(user, "is_authenticated", False):
        return model._default_manager.none()
    return model._default_manager.filter(**{owner_path(model): user})


def get_from_or_404(queryset: models.QuerySet[M], pk: Any) -> M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as exc:
        # Malformed ids are 404s too: they must look exactly like someone else's id.
        raise Http404(f"no such {queryset.model._meta.verbose_name}") from exc


def get_owned_or_404(model: type[M], user: Any, pk: Any) -> M:
    """The owner's object for writing; a share never passes here."""
    return get_from_or_404(owned(model, user), pk)


def may_read(viewer: Any, owner: Any, share: Share | None = None) -> bool:
    """Whether ``viewer`` (perhaps anonymous) may read ``owner``'s journal, optionally through ``share``."""
    if owner is None:
        return False
    if getattr(viewer, "is_authenticated", False) and viewer.pk == owner.pk:
        return True
    if share is None:
        return (
            share_for_reader(owner, viewer) is not None
            if getattr(viewer, "is_authenticated", False)
            else False
        )
    if share.user_id != owner.pk or not share.is_active():
        return False
    if share.kind == share.Kind.LINK:
        return True
    return getattr(viewer, "is_authenticated", False) and share.reader_id == viewer.pk


def readable(model: type[M], viewer: Any, owner: Any, share: Share | None = None) -> models.QuerySet[M]:
    """``owner``'s rows when ``viewer`` may read them (as the owner or through a share), else none."""
    if not may_read(viewer, owner, share):
        return model._default_manager.none()
    return model._default_manager.filter(**{owner_path(model): owner})


def get_readable_or_404(model: type[M], viewer: Any, owner: Any, pk: Any, share: Share | None = None) -> M:
    return get_from_or_404(readable(model, viewer, owner, share), pk)


def _owner_by_profile_id(value: str) -> User | None:
    try:
        profile_id = uuid.UUID(value)
    except ValueError:
        return None
    profile = Profile.objects.select_related("user").filter(pk=profile_id).first()
    return profile.user if profile is not None else None


def resolve_reader(request: HttpRequest, who: str) -> tuple[User, Share | None]:
    """Whose journal ``request`` reads, and through which share (None for the owner); 404 otherwise.

    Every access through a share is recorded in the share's access log.
    """
    viewer = request.user
    owner = _owner_by_profile_id(who)
    share: Share | None
    if owner is not None:
        if viewer.is_authenticated and viewer.pk == owner.pk:
            return owner, None
        share = share_for_reader(owner, viewer) if viewer.is_authenticated else None
    else:
        share = share_for_link(who)
        owner = share.user if share is not None else None
    if share is None or owner is None:
        raise Http404("nothing is shared here")
    record_access(share, request)
    return owner, share


def read_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a page be read by its owner and by read-only shares; see the module docstring."""

    @wraps(view)
    def wrapper(request: HttpRequest, who: str, *args: Any, **kwargs: Any) -> HttpResponse:
        owner, share = resolve_reader(request, who)
        if share is not None and request.method not in SAFE_METHODS:
            raise PermissionDenied("a shared journal is read-only")
        request.reader_who = who  # type: ignore[attr-defined]
        with timezone.override(zone(time_zone_of(owner))):  # times as the person lived them
            return view(request, owner, share, *args, **kwargs)

    return wrapper
