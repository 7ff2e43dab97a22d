"""In a real browser: a plan from start to reassessment, and a personal acute trial from protocol to result."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from relief.accounts.services import today_for
from relief.plans.models import Allocation, Decision, Plan, Trial
from tests.browser_session import settle
from tests.factories import ago, make_attack, make_day, make_dose, make_side_effect, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault(
    "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
)  # Playwright's loop shares this thread with the ORM


@pytest.fixture
def page(live_server, chromium) -> Iterator[object]:
    context = chromium.new_context(base_url=live_server.url)
    context.set_default_timeout(30000)
    tab = context.new_page()
    tab.live_server_url = live_server.url
    yield tab
    context.close()
    settle(live_server.url)


AXE = Path(__file__).resolve().parents[1] / "browser" / "vendor" / "axe.min.js"


def serious_accessibility_problems(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    violations = page.evaluate("axe.run(document).then(r => r.violations)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def sign_in(page, user) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": page.live_server_url}]
    )


def a_diary_with_kratom_for_the_last_month(user):
    """Sixty days of check-ins; three attacks in the month before kratom, one after; kratom on four days."""
    today = today_for(user)
    for i in range(1, 61):
        make_day(user, today - timedelta(days=i), worst_pain=3)
    for days in (55, 45, 35, 10):
        make_attack(user, started_at=ago(days=days), ended_at=ago(days=days, hours=-5))
    for days in (25, 18, 11, 4):
        make_dose(user, amount=2, taken_at=ago(days=days))
    make_side_effect(user, "constipation", occurred_at=ago(days=10))


def test_a_plan_walks_from_start_to_reassessment(page):
    person = make_user("alex")
    a_diary_with_kratom_for_the_last_month(person)
    sign_in(page, person)
    today = today_for(person)

    page.goto("/plans/")
    page.get_by_role("link", name="Start a plan").click()
    page.wait_for_load_state()
    page.get_by_label("Treatment").select_option(label="Kratom")
    page.get_by_label("Kind").select_option("acute")
    page.get_by_label("Goal").fill("fewer days in bed")
    page.get_by_label("Starts on").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Reassess on").fill(today.isoformat())
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_load_state()

    plan = Plan.objects.get(user=person)
    expect(page.get_by_role("heading", name=str(plan))).to_be_visible()
    assert serious_accessibility_problems(page) == []
    expect(page.locator("#step-baseline")).to_have_attribute("data-state", "done")
    page.locator("#state-clinician").select_option("done")
    page.get_by_role("button", name="Save step 1").click()
    page.wait_for_load_state()
    expect(page.locator("#step-clinician")).to_have_attribute("data-state", "done")

    page.get_by_label("At most this many days a month").fill("8")
    page.get_by_label("At least this many hours between doses").fill("24")
    page.get_by_role("button", name="Save limits").click()
    page.wait_for_load_state()
    expect(page.locator("#step-limits")).to_have_attribute("data-state", "done")

    page.get_by_role("link", name="Checklist and questions to print").click()

    page.wait_for_load_state()
    expect(page.get_by_text("at most 8 days a month")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Review and decide").first.click()

    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible()
    assert serious_accessibility_problems(page) == []
    expect(page.get_by_text("constipation")).to_be_visible()
    page.get_by_role("radio", name="Continue").check()
    page.get_by_label("Reasons").fill("fewer attacks, constipation is bearable")
    page.get_by_label("Next reassessment (to continue or change)").fill(
        (today + timedelta(days=60)).isoformat()
    )
    page.get_by_role("button", name="Record my decision").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", name="Decision history")).to_be_visible()
    expect(page.get_by_text("fewer attacks, constipation is bearable")).to_be_visible()
    decision = Decision.objects.get(plan=plan)
    assert decision.review["counts"]["during"]["attacks"] == 1
    assert decision.review["counts"]["before"]["attacks"] == 3


def test_a_personal_acute_trial_walks_from_protocol_to_result(page):
    person = make_user("kim")
    sign_in(page, person)
    page.goto("/plans/trials/new/")
    page.locator("#id_title").fill("Sumatriptan or ibuprofen for my attacks")
    page.locator("#id_design").select_option("attack")
    page.locator("#id_outcome").select_option("pain_free_2h")
    page.locator("#id_planned_units").fill("4")
    page.locator("#id_option_1").select_option(label="Sumatriptan")
    page.locator("#id_option_2").select_option(label="Ibuprofen")
    page.get_by_role("button", name="Save the protocol").click()
    page.wait_for_load_state()

    trial = Trial.objects.get(user=person)
    page.get_by_role("button", name="Fix the protocol and seal the sequence").click()
    page.wait_for_load_state()
    assert page.locator("ol.slots li", has_text="sealed").count() == 4
    assert serious_accessibility_problems(page) == []

    for attack in range(1, 5):
        page.get_by_role("button", name="I have an attack: log it and show my option").click()
        page.wait_for_load_state()
        shown = page.locator(f"ol.slots li[data-position='{attack}'] strong").inner_text()
        sealed_places = page.locator("ol.slots li", has_text="sealed").count()
        assert sealed_places == 4 - attack
        assert shown == Allocation.objects.get(trial=trial, position=attack).option.label
        if attack == 1:
            assert serious_accessibility_problems(page) == []
        form = page.get_by_role("form", name=f"Outcome of attack {attack}")
        form.get_by_label("Pain when you took it (0-10)").fill("7")
        form.get_by_label("Pain after 2 hours (0-10)").fill("0" if shown == "Sumatriptan" else "4")
        form.get_by_label("Rescue medication taken?").select_option("no")
        form.get_by_role("button", name=f"Save outcome of attack {attack}").click()
        page.wait_for_load_state()

    page.get_by_role("link", name="Result and report").click()

    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Report (CENT 2015 items for one person)")).to_be_visible()
    expect(page.locator(".verdict").first).to_contain_text("Sumatriptan 2/2, Ibuprofen 0/2.")
    expect(page.get_by_text("not enough attacks", exact=False).first).to_be_visible()
    expect(page.get_by_role("cell", name="Randomisation and concealment")).to_be_visible()
    assert serious_accessibility_problems(page) == []


def test_stopping_walks_through_the_taper_tracker(page):
    person = make_user("jo")
    make_dose(person, amount=2, taken_at=ago(hours=30))
    sign_in(page, person)
    today = today_for(person)
    page.goto("/plans/new/")
    page.get_by_label("Treatment").select_option(label="Kratom")
    page.get_by_label("Starts on").fill((today - timedelta(days=40)).isoformat())
    page.get_by_label("Reassess on").fill(today.isoformat())
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Start a taper tracker").click()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("From").fill(today.isoformat())
    page.get_by_label("Amount agreed with your clinician").fill("1")
    page.get_by_label("Unit").fill("g")
    page.get_by_role("button", name="Add step").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"Today ({today:%a} {today.day} {today:%b}):")).to_be_visible()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()
    expect(page.get_by_text("0 of 64")).to_be_visible()
    page.get_by_role("button", name="I have stopped").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Days to watch")).to_be_visible()
    assert Plan.objects.get(user=person).status == "stopped"
