"""Push reminders from the background worker (``relief worker``), on the queue of relief.core.tasks.

Every five minutes the worker looks, for each person with a subscribed browser, for an acute dose
whose 2-hour answer is due, the daily check-in, an attack still open after the person's hours, and
a plan's reassessment that is due; each goes out once. A dangerous safety alert raised by an entry
that reached the server later (an offline queue) is pushed at once. Quiet hours hold reminders back
until they end (a reminder is sent on the first look after them, while it is still due).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from huey import crontab

from relief.accounts.services import time_zone_of
from relief.core.tasks import checkin_due, huey
from relief.core.timeutil import zone
from relief.diary.models import Attack
from relief.plans.models import TaperStep, Trial
from relief.plans.services import due_reassessments
from relief.push.models import PushSubscription, SentPush
from relief.push.services import Message, first_time, preferences_of, push_enabled, quiet_now, send
from relief.treatments.services import pending_outcomes

log = logging.getLogger("relief.push")

# How long to remember that a reminder went out: longer than anything stays due.
KEEP_SENT = timedelta(days=60)


def _hhmm(moment: datetime, user: User) -> str:
    return moment.astimezone(zone(time_zone_of(user))).strftime("%H:%M")


def outcome_message(user: User, dose: Any, details: bool) -> Message:
    url = reverse("today") + f"#outcome-{dose.pk}"
    if details:
        body = f"{dose.substance.name} at {_hhmm(dose.taken_at, user)}: one tap to answer."
        return Message("outcome", "How is your head now?", body, url, f"outcome-{dose.pk}")
    return Message("outcome", "Relief Journal", "A two-hour question is waiting.", url, f"outcome-{dose.pk}")


def checkin_message(user: User, day: str) -> Message:
    return Message(
        "checkin", "Relief Journal", "Time for today's check-in.", reverse("diary:checkin"), f"checkin-{day}"
    )


def open_attack_message(user: User, attack: Any, details: bool) -> Message:
    url = reverse("diary:attack", args=[attack.pk])
    if details:
        body = f"The attack since {_hhmm(attack.started_at, user)} is still open. Is it over?"
        return Message("open_attack", "Still going?", body, url, f"attack-{attack.pk}")
    return Message("open_attack", "Relief Journal", "An entry is still open.", url, f"attack-{attack.pk}")


def plan_message(plan: Any, details: bool) -> Message:
    url = reverse("plans:reassess", args=[plan.pk])
    body = f"Time to look back at {plan}." if details else "A step in your plan is due."
    return Message("plan_steps", "Relief Journal", body, url, f"plan-{plan.pk}")


def taper_message(step: Any, details: bool) -> Message:
    url = reverse("plans:taper", args=[step.taper_id])
    body = f"Your taper's next step starts today: {step}." if details else "A step in your plan starts today."
    return Message("plan_steps", "Relief Journal", body, url, f"taper-{step.pk}")


def trial_message(trial: Any, details: bool) -> Message:
    url = reverse("plans:trial", args=[trial.pk])
    body = f"A new period of {trial.title} starts today." if details else "A step in your plan starts today."
    return Message("plan_steps", "Relief Journal", body, url, f"trial-{trial.pk}")


def safety_message(titles: list[str], details: bool) -> Message:
    url = reverse("safety:index")
    if details and titles:
        return Message("safety", "Important safety note", "; ".join(titles)[:180], url, "safety")
    return Message(
        "safety", "Relief Journal", "An important note is waiting. Please open the journal.", url, "safety"
    )


def _open_attacks(user: User, now: datetime, hours: int) -> list[Any]:
    return list(
        Attack.objects.filter(
            user=user, ended_at__isnull=True, started_at__lte=now - timedelta(hours=hours)
        ).order_by("started_at")[:5]
    )


def _due_plans(user: User, now: datetime) -> list[Any]:
    return due_reassessments(user, now.astimezone(zone(time_zone_of(user))).date())


def _steps_today(user: User, now: datetime) -> list[tuple[str, Any]]:
    """Taper steps and trial periods (period design) that begin on the person's today."""
    today = now.astimezone(zone(time_zone_of(user))).date()
    found: list[tuple[str, Any]] = [
        (f"taper:{step.pk}", step) for step in TaperStep.objects.filter(taper__user=user, starts_on=today)
    ]
    running = Trial.objects.filter(
        user=user, design=Trial.Design.PERIOD, status=Trial.Status.RUNNING, starts_on__lte=today
    )
    for trial in running:
        if trial.starts_on and (today - trial.starts_on).days % trial.period_days == 0:
            found.append((f"trial:{trial.pk}:{today.isoformat()}", trial))
    return found


