"""The three people of every access test: an owner, a clinician they share with, and a stranger.

Helpers here build data for one test (no fixtures): a journal full of entries whose text carries
a marker that must never reach a stranger, and a snapshot of everything the owner has, to show
that nothing changed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.test import Client
from django.utils import timezone

from relief.core.access import OWNER_PATHS
from relief.diary.services import Pain, log_attack, log_day, log_questionnaire
from relief.sharing.services import accept_invitation, create_api_token, create_link_share, invite_reader
from relief.treatments.services import add_custom_unit, log_dose
from tests.factories import (
    ago,
    make_batch,
    make_lab_report,
    make_medication,
    make_product,
    make_side_effect,
    substance,
)

# Models whose rows are a log of visits or attempts: they grow by design when others look.
# Not the person's data: access logs, and the running summary (safety.DiarySummary), a copy of the
# recent diary that any reader rebuilds when a write went around it (its content is the rows').
NOT_SNAPSHOTTED = {"sharing.ShareAccess", "accounts.LoginAttempt", "safety.DiarySummary"}


def new_marker() -> str:
    return f"zq-private-{uuid.uuid4().hex[:10]}"


def api_client(user: User, **kwargs: Any) -> Client:
    """A client that calls the API with a fresh token of ``user``, as a script would."""
    _, token = create_api_token(user, "test script")
    return Client(headers={"Authorization": f"Bearer {token}"}, **kwargs)


def logged_in(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def share_with(owner: User, reader: User) -> Any:
    """An invitation from ``owner`` that ``reader`` has accepted."""
    return accept_invitation(
        reader, invite_reader(owner, username_or_email=reader.username, label="Dr Reader")
    )


def profile_id(user: User) -> str:
    return str(user.profile.pk)


def fill_journal(owner: User, marker: str) -> dict[str, Any]:
    """One entry of every kind, each carrying ``marker`` where it has text; returns them by name."""
    attack = log_attack(
        owner, started_at=ago(hours=5), notes=marker, pain=[Pain(at=ago(hours=4), nrs=7)]
    ).entry
    day = log_day(owner, day=timezone.now().date(), notes=marker, factors={"red wine": 1}).entry
    product = make_product(owner, name=f"Product {marker}", notes=marker)
    batch = make_batch(product, lot=marker[:60], notes=marker)
    report = make_lab_report(batch, lab=marker, notes=marker, mitragynine_mg_per_g=15)
    unit = add_custom_unit(owner, name=marker[:40], grams=0.5)
    dose = log_dose(
        owner,
        substance=substance("kratom"),
        amount=2,
        unit="g",
        taken_at=ago(hours=4),
        notes=marker,
        attack=attack,
        product=product,
        batch=batch,
        outcome={"pain_2h": 3, "notes": marker},
    ).entry
    effect = make_side_effect(owner, "other", other_symptom=marker[:100], notes=marker, dose=dose)
    medication = make_medication(owner, notes=marker, reason=marker[:100])
    questionnaire = log_questionnaire(owner, instrument="hit6", answers=[1, 2, 3, 2, 1, 0]).entry
    token, _ = create_api_token(owner, f"token {marker}")
    link, _ = create_link_share(owner, label=f"link {marker}")
    return {
        "attack": attack,
        "pain": attack.pain_samples.get(),
        "day": day,
        "product": product,
        "batch": batch,
        "lab_report": report,
        "unit": unit,
        "dose": dose,
        "outcome": dose.outcome,
        "side_effect": effect,
        "medication": medication,
        "questionnaire": questionnaire,
        "token": token,
        "link_share": link,
    }


def _owned_models() -> list[tuple[type[models.Model], str]]:
    found = []
    for model in apps.get_app_configs():
        if not model.name.startswith("relief."):
            continue
        for m in model.get_models():
            if m._meta.label in NOT_SNAPSHOTTED:
                continue
            if m._meta.label in OWNER_PATHS:
                found.append((m, OWNER_PATHS[m._meta.label]))
            elif any(f.name == "user" for f in m._meta.get_fields()):
                found.append((m, "user"))
    return found


def snapshot(owner: User) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the owner has in any of the project's tables, with all its values."""
    result = {}
    for model, path in _owned_models():
        rows = model._default_manager.filter(**{path: owner}).order_by("pk").values_list()
        result[model._meta.label] = [tuple(map(str, row)) for row in rows]
    user = User.objects.filter(pk=owner.pk).values_list().first()
    result["auth.User"] = [tuple(map(str, user or ()))]
    return result
