"""Subscribe browsers, keep preferences, and send one notification to every browser of a person.

What goes to the browser vendor's push service is a payload encrypted to the browser's own key
(RFC 8291, aes128gcm), the subscription address and a VAPID signature: the service cannot read the
text. The text itself says only that something is waiting unless the person allowed details.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from relief.accounts.services import time_zone_of
from relief.conf import env, env_bool
from relief.core.timeutil import zone
from relief.push.models import PushPreferences, PushSubscription, SentPush

log = logging.getLogger("relief.push")

# A reminder nobody saw within a day is of no use any more; push services drop it after this.
TIME_TO_LIVE = 24 * 60 * 60
GONE = {404, 410}


@dataclass(frozen=True)
class Message:
    """What the service worker shows: ``url`` is the page a tap on the notification opens."""

    kind: str
    title: str
    body: str
    url: str
    tag: str

    def payload(self) -> str:
        return json.dumps(asdict(self))


def push_enabled() -> bool:
    return env_bool("RELIEF_PUSH_ENABLED")


def preferences_of(user: User) -> PushPreferences:
    """The person's choices; the defaults, unsaved, until they save the form (a page view writes nothing)."""
    return PushPreferences.objects.filter(user=user).first() or PushPreferences(user=user)


@transaction.atomic
def subscribe(user: User, *, endpoint: str, p256dh: str, auth: str, device: str = "") -> PushSubscription:
    """Keep (or move to this person) the subscription a browser gave; the same browser is kept once."""
    if not push_enabled():
        raise ValidationError({"endpoint": "push reminders are turned off on this server"})
    existing = PushSubscription.objects.filter(endpoint=endpoint).first()
    subscription = existing or PushSubscription(endpoint=endpoint)
    subscription.user = user
    subscription.p256dh, subscription.auth, subscription.device = p256dh, auth, device[:120]
    subscription.full_clean(validate_unique=False)
    subscription.save()
    return subscription


def unsubscribe(user: User, endpoint: str) -> int:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def first_time(user: User, key: str) -> bool:
    """True once per person and key: a reminder goes out once however often the worker looks."""
    try:
        with transaction.atomic():
            SentPush.objects.create(user=user, key=key[:120])
    except IntegrityError:
        return False
    return True


def deliver(subscription: PushSubscription, message: Message) -> bool:
    """Send one message to one browser; a subscription the push service says is gone is removed."""
    # lazy: pywebpush is heavy and only needed when a push is sent
    from pywebpush import WebPushException, webpush

    # lazy: cryptography and py_vapid load only when a key is needed
    from relief.push.vapid import server_key

    try:
        webpush(
            subscription.info(),
            data=message.payload(),
            vapid_private_key=server_key(),
            vapid_claims={"sub": env("RELIEF_PUSH_CONTACT")},
            ttl=TIME_TO_LIVE,
            timeout=10,
            headers={"Urgency": "high" if message.kind == "safety" else "normal", "Topic": message.tag[:32]},
        )
    except WebPushException as exc:
        if exc.status_code in GONE:
            log.info("push subscription gone (%s); removed", exc.status_code)
            subscription.delete()
        else:
            log.warning("push failed with status %s", exc.status_code)
        return False
    except Exception as exc:  # the network, the push service: the next reminder tries again
        log.warning("push failed: %s", type(exc).__name__)
        return False
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    return True


def send(user: User, message: Message, *, now: datetime | None = None) -> int:
    """Push to every browser of the person, if they want this kind now; returns how many got it."""
    if not push_enabled():
        return 0
    prefs = preferences_of(user)
    if not prefs.wants(message.kind):
        return 0
    local = (now or timezone.now()).astimezone(zone(time_zone_of(user)))
    if prefs.is_quiet(local) and message.kind != "safety":
        return 0
    return sum(deliver(s, message) for s in PushSubscription.objects.filter(user=user).order_by("pk"))


def quiet_now(user: User, now: datetime) -> bool:
    return preferences_of(user).is_quiet(now.astimezone(zone(time_zone_of(user))))


def describe(user: User) -> dict[str, Any]:
    """What the settings page says about this person's reminders."""
    return {
        "enabled": push_enabled(),
        "devices": list(PushSubscription.objects.filter(user=user).order_by("created_at")),
    }