def remind(user: User, now: datetime) -> dict[str, int]:
    """Everything due for one person, each pushed once (nothing while it is quiet for them)."""
    sent = {"outcome": 0, "checkin": 0, "open_attack": 0, "plan_steps": 0}
    if quiet_now(user, now):
        return sent
    prefs = preferences_of(user)
    details = prefs.show_details
    if prefs.outcome:
        for dose in pending_outcomes(user, now=now):
            if first_time(user, f"outcome:{dose.pk}"):
                sent["outcome"] += bool(send(user, outcome_message(user, dose, details), now=now))
    if prefs.checkin and checkin_due(user, now):
        day = now.astimezone(zone(time_zone_of(user))).date().isoformat()
        if first_time(user, f"checkin:{day}"):
            sent["checkin"] += bool(send(user, checkin_message(user, day), now=now))
    if prefs.open_attack:
        for attack in _open_attacks(user, now, prefs.open_attack_hours):
            if first_time(user, f"open_attack:{attack.pk}"):
                sent["open_attack"] += bool(send(user, open_attack_message(user, attack, details), now=now))
    if prefs.plan_steps:
        for plan in _due_plans(user, now):
            if first_time(user, f"plan:{plan.pk}:{plan.reassess_on}"):
                sent["plan_steps"] += bool(send(user, plan_message(plan, details), now=now))
        for key, item in _steps_today(user, now):
            if first_time(user, key):
                message = (
                    trial_message(item, details) if key.startswith("trial") else taper_message(item, details)
                )
                sent["plan_steps"] += bool(send(user, message, now=now))
    return sent


def send_push_reminders(now: datetime | None = None) -> dict[str, int]:
    """One look for everyone who has a subscribed browser."""
    now = now or timezone.now()
    totals = {"people": 0, "outcome": 0, "checkin": 0, "open_attack": 0, "plan_steps": 0}
    if not push_enabled():
        return totals
    # What was sent long ago can no longer be due again (outcome prompts stop after a day).
    SentPush.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    people = PushSubscription.objects.values_list("user_id", flat=True).distinct()
    for user in get_user_model().objects.filter(pk__in=people, is_active=True).order_by("pk"):
        try:
            sent = remind(user, now)
        except Exception:  # one person's failure must not stop everyone else's reminders
            log.exception("push reminders failed for one person")
            continue
        totals["people"] += 1
        for kind, count in sent.items():
            totals[kind] += count
    return totals


def push_safety(user_id: int, titles: list[str]) -> int:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    return send(user, safety_message(titles, preferences_of(user).show_details))


@huey.periodic_task(crontab(minute="*/5"))
def push_reminders_task() -> dict[str, int]:
    return send_push_reminders()


@huey.task()
def push_safety_task(user_id: int, titles: list[str]) -> int:
    return push_safety(user_id, titles)


def queue_safety_push(user_id: int, titles: list[str]) -> None:
    """After the synced entries are committed; a queue that cannot be reached is logged, never fatal."""

    def enqueue() -> None:
        try:
            push_safety_task(user_id, titles)
        except Exception:
            log.exception("could not queue the safety push")

    transaction.on_commit(enqueue)
