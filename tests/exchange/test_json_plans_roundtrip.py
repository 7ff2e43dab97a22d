"""Plans, trials, tapers and decisions are part of "Download everything" and come back unchanged."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import User

from relief.accounts.services import get_profile, today_for
from relief.exchange.jsonformat import FORMAT_VERSION, export_document, import_document
from relief.exchange.schema import schema_problems
from relief.plans import services
from relief.plans.models import Allocation, Plan
from tests.factories import ago, make_attack, make_dose, make_medication, make_user, substance
from tests.plans.helpers import acute_trial, kratom_plan
from tests.web.helpers import signed_in

pytestmark = pytest.mark.django_db


def a_person_with_plans():
    person = make_user("planner", time_zone="Europe/Berlin")
    profile = get_profile(person)
    profile.day_ends_at = profile.day_ends_at.replace(hour=3)
    profile.save()
    make_medication(person, "amitriptyline")
    make_dose(person, amount=2, taken_at=ago(days=3))
    plan = kratom_plan(person, reassess_in=20)
    services.refresh_steps(plan)
    services.set_step(person, plan, "clinician", "done", "Talked it through with Dr Weber")
    services.record_decision(
        person,
        plan,
        choice="continue",
        reasons="Fewer bad days, no side effects",
        next_reassess_on=today_for(person) + timedelta(days=60),
    )
    trial = services.start_trial(person, acute_trial(person, attacks=4), rng=np.random.default_rng(5))
    services.reveal_for_attack(person, trial, make_attack(person, started_at=ago(hours=5)))
    services.amend_protocol(person, trial, reason="attacks are rarer than expected", planned_units=6)
    taper = services.start_taper(
        person, substance=substance("kratom"), started_on=today_for(person), plan=plan
    )
    services.add_taper_step(person, taper, today_for(person), 1.5, "g", "agreed with Dr Weber")
    return person


def test_download_everything_holds_plans_trials_tapers_and_decisions():
    person = a_person_with_plans()
    doc = signed_in(person).get("/accounts/export/").json()
    assert doc["version"] == FORMAT_VERSION == 2
    assert doc["profile"]["day_ends_at"] == "03:00:00"
    (plan,) = doc["plans"]
    assert {s["key"] for s in plan["steps"]} >= {"clinician", "interactions"}
    assert plan["decisions"][0]["reasons"] == "Fewer bad days, no side effects"
    (trial,) = doc["trials"]
    assert len(trial["options"]) == 2 and len(trial["allocations"]) >= 4 and trial["amendments"]
    assert sum(a["revealed_at"] is not None for a in trial["allocations"]) == 1
    assert doc["tapers"][0]["steps"][0]["amount"] == 1.5
    assert schema_problems(doc) == []


def test_plans_trials_and_tapers_survive_export_import_export_unchanged():
    person = a_person_with_plans()
    first = export_document(person)
    User.objects.get(pk=person.pk).delete()
    newcomer = make_user("newcomer")
    import_document(newcomer, json.loads(json.dumps(first)))
    second = export_document(newcomer)
    assert second == first
    assert Plan.objects.get(user=newcomer).decisions.count() == 1
    revealed = Allocation.objects.get(trial__user=newcomer, revealed_at__isnull=False)
    assert revealed.option.label in {"Sumatriptan", "Ibuprofen"}


def test_a_version_1_file_without_plans_still_imports():
    person = make_user("old")
    make_dose(person, amount=2, taken_at=ago(days=1))
    doc = export_document(person)
    User.objects.get(pk=person.pk).delete()
    doc["version"] = 1
    for key in ("plans", "trials", "tapers"):
        del doc[key]
    del doc["profile"]["day_ends_at"]
    assert schema_problems(doc) == []
    summary = import_document(make_user("again"), doc)
    assert summary.counts["doses"] == 1
