"""The per-person diary version: raised by every write to a diary, in the write's own transaction.

One mechanism for every path that writes (web forms, the JSON API, the command line, importers,
the admin): ``post_save`` and ``post_delete`` of each model the analysis reads call :func:`bump`.
Bulk operations that skip model signals (``bulk_create``, ``QuerySet.update``) call :func:`bump`
themselves.  Once the transaction commits, one debounced recompute of that person's insights is
queued (relief.insights.tasks); a write that is rolled back queues nothing.

Deleting an account deletes its diary in a cascade; those deletions bump nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from relief.accounts.models import Profile
from relief.core.access import owner_path
from relief.diary.models import (
    Attack,
    DayFactor,
    DayRecord,
    FactorTag,
    PainSample,
    QuestionnaireResponse,
    SideEffect,
)
from relief.insights.models import DiaryVersion
from relief.insights.tasks import schedule_recompute
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import (
    CustomUnit,
    Dose,
    DoseOutcome,
    StandingMedication,
    Substance,
)

log = logging.getLogger("relief.insights")


def diary_models() -> tuple[type[models.Model], ...]:
    """Every model of a person's that the analysis, its charts or the report read."""
    return (
        Profile,
        Attack,
        PainSample,
        DayRecord,
        DayFactor,
        FactorTag,
        Dose,
        DoseOutcome,
        CustomUnit,
        SideEffect,
        QuestionnaireResponse,
        StandingMedication,
        Substance,
        Product,
        Batch,
        LabReport,
    )


def owner_id(instance: models.Model) -> int | None:
    """The id of the person a row belongs to (None for a shared catalogue row)."""
    *path, last = owner_path(type(instance)).split("__")
    obj: Any = instance
    for part in path:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


class _ScheduleAfterCommit:
    """The on-commit callback of one person's writes; one per transaction and person."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def __call__(self) -> None:
        schedule_recompute(self.user_id)


def _schedule_after_commit(user_id: int) -> None:
    """One callback per person and transaction (savepoint): a dose with its outcome queues once."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        scope = set(connection.savepoint_ids)
        if any(
            isinstance(func, _ScheduleAfterCommit) and func.user_id == user_id and sids == scope
            for sids, func, *_ in connection.run_on_commit
        ):
            return
    transaction.on_commit(_ScheduleAfterCommit(user_id), robust=True)


def bump(user_id: int, *, schedule: bool = True) -> None:
    """Raise the diary version of ``user_id`` now (inside the caller's transaction).

    With ``schedule`` (the default) a debounced recompute of their insights is queued once the
    transaction commits.
    """
    now = timezone.now()
    changed = DiaryVersion.objects.filter(user_id=user_id).update(version=F("version") + 1, changed_at=now)
    if not changed:
        _, created = DiaryVersion.objects.get_or_create(
            user_id=user_id, defaults={"version": 1, "changed_at": now}
        )
        if not created:  # someone else created it meanwhile: still count this write
            DiaryVersion.objects.filter(user_id=user_id).update(version=F("version") + 1, changed_at=now)
    if schedule:
        _schedule_after_commit(user_id)


def _deleting_an_account(origin: Any) -> bool:
    user_model = get_user_model()
    return isinstance(origin, user_model) or getattr(origin, "model", None) is user_model


def _saved(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loading a fixture or a backup: the restore bumps nothing row by row
        return
    user_id = owner_id(instance)
    if user_id is not None:
        bump(user_id)


def _deleted(sender: type[models.Model], instance: models.Model, origin: Any = None, **kwargs: Any) -> None:
    if _deleting_an_account(origin):
        return
    source = origin if isinstance(origin, models.Model) and type(origin) in diary_models() else instance
    try:
        user_id = owner_id(source)
    except models.ObjectDoesNotExist:  # the parent went first in the same cascade
        user_id = None
    if user_id is not None:
        bump(user_id)


def connect() -> None:
    """Called once from the app's ready(): watch every diary model."""
    for model in diary_models():
        post_save.connect(_saved, sender=model, dispatch_uid=f"relief.insights.saved.{model._meta.label}")
        post_delete.connect(
            _deleted, sender=model, dispatch_uid=f"relief.insights.deleted.{model._meta.label}"
        )
