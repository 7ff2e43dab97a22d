"""The debounced recompute of one person's insights, on the worker's queue (relief.core.tasks.huey).

After a write, :func:`schedule_recompute` queues one task for that person unless one is waiting
already: a flag in the queue's own storage (Redis or the SQLite queue, so every web process and
worker sees it) marks it.  The task waits until the diary has been quiet for :data:`QUIET`
(rescheduling itself for then), clears the flag, and brings the stored insights up to date, so a
burst of entries costs one analysis.  Someone who never stops writing still gets one at least
every :data:`MAX_WAIT`.  A flag older than :data:`STUCK_AFTER` (a worker killed mid-task) is
taken over.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from relief.core import tasks as core_tasks
from relief.core.tasks import huey
from relief.insights.models import DiaryVersion
from relief.insights.services import parse_period, refresh_insights

log = logging.getLogger("relief.insights")

QUIET = timedelta(seconds=30)
MAX_WAIT = timedelta(minutes=5)
STUCK_AFTER = timedelta(minutes=30)


def flag_key(user_id: int, period: str = "") -> str:
    return f"relief:insights:due:{user_id}" + (f":{period}" if period else "")


def _take_flag(key: str, now: float) -> bool:
    """True when this caller may queue the work the key stands for (no other is waiting)."""
    if huey.put_if_empty(key, now):
        return True
    since = huey.get(key, peek=True)
    if since is not None and now - float(since) < STUCK_AFTER.total_seconds():
        return False
    huey.get(key)  # a stuck flag: take it over
    return bool(huey.put_if_empty(key, now))


def schedule_recompute(user_id: int) -> bool:
    """Queue one recompute of ``user_id``'s insights after a quiet moment; False if one is waiting.

    A queue that cannot be reached is logged: it never fails or undoes the write that asked.
    """
    try:
        now = time.time()
        if not _take_flag(flag_key(user_id), now):
            return False
        recompute_when_quiet.schedule((user_id, now), delay=QUIET.total_seconds())
        return True
    except Exception:
        log.exception("could not queue the insights recompute")
        return False


def _last_change(user_id: int) -> datetime | None:
    return DiaryVersion.objects.filter(user_id=user_id).values_list("changed_at", flat=True).first()


def run_when_quiet(user_id: int, since: float, now: datetime | None = None) -> dict[str, Any]:
    """The task's body: wait for a quiet diary (up to MAX_WAIT after ``since``), then recompute."""
    now = now or timezone.now()
    changed = _last_change(user_id)
    waited = now.timestamp() - since
    if changed is not None and now - changed < QUIET and waited < MAX_WAIT.total_seconds():
        recompute_when_quiet.schedule((user_id, since), eta=changed + QUIET)
        return {"waiting_until": (changed + QUIET).isoformat()}
    huey.get(flag_key(user_id))  # from now on a new write queues a new recompute

    return core_tasks.recompute_insights(user_id)  # looked up on the module: the worker's task


@huey.task()
def recompute_when_quiet(user_id: int, since: float) -> dict[str, Any]:
    return run_when_quiet(user_id, since)


def prepare_period(user_id: int, period: str) -> bool:
    """Queue the first result of a period someone asked to see (at once, no quiet wait); False if queued already."""
    try:
        if not _take_flag(flag_key(user_id, period), time.time()):
            return False
        prepare_period_task(user_id, period)
        return True
    except Exception:
        log.exception("could not queue the insights of a period")
        return False


def run_prepare_period(user_id: int, period: str) -> dict[str, Any]:
    huey.get(flag_key(user_id, period))
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return {"people": 0}
    try:
        refresh_insights(user, *parse_period(period))
    except ValueError as exc:
        return {"people": 0, "error": str(exc)}
    return {"people": 1}


@huey.task()
def prepare_period_task(user_id: int, period: str) -> dict[str, Any]:
    return run_prepare_period(user_id, period)
