"""The plan and trial pages: the owner uses them, anyone else gets a 404, and nothing sealed leaks."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from relief.accounts.services import today_for
from relief.plans import services
from relief.plans.models import Decision, Plan, Trial
from tests.factories import make_user, substance
from tests.plans.helpers import acute_trial, kratom_plan

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def things_of(owner):
    plan = kratom_plan(owner)
    trial = services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    taper = services.start_taper(owner, substance=substance("kratom"), started_on=today_for(owner), plan=plan)
    return plan, trial, taper


def owner_urls(plan, trial, taper) -> list[str]:
    return [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:questions", args=[plan.pk]),
        reverse("plans:reassess", args=[plan.pk]),
        reverse("plans:trial", args=[trial.pk]),
        reverse("plans:trial_result", args=[trial.pk]),
        reverse("plans:taper", args=[taper.pk]),
    ]


def test_the_owner_sees_every_page():
    owner = make_user()
    urls = owner_urls(*things_of(owner))
    client = client_for(owner)
    for url in [
        reverse("plans:index"),
        reverse("plans:new"),
        reverse("plans:new_trial"),
        reverse("plans:decisions"),
        *urls,
    ]:
        assert client.get(url).status_code == 200, url


def test_a_stranger_gets_404_for_every_page_and_action():
    owner = make_user()
    plan, trial, taper = things_of(owner)
    stranger = client_for(make_user())
    for url in owner_urls(plan, trial, taper):
        assert stranger.get(url).status_code == 404, url
    posts = [
        reverse("plans:step", args=[plan.pk, "clinician"]),
        reverse("plans:limits", args=[plan.pk]),
        reverse("plans:new_taper", args=[plan.pk]),
        reverse("plans:start_trial", args=[trial.pk]),
        reverse("plans:reveal", args=[trial.pk]),
        reverse("plans:outcome", args=[trial.pk, 1]),
        reverse("plans:amend", args=[trial.pk]),
        reverse("plans:taper_step", args=[taper.pk]),
        reverse("plans:taper_sows", args=[taper.pk]),
        reverse("plans:taper_last_intake", args=[taper.pk]),
    ]
    for url in posts:
        assert stranger.post(url, {"state": "done"}).status_code == 404, url
    assert not trial.allocations.filter(revealed_at__isnull=False).exists()


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(reverse("plans:index"))
    assert response.status_code == 302


def test_posting_without_a_csrf_token_is_refused():
    owner = make_user()
    plan = kratom_plan(owner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert (
        client.post(reverse("plans:step", args=[plan.pk, "clinician"]), {"state": "done"}).status_code == 403
    )


def test_the_trial_page_shows_sealed_places_without_their_option():
    owner = make_user()
    trial = services.start_trial(owner, acute_trial(owner, attacks=4), rng=np.random.default_rng(3))
    page = client_for(owner).get(reverse("plans:trial", args=[trial.pk])).content.decode()
    assert page.count(": sealed") == 4
    client_for(owner).post(reverse("plans:reveal", args=[trial.pk]), {"started_at": "now"})
    page = client_for(owner).get(reverse("plans:trial", args=[trial.pk])).content.decode()
    first = trial.allocations.get(position=1).option.label
    assert f"Attack 1: <strong>{first}</strong>" in page
    assert page.count(": sealed") == 3


def test_the_fingerprint_salt_is_shown_only_once_every_place_is_revealed():
    owner = make_user()
    trial = services.start_trial(owner, acute_trial(owner, attacks=2), rng=np.random.default_rng(3))
    client = client_for(owner)
    url = reverse("plans:trial", args=[trial.pk])
    for _ in range(2):
        assert trial.sequence_salt not in client.get(url).content.decode()
        client.post(reverse("plans:reveal", args=[trial.pk]), {"started_at": "now"})
    page = client.get(url).content.decode()
    assert trial.sequence_digest[:16] in page and trial.sequence_salt in page


def test_starting_a_plan_from_the_form_creates_its_steps():
    owner = make_user()
    today = today_for(owner)
    response = client_for(owner).post(
        reverse("plans:new"),
        {
            "substance": substance("kratom").pk,
            "kind": "acute",
            "starts_on": today.isoformat(),
            "reassess_on": (today + timedelta(days=28)).isoformat(),
        },
    )
    plan = Plan.objects.get(user=owner)
    assert response.status_code == 302 and plan.steps.count() == 7


def test_a_form_error_is_shown_with_a_422():
    owner = make_user()
    today = today_for(owner)
    response = client_for(owner).post(
        reverse("plans:new"),
        {"substance": substance("kratom").pk, "kind": "acute", "starts_on": today, "reassess_on": today},
    )
    assert response.status_code == 422
    assert "must be after the start" in response.content.decode()


def test_a_decision_is_recorded_from_the_reassessment_page():
    owner = make_user()
    plan = kratom_plan(owner, starts_in=-30, reassess_in=0)
    response = client_for(owner).post(
        reverse("plans:reassess", args=[plan.pk]), {"choice": "stop", "reasons": "sleep got worse"}
    )
    assert response.status_code == 302
    assert Decision.objects.get(plan=plan).reasons == "sleep got worse"


def test_an_amendment_from_the_page_is_logged():
    owner = make_user()
    trial = services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    client_for(owner).post(
        reverse("plans:amend", args=[trial.pk]),
        {"field": "threshold", "value": "0.9", "reason": "be stricter"},
    )
    trial = Trial.objects.get(pk=trial.pk)
    assert trial.threshold == 0.9 and trial.amendments.get().reason == "be stricter"


def shared_urls(owner, trial) -> list[str]:
    from relief.accounts.services import get_profile

    who = str(get_profile(owner).pk)
    return [
        reverse("plans:shared_decisions", args=[who]),
        reverse("plans:shared_trial_result", args=[who, trial.pk]),
    ]


def test_a_clinician_with_a_read_only_share_sees_the_decisions_and_the_trial_report_but_not_the_plan():
    from relief.sharing.services import accept_invitation, invite_reader

    owner = make_user()
    plan, trial, taper = things_of(owner)
    services.record_decision(owner, plan, choice="stop", reasons="too drowsy", review={})
    clinician = make_user("dr-weber")
    accept_invitation(clinician, invite_reader(owner, username_or_email="dr-weber"))
    reader = client_for(clinician)
    for url in shared_urls(owner, trial):
        response = reader.get(url)
        assert response.status_code == 200, url
    assert "too drowsy" in reader.get(shared_urls(owner, trial)[0]).content.decode()
    for url in owner_urls(plan, trial, taper):
        assert reader.get(url).status_code == 404, url


def test_the_owner_reads_their_own_shared_pages_and_a_stranger_gets_404():
    owner = make_user()
    _, trial, _ = things_of(owner)
    for url in shared_urls(owner, trial):
        assert client_for(owner).get(url).status_code == 200, url
        assert client_for(make_user()).get(url).status_code == 404, url
        assert Client().get(url).status_code == 404, url


def test_the_taper_page_records_a_step_a_sows_check_in_and_the_last_intake():
    from relief.diary.models import QuestionnaireResponse

    owner = make_user()
    plan = kratom_plan(owner, starts_in=-30, reassess_in=0)
    client = client_for(owner)
    response = client.post(reverse("plans:new_taper", args=[plan.pk]))
    taper = plan.tapers.get()
    assert response.url == reverse("plans:taper", args=[taper.pk])
    today = today_for(owner)
    client.post(
        reverse("plans:taper_step", args=[taper.pk]),
        {"starts_on": today.isoformat(), "amount": "2", "unit": "g"},
    )
    assert str(taper.steps.get()) == f"from {today}: 2 g"
    answers = {f"item_{i}": "1" for i in range(16)}
    client.post(reverse("plans:taper_sows", args=[taper.pk]), answers)
    assert QuestionnaireResponse.objects.get(user=owner).answers == [1] * 16
    client.post(reverse("plans:taper_last_intake", args=[taper.pk]), {"at": "2h ago"})
    page = client.get(reverse("plans:taper", args=[taper.pk])).content.decode()
    assert "16 of 64" in page and "ICHD-3 8.3.2" in page


def test_a_taper_step_without_a_readable_day_is_refused_with_a_message():
    owner = make_user()
    taper = services.start_taper(owner, substance=substance("kratom"), started_on=today_for(owner))
    response = client_for(owner).post(reverse("plans:taper_step", args=[taper.pk]), {"starts_on": "soon"})
    assert response.status_code == 422 and "YYYY-MM-DD" in response.content.decode()


def test_an_attack_logged_in_the_diary_can_take_the_next_place_from_the_trial_page():
    from tests.factories import ago, make_attack

    owner = make_user()
    trial = services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    attack = make_attack(owner, started_at=ago(minutes=20))
    client = client_for(owner)
    page = client.get(reverse("plans:trial", args=[trial.pk])).content.decode()
    assert f'name="attack" value="{attack.pk}"' in page
    client.post(reverse("plans:reveal", args=[trial.pk]), {"attack": str(attack.pk)})
    assert trial.allocations.get(position=1).attack == attack
    assert services.unallocated_attacks(trial) == []


def test_someone_elses_attack_cannot_take_a_place():
    from tests.factories import ago, make_attack

    owner = make_user()
    trial = services.start_trial(owner, acute_trial(owner), rng=np.random.default_rng(3))
    other = make_attack(make_user(), started_at=ago(minutes=20))
    response = client_for(owner).post(reverse("plans:reveal", args=[trial.pk]), {"attack": str(other.pk)})
    assert response.status_code == 404
    assert not trial.allocations.filter(revealed_at__isnull=False).exists()


def test_the_plan_pages_need_no_inline_script_or_style():
    import re

    owner = make_user()
    urls = owner_urls(*things_of(owner))
    client = client_for(owner)
    for url in [reverse("plans:index"), reverse("plans:new"), reverse("plans:new_trial"), *urls]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and " onclick=" not in html, url
