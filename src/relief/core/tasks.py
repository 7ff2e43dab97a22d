"""Background work: reminders, weather and insights, queued with huey.

By default the queue is an SQLite file in the data directory, so a self-hosted
install needs no extra server; with ``RELIEF_REDIS_URL`` set it lives in Redis.
``relief worker`` runs the consumer that executes queued and periodic tasks.

Reminder emails say only that something is waiting and never name a
substance, a dose or a pain score: mail passes through other people's servers.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import close_old_connections, transaction
from django.utils import timezone
from huey import Huey, RedisHuey, SqliteHuey, crontab

from relief.accounts.models import Profile
from relief.accounts.services import get_profile
from relief.conf import env, env_bool, private_data_dir, private_file
from relief.core.timeutil import zone
from relief.diary.models import DayRecord
from relief.exchange import weather
from relief.insights import services as insights
from relief.offline.models import forget_old_writes
from relief.treatments.services import pending_outcomes

log = logging.getLogger("relief.tasks")


def build_huey(name: str = "relief") -> Huey:
    """The queue: Redis when RELIEF_REDIS_URL is set, otherwise an SQLite file in the data directory."""
    redis_url = env("RELIEF_REDIS_URL")
    if redis_url:
        return RedisHuey(name, url=redis_url, utc=True)
    path = private_file(private_data_dir() / "tasks.sqlite3")  # queued tasks name people: owner only
    return SqliteHuey(name, filename=str(path), utc=True)


huey = build_huey()


@huey.pre_execute()
def _fresh_connection(task: Any) -> None:
    close_old_connections()


@huey.post_execute()
def _release_connection(task: Any, task_value: Any, exc: Exception | None) -> None:
    close_old_connections()


def describe_queue(queue: Huey | None = None) -> str:
    queue = queue or huey
    if isinstance(queue, RedisHuey):
        kwargs = queue.storage.conn.connection_pool.connection_kwargs
        return f"redis://{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
    if isinstance(queue, SqliteHuey):
        return f"sqlite:{queue.storage.filename}"
    return type(queue).__name__


# --- reminders ---------------------------------------------------------------


def _first_time(key: str) -> bool:
    """True once per key, across workers: the queue's own storage remembers what was sent."""
    return bool(huey.put_if_empty(f"relief:sent:{key}", "1"))


def checkin_due(user: Any, now: datetime) -> bool:
    """The person asked for a daily check-in, its local time has passed, and today has no record yet."""
    profile = get_profile(user)
    if profile.checkin_reminder_time is None:
        return False
    local = now.astimezone(zone(profile.time_zone))
    if local.time() < profile.checkin_reminder_time:
        return False
    return not DayRecord.objects.filter(user=user, date=local.date()).exists()


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Email each person with an address about due outcome prompts and their daily check-in, once each."""
    now = now or timezone.now()
    sent = {"outcome_prompts": 0, "checkins": 0}
    for user in get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk"):
        doses = [d for d in pending_outcomes(user, now=now) if _first_time(f"outcome:{d.pk}")]
        if doses:
            count = len(doses)
            send_mail(
                "Relief Journal: how did it work?",
                f"{count} {'entry is' if count == 1 else 'entries are'} waiting for how it worked two hours "
                "later. Open Relief Journal to answer; it takes a few seconds.",
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            sent["outcome_prompts"] += 1
        if checkin_due(user, now):
            day = now.astimezone(zone(get_profile(user).time_zone)).date()
            if _first_time(f"checkin:{user.pk}:{day.isoformat()}"):
                send_mail(
                    "Relief Journal: today's check-in",
                    "Today has no day record yet. Open Relief Journal to add it.",
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                sent["checkins"] += 1
    log.info("reminders sent: %(outcome_prompts)d outcome prompts, %(checkins)d check-ins", sent)
    return sent


# --- weather and insights -------------------------------------------------------


def fetch_weather() -> dict[str, Any]:
    """Fill in weather for everyone who gave a city (only when weather is turned on)."""
    if not env_bool("RELIEF_WEATHER_ENABLED"):
        return {"skipped": "weather is turned off (RELIEF_WEATHER_ENABLED)"}
    people = 0
    for profile in Profile.objects.exclude(city="").select_related("user").order_by("pk"):
        try:
            weather.fill_weather(profile.user)
        except Exception:  # one person's failure (network, bad city) must not stop the others
            log.exception("weather failed for one person")
            continue
        people += 1
    return {"people": people}


def recompute_insights(user_id: int | None = None) -> dict[str, Any]:
    """Bring the stored insights of one person, or everyone, up to date (relief.insights.services).

    Someone whose stored insights are still current costs a few queries; the others get the
    analysis run and stored, so their insights page opens without waiting for it.
    """
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    if user_id is not None:
        users = users.filter(pk=user_id)
    result = {"people": 0}
    for user in users:
        try:
            insights.recompute_insights(user)
        except Exception:  # one person's diary must not stop everyone else's insights
            log.exception("insights failed for one person")
            result["failed"] = result.get("failed", 0) + 1
            continue
        result["people"] += 1
    return result


# --- the queue's view of these functions ---------------------------------------


@huey.task()
def ping() -> str:
    """A task that does nothing, to check that a worker is running and reaches the queue."""
    return "pong"


@huey.periodic_task(crontab(minute="*/5"))
def reminders_task() -> dict[str, int]:
    return send_reminders()


@huey.periodic_task(crontab(hour="6", minute="15"))
def weather_task() -> dict[str, Any]:
    return fetch_weather()


@huey.periodic_task(crontab(hour="3", minute="30"))
def insights_task() -> dict[str, Any]:
    return recompute_insights()


@huey.periodic_task(crontab(hour="4", minute="40"))
def forget_old_offline_writes_task() -> int:
    """The ids of offline writes applied over a year ago are no longer needed to refuse a resend."""
    return forget_old_writes()


@huey.task()
def recompute_insights_for(user_id: int) -> dict[str, Any]:
    """Queued after an import or a large edit, so pages stay fast."""
    return recompute_insights(user_id)


def queue_insights_recompute(user_id: int) -> None:
    """After an import: recompute that person's insights in the background once the import is committed.

    A queue that cannot be reached is logged and never fails or undoes the change itself.
    """

    def enqueue() -> None:
        try:
            recompute_insights_for(user_id)
        except Exception:
            log.exception("could not queue the insights recompute")

    transaction.on_commit(enqueue)
