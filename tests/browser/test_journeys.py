"""The main journeys in a real browser: sign up, attack mode, check-in, outcome, calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relief.accounts.services import checkin_day_for
from relief.diary.models import Attack, DayFactor, DayRecord
from relief.diary.services import Pain, log_attack, log_day
from relief.treatments.models import Dose, DoseOutcome
from tests.factories import ago, make_dose, make_medication, make_product, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_signs_up_and_lands_on_their_settings(phone):
    phone.open("/accounts/login/")
    phone.screenshot("login-phone")
    assert phone.serious_accessibility_problems() == []
    phone.tap(phone.page.get_by_role("link", name="Create an account"))
    phone.screenshot("signup-phone")
    assert phone.serious_accessibility_problems() == []
    phone.page.locator("#id_username").fill("robin")
    phone.page.locator("#id_password1").fill("a quiet evening walk 42")
    phone.page.locator("#id_password2").fill("a quiet evening walk 42")
    phone.tap(phone.page.get_by_role("button", name="Create account"))
    assert phone.page.url.endswith("/accounts/settings/")
    expect(phone.page.get_by_role("heading", name="Settings")).to_be_visible()
    assert phone.serious_accessibility_problems() == []
    phone.tap(phone.page.get_by_role("link", name="Today"))
    expect(phone.page.get_by_role("heading", name="Getting started")).to_be_visible()
    phone.screenshot("today-first-visit-phone")
    assert phone.serious_accessibility_problems() == []


def _person_with_a_usual_dose():
    person = make_user("sam", time_zone="Europe/Berlin")
    product = make_product(person, "Red Bali powder")
    for days in (1, 3, 6):
        make_dose(
            person, amount=3, unit="g", product=product, taken_at=ago(days=days), reason=Dose.Reason.CHRONIC
        )
    return person


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_attack_mode_logs_the_start_pain_and_the_usual_dose_in_three_taps(size, request):
    session = request.getfixturevalue(size)
    person = _person_with_a_usual_dose()
    make_medication(person, "sertraline")
    session.sign_in(person)
    session.open("/")
    session.tap(session.page.get_by_role("button", name="Attack started now"))
    session.tap(session.page.get_by_role("button", name="Pain 6 of 10"))
    session.page.get_by_text("pain 6 at").first.wait_for()
    session.tap(session.page.get_by_role("button", name="Kratom 3 g · Red Bali powder"))
    session.page.get_by_text("Kratom 3 g at").first.wait_for()
    expect(
        session.page.get_by_role("alert").get_by_text("Combination to check: kratom and Sertraline")
    ).to_be_visible()
    session.screenshot(f"attack-mode-after-dose-{size}")

    assert session.taps <= 5
    attack = Attack.objects.get(user=person)
    assert [s.nrs for s in attack.pain_samples.all()] == [6]
    dose = Dose.objects.get(user=person, attack=attack)
    assert (dose.amount, dose.unit, dose.reason, dose.product.name) == (3, "g", "acute", "Red Bali powder")
    assert dose.outcome.pain_at_dose == 6
    session.tap(session.page.get_by_role("region", name="Symptoms").get_by_role("button", name="Nausea"))
    session.page.locator("button[aria-pressed=true]", has_text="Nausea").wait_for()
    session.screenshot(f"attack-mode-{size}")
    assert session.serious_accessibility_problems() == []


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_daily_check_in_puts_tracked_factors_first_and_saves(size, request):
    session = request.getfixturevalue(size)
    person = make_user("kim")
    log_day(
        person,
        day=checkin_day_for(person) - timedelta(days=1),
        factors={"Red wine": None, "Skipped lunch": None},
    )
    session.sign_in(person)
    session.open("/diary/checkin/")
    session.screenshot(f"checkin-{size}")
    assert session.serious_accessibility_problems() == []
    session.tap(session.page.get_by_text("Red wine", exact=True))
    session.tap(session.page.get_by_role("group", name="Worst pain today").get_by_text("3", exact=True))
    session.page.get_by_label("Hours slept").fill("7.5")
    session.tap(session.page.get_by_role("button", name="Save check-in"))

    record = DayRecord.objects.get(user=person, date=checkin_day_for(person))  # today, or last evening
    assert (record.worst_pain, record.sleep_hours) == (3, 7.5)
    assert [f.tag.name for f in DayFactor.objects.filter(day=record)] == ["Red wine"]


def test_a_two_hour_outcome_is_answered_with_one_tap_on_the_next_visit(phone):
    person = make_user("lee")
    dose = make_dose(person, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=2, minutes=30))
    phone.sign_in(person)
    phone.open("/")
    expect(phone.page.get_by_role("heading", name="How is the pain now?")).to_be_visible()
    phone.screenshot("today-with-outcome-prompt-phone")
    assert phone.serious_accessibility_problems() == []
    phone.tap(phone.page.get_by_role("button", name="Pain 2", exact=True))
    expect(phone.page.get_by_role("heading", name="How is the pain now?")).to_be_hidden()
    assert DoseOutcome.objects.get(dose=dose).pain_2h == 2


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_month_calendar_shows_headache_migraine_and_dose_days(size, request):
    session = request.getfixturevalue(size)
    person = make_user("ari")
    today = timezone.localdate()
    for offset, pain, migraine in ((1, 7, True), (3, 4, False), (8, 2, False), (12, 9, True)):
        day = today - timedelta(days=offset)
        if day.month != today.month:
            continue
        start = timezone.now() - timedelta(days=offset)
        attack = log_attack(
            person, started_at=start, believed_migraine=migraine, pain=[Pain(at=start, nrs=pain)]
        ).entry
        make_dose(person, taken_at=start + timedelta(minutes=20), attack=attack)
    log_day(person, day=today, worst_pain=1, sleep_hours=7)
    session.sign_in(person)
    session.open("/calendar/")
    session.screenshot(f"calendar-{size}")
    # a month grid on every screen: a whole week side by side in one row, within the screen's width
    # (on a phone the calendar once became the one-card-per-row list other tables turn into)
    boxes = session.page.evaluate(
        """() => [...document.querySelectorAll('table.calendar tbody tr')[1].children].map(cell => {
              const box = cell.getBoundingClientRect(); return [box.left, box.top, box.right]; })"""
    )
    assert len(boxes) == 7
    assert len({round(top) for _, top, _ in boxes}) == 1
    assert [left for left, _, _ in boxes] == sorted(left for left, _, _ in boxes)
    assert boxes[-1][2] <= session.page.viewport_size["width"]
    assert session.serious_accessibility_problems() == []
    session.tap(session.page.get_by_role("link", name=today.strftime("%A %-d %B"), exact=False).first)
    expect(session.page.get_by_role("heading", level=1)).to_be_visible()
    assert session.serious_accessibility_problems() == []


MAIN_PAGES = (
    "/",
    "/log/",
    "/calendar/",
    "/diary/attack/",
    "/diary/checkin/",
    "/treatments/doses/new/",
    "/diary/side-effects/",
    "/diary/side-effects/new/",
    "/diary/questionnaires/",
    "/diary/questionnaires/new/hit6/",
    "/diary/questionnaires/new/midas/",
    "/diary/questionnaires/new/sows/",
    "/treatments/medications/",
    "/treatments/medications/new/",
    "/treatments/units/",
    "/products/",
    "/products/new/",
    "/diary/factors/",
    "/accounts/settings/",
    "/accounts/password/change/",
    "/accounts/delete/",
    "/diary/attack/new/",
    "/diary/history/",
)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_main_page_has_no_serious_accessibility_problem_and_fits_the_screen(size, request):
    session = request.getfixturevalue(size)
    person = _person_with_a_usual_dose()
    attack = log_attack(person, started_at=ago(hours=1), pain=[Pain(at=ago(minutes=50), nrs=5)]).entry
    product = Dose.objects.filter(user=person).first().product
    session.sign_in(person)
    problems = {}
    pages = (
        *MAIN_PAGES,
        f"/diary/attack/{attack.pk}/edit/",
        f"/products/{product.pk}/",
        f"/day/{timezone.localdate()}/",
    )
    for path in pages:
        session.open(path)
        session.screenshot("page-" + (path.strip("/").replace("/", "-") or "today") + f"-{size}")
        found = session.serious_accessibility_problems()
        if session.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            found.append("wider than the screen")
        if found:
            problems[path] = found
    assert problems == {}


def test_the_today_page_follows_a_dark_system_theme(chromium, live_server):
    from tests.browser.conftest import PHONE, Session

    session = Session(chromium, live_server.url, PHONE, color_scheme="dark")
    try:
        person = _person_with_a_usual_dose()
        session.sign_in(person)
        session.open("/")
        background = session.page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(23, 25, 29)"
        session.screenshot("today-dark-phone")
        assert session.serious_accessibility_problems() == []
        assert session.foreign_hosts() == set()
    finally:
        session.close()


def test_attack_mode_works_without_javascript(chromium, live_server):
    from tests.browser.conftest import PHONE, Session

    session = Session(chromium, live_server.url, PHONE, java_script_enabled=False)
    try:
        person = _person_with_a_usual_dose()
        session.sign_in(person)
        session.open("/diary/attack/")
        session.tap(session.page.get_by_role("button", name="15 min ago"))
        session.tap(session.page.get_by_role("button", name="Pain 8 of 10"))
        session.tap(session.page.get_by_role("button", name="Kratom 3 g · Red Bali powder"))
        attack = Attack.objects.get(user=person)
        assert [s.nrs for s in attack.pain_samples.all()] == [8]
        assert Dose.objects.filter(attack=attack).count() == 1
        assert session.taps == 3
        assert session.foreign_hosts() == set()
    finally:
        session.close()


NOTIFICATION_STUB = """
window.__notes = [];
window.Notification = function (title, options) { window.__notes.push({title: title, body: options.body}); };
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
"""


def test_a_browser_notification_asks_for_the_two_hour_pain_where_allowed(phone):
    person = make_user("noa")
    make_dose(person, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=2, minutes=5))
    phone.context.add_init_script(NOTIFICATION_STUB)
    phone.sign_in(person)
    phone.open("/calendar/")
    for _ in range(50):  # polled from here: the page's CSP forbids the eval behind wait_for_function
        notes = phone.page.evaluate("window.__notes")
        if notes:
            break
        phone.page.wait_for_timeout(100)
    assert notes[0]["title"] == "How is the pain now?"
    assert "Sumatriptan" in notes[0]["body"]
