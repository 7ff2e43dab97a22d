"""Every plan, trial and taper page renders whatever kind of safety finding the plan's screen holds."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse

from relief.accounts.services import today_for
from relief.plans import services
from relief.plans.models import Plan
from relief.safety.alerts import LEVELS, Alert
from tests.factories import make_medication, make_user, substance
from tests.plans.helpers import acute_trial, kratom_plan
from tests.web.helpers import signed_in

pytestmark = pytest.mark.django_db


def _pages(owner) -> list[str]:
    plan = kratom_plan(owner)
    trial = services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    taper = services.start_taper(owner, substance=substance("kratom"), started_on=today_for(owner), plan=plan)
    return [
        reverse("plans:index"),
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:questions", args=[plan.pk]),
        reverse("plans:reassess", args=[plan.pk]),
        reverse("plans:decisions"),
        reverse("plans:trial", args=[trial.pk]),
        reverse("plans:trial_result", args=[trial.pk]),
        reverse("plans:taper", args=[taper.pk]),
    ]


def _engine_alert(level: str) -> dict:
    return Alert(
        key=f"interaction:kratom:clonazepam:{level}",
        rule="interaction",
        level=level,
        title="Combination to check: kratom and clonazepam",
        message="Both slow breathing.",
        actions=("Talk to your prescriber before combining them.",),
        evidence=(),
        sources=(),
    ).as_dict()


def test_every_page_renders_when_standing_medications_interact_with_kratom():
    owner = make_user(time_zone="Europe/Berlin")
    make_medication(owner, "amitriptyline")
    make_medication(owner, "clonazepam")
    client = signed_in(owner)
    pages = _pages(owner)
    screen = services.interaction_screen(Plan.objects.get(user=owner))
    assert screen["findings"], "the knowledge should find a combination with these medications"
    for url in pages:
        assert client.get(url).status_code == 200, url
    detail = client.get(pages[1]).content.decode()
    assert "Clonazepam" in detail or "clonazepam" in detail


@pytest.mark.parametrize(
    "finding",
    [
        {"medication": "Clonazepam", "level": "serious", "mechanism": "both slow breathing"},
        {"medication": "Amitriptyline", "level": "caution"},
        *[_engine_alert(level) for level in LEVELS],
        {"title": "A finding with only a title"},
        {},
    ],
    ids=[
        "knowledge-with-mechanism",
        "knowledge-without-mechanism",
        *[f"engine-alert-{level}" for level in LEVELS],
        "title-only",
        "empty",
    ],
)
def test_every_page_renders_with_each_shape_of_finding(finding, monkeypatch):
    owner = make_user()
    pages = _pages(owner)
    original = services.interaction_screen

    def screen_with(plan):
        return {**original(plan), "status": "checked", "findings": [finding]}

    monkeypatch.setattr(services, "interaction_screen", screen_with)
    client = signed_in(owner)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(pages[1]).content.decode()
    shown = finding.get("medication") or finding.get("title")
    if shown:
        assert shown in detail
