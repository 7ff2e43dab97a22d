"""The flows a person in pain uses on a phone (390×844), each walked in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from relief.accounts.services import create_account, today_for
from relief.plans import services as plans
from relief.plans.models import Plan, Taper
from relief.sharing.models import Share
from relief.treatments.models import Dose
from tests.factories import (
    ago,
    make_attack,
    make_batch,
    make_dose,
    make_medication,
    make_product,
    make_user,
    substance,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kratom_plan_with_interacting_medications_opens_and_reaches_its_taper(phone):
    person = make_user("pat", time_zone="Europe/Berlin")
    make_medication(person, "amitriptyline")
    make_medication(person, "clonazepam")
    today = today_for(person)
    plan = plans.start_plan(
        person,
        substance=substance("kratom"),
        kind="acute",
        starts_on=today,
        reassess_on=today + timedelta(days=30),
    )
    phone.sign_in(person)
    phone.open(f"/plans/{plan.pk}/")
    expect(phone.page.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.page.get_by_text("Clonazepam", exact=False).first).to_be_visible()
    phone.screenshot("plan-with-interactions-phone")
    assert phone.serious_accessibility_problems() == []
    phone.tap(phone.page.get_by_role("button", name="Start a taper tracker"))
    assert Taper.objects.filter(user=person).exists()
    phone.open(f"/plans/{plan.pk}/")
    phone.tap(phone.page.get_by_role("link", name="Set up a personal trial for this plan"))
    expect(phone.page.get_by_role("heading", level=1)).to_be_visible()
    assert Plan.objects.filter(user=person).count() == 1


def test_an_account_that_signs_in_by_link_sets_a_password_and_later_deletes_itself(phone, capsys):
    from relief.accounts.services_links import create_login_link

    demo = create_account("demo", time_zone="Europe/Berlin")
    phone.open(create_login_link(demo))
    phone.tap(phone.page.get_by_role("button", name="Sign in"))
    phone.open("/accounts/settings/")
    phone.tap(phone.page.get_by_role("link", name="Set a password"))
    expect(phone.page.get_by_role("heading", name="Set a password")).to_be_visible()
    phone.page.get_by_label("New password", exact=True).fill("a calm walk by the river 9")
    phone.page.get_by_label("New password confirmation").fill("a calm walk by the river 9")
    phone.screenshot("set-first-password-phone")
    assert phone.serious_accessibility_problems() == []
    phone.tap(phone.page.get_by_role("button", name="Save password"))
    demo.refresh_from_db()
    assert demo.has_usable_password()

    demo.set_unusable_password()  # as before the password: link only, and the sign-in is old now
    demo.save()
    phone.sign_in(demo)
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=True):
        phone.open("/accounts/settings/")
        phone.tap(phone.page.get_by_role("link", name="Delete the account and all its data"))
        expect(phone.page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
        phone.tap(phone.page.get_by_role("button", name="Send me a one-time link"))
        expect(phone.page.get_by_text("printed in the terminal")).to_be_visible()
        phone.screenshot("confirm-it-is-you-phone")
        assert phone.serious_accessibility_problems() == []
        line = next(x for x in capsys.readouterr().err.splitlines() if "confirmation link for demo" in x)
        phone.page.goto(line.split(": ", 1)[1])
        phone.tap(phone.page.get_by_role("button", name="Confirm and go on"))
        expect(phone.page.get_by_role("heading", name="Delete your account")).to_be_visible()
        phone.tap(phone.page.get_by_role("button", name="Delete my account and all data"))
    assert not User.objects.filter(username="demo").exists()


SHARE_STUB = """
window.__shared = [];
navigator.share = function (data) { window.__shared.push(data); return Promise.resolve(); };
"""


def test_sharing_is_found_from_settings_and_the_report_and_the_link_copies_and_shares(phone):
    person = make_user("kai", time_zone="America/New_York")
    phone.context.add_init_script(SHARE_STUB)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=phone.base_url)
    phone.sign_in(person)
    phone.open("/exchange/report/")
    expect(phone.page.get_by_role("link", name="Share this report with your clinician")).to_be_visible()
    phone.open("/accounts/settings/")
    phone.tap(phone.page.get_by_role("link", name="Share with your clinician"))
    phone.page.get_by_label("For whom").fill("Dr Weber")
    phone.tap(phone.page.get_by_role("button", name="Create link"))
    link = phone.page.get_by_label("Share link").input_value()
    assert "/shared/" in link
    phone.tap(phone.page.get_by_role("button", name="Copy link"))
    expect(phone.page.get_by_role("button", name="Copied")).to_be_visible()
    assert phone.page.evaluate("navigator.clipboard.readText()") == link
    phone.tap(phone.page.get_by_role("button", name="Share…"))
    assert phone.page.evaluate("window.__shared")[0]["url"] == link
    page = phone.page.content()
    expires = timezone.localtime(
        Share.objects.get(user=person).expires_at, timezone=_zone("America/New_York")
    )
    assert expires.strftime("%H:%M") in page
    assert "UTC" not in phone.page.inner_text("main")
    phone.screenshot("sharing-new-link-phone")
    assert phone.serious_accessibility_problems() == []


def _zone(name):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _kratom_history(person):
    red = make_product(person, "Red Bali")
    lot = make_batch(red, "LOT-7")
    for day in range(12):
        make_dose(person, amount=2, product=red, batch=lot, taken_at=ago(days=day + 1), reason="chronic")
    for day in range(20):
        make_dose(
            person,
            "magnesium",
            amount=400,
            unit="mg",
            taken_at=ago(days=day + 1, hours=2),
            reason="preventive",
        )
    make_dose(person, "sumatriptan", amount=50, unit="mg", taken_at=ago(days=9), reason="acute")
    for day in range(4):
        make_dose(
            person, "ibuprofen", amount=400, unit="mg", taken_at=ago(days=day + 3, hours=3), reason="acute"
        )
    return red, lot


def test_at_night_the_usual_kratom_dose_is_one_tap_with_a_few_seconds_of_undo(chromium, live_server):
    from tests.browser.conftest import PHONE, Session

    session = Session(chromium, live_server.url, PHONE, color_scheme="dark")
    try:
        person = make_user("ash", time_zone="Europe/Berlin")
        _kratom_history(person)
        session.sign_in(person)
        session.open("/")
        session.tap(session.page.get_by_role("button", name="Attack started now"))
        session.tap(session.page.get_by_role("button", name="Kratom 2 g · Red Bali"))
        expect(session.page.get_by_role("button", name="Undo Kratom")).to_be_visible()
        assert session.taps == 2
        assert Dose.objects.filter(user=person, attack__isnull=False).count() == 1
        session.screenshot("attack-mode-undo-phone")
        assert session.serious_accessibility_problems() == []
        session.tap(session.page.get_by_role("button", name="Undo Kratom"))
        # the visible message (the screen readers' live region repeats it once htmx has settled)
        expect(session.page.locator(".message", has_text="Removed: Kratom")).to_be_visible()
        assert Dose.objects.filter(user=person, attack__isnull=False).count() == 0
        session.tap(session.page.get_by_role("button", name="Kratom 2 g · Red Bali"))
        expect(session.page.get_by_role("button", name="Undo Kratom")).to_be_visible()
        expect(session.page.get_by_role("button", name="Undo Kratom")).to_be_hidden(
            timeout=15000
        )  # a few seconds
        assert Dose.objects.filter(user=person, attack__isnull=False).count() == 1
        assert session.foreign_hosts() == set()
    finally:
        session.close()


def test_something_else_finds_sumatriptan_by_its_first_letters_and_presets_the_last_amount(
    chromium, live_server
):
    from tests.browser.conftest import PHONE, Session

    session = Session(chromium, live_server.url, PHONE, color_scheme="dark")
    try:
        person = make_user("jo", time_zone="Europe/Berlin")
        _kratom_history(person)
        other = make_product(person, "White Borneo")
        make_batch(other, "LOT-W")
        attack = make_attack(person, started_at=ago(minutes=10))
        session.sign_in(person)
        session.open(f"/diary/attack/{attack.pk}/")
        session.tap(session.page.get_by_role("link", name="Something else"))
        assert "attack-mode" in session.page.get_attribute("body", "class")
        session.page.get_by_label("Find a substance").fill("suma")
        session.tap(
            session.page.get_by_role("group", name="Matching substances").get_by_role(
                "button", name="Sumatriptan"
            )
        )
        assert session.page.get_by_label("Amount", exact=True).input_value() == "50"
        assert session.page.get_by_label("Unit", exact=True).input_value() == "mg"
        session.page.get_by_label("Find a substance").fill("imitr")
        expect(
            session.page.get_by_role("group", name="Matching substances").get_by_role(
                "button", name="Sumatriptan"
            )
        ).to_be_visible()
        session.page.get_by_label("Product", exact=True).select_option(label=str(other))
        batches = session.page.locator("select[name=batch] option:not([disabled])").all_inner_texts()
        assert all("LOT-7" not in b for b in batches)
        session.page.get_by_label("Product", exact=True).select_option(index=0)
        session.page.get_by_label("Find a substance").fill("suma")
        session.tap(
            session.page.get_by_role("group", name="Matching substances").get_by_role(
                "button", name="Sumatriptan"
            )
        )
        session.screenshot("attack-mode-something-else-phone")
        assert session.serious_accessibility_problems() == []
        session.tap(session.page.get_by_role("button", name="Save dose"))
        dose = Dose.objects.get(attack=attack)
        assert (dose.substance.key, dose.amount, dose.unit) == ("sumatriptan", 50, "mg")
        assert session.foreign_hosts() == set()
    finally:
        session.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_region_that_is_loading_keeps_its_text_readable(scheme, chromium, live_server):
    from tests.browser.conftest import PHONE, Session

    session = Session(chromium, live_server.url, PHONE, color_scheme=scheme)
    try:
        person = make_user("lu", time_zone="Europe/Berlin")
        _kratom_history(person)
        attack = make_attack(person, started_at=ago(minutes=10))
        session.sign_in(person)
        session.open(f"/treatments/doses/new/?attack={attack.pk}")
        session.wait_until_quiet()
        # Every region htmx can fetch into, caught as it looks while its request is in flight.
        loading = session.page.evaluate(
            """() => {
                const regions = document.querySelectorAll('[hx-get], [hx-post], [hx-target], main');
                regions.forEach(r => { r.classList.add('htmx-request'); r.setAttribute('aria-busy', 'true'); });
                return regions.length;
            }"""
        )
        assert loading > 0
        assert session.serious_accessibility_problems(wait=False) == []
    finally:
        session.close()


def test_times_on_the_phone_are_in_the_persons_zone(phone):
    person = make_user("ren", time_zone="Asia/Tokyo")
    attack = make_attack(person, started_at=ago(hours=26))
    dose = make_dose(person, attack=attack, reason="acute", taken_at=ago(hours=25))
    phone.sign_in(person)
    for path in (
        "/diary/side-effects/new/",
        "/treatments/doses/new/",
        "/sharing/",
        f"/treatments/doses/{dose.pk}/",
    ):
        phone.open(path)
        assert "UTC" not in phone.page.inner_text("main"), path
    phone.open("/diary/side-effects/new/")
    local = timezone.localtime(dose.taken_at, _zone("Asia/Tokyo"))
    label = f"3 g Kratom at {local:%a} {local.day} {local:%b} {local:%H:%M}"
    phone.page.get_by_label("After which dose (optional)").select_option(label=label)
    assert phone.page.locator("input[name=severity]:checked").count() == 0


def test_a_check_in_after_midnight_is_for_the_evening_before_and_today_can_be_chosen(phone):
    from zoneinfo import ZoneInfo

    from relief.diary.models import DayRecord

    person = make_user("lou", time_zone="Europe/Berlin")
    night = timezone.localtime(timezone.now(), ZoneInfo("Europe/Berlin")).replace(hour=1, minute=20)
    with time_machine.travel(night, tick=True):
        phone.sign_in(person)
        phone.open("/")
        phone.tap(phone.page.get_by_role("link", name="Daily check-in"))
        expect(phone.page.get_by_role("heading", name="How was yesterday?")).to_be_visible()
        phone.screenshot("checkin-after-midnight-phone")
        assert phone.serious_accessibility_problems() == []
        phone.tap(phone.page.get_by_role("group", name="Worst pain today").get_by_text("3", exact=True))
        phone.tap(phone.page.get_by_role("button", name="Save check-in"))
        assert DayRecord.objects.get(user=person).date == night.date() - timedelta(days=1)
        assert phone.taps == 3
        phone.open("/diary/checkin/")
        phone.tap(phone.page.get_by_role("navigation", name="Which day").get_by_role("link", name="Today"))
        expect(phone.page.get_by_role("heading", name="How was today?")).to_be_visible()


def test_after_a_pain_tap_the_keyboard_stays_in_place_and_the_save_is_announced(phone):
    person = make_user("max", time_zone="Europe/Berlin")
    attack = make_attack(person, started_at=ago(minutes=5))
    phone.sign_in(person)
    phone.open(f"/diary/attack/{attack.pk}/")
    phone.page.get_by_role("button", name="Pain 6 of 10").focus()
    phone.page.keyboard.press("Enter")
    phone.page.get_by_text("pain 6 at").first.wait_for()
    expect(phone.page.get_by_role("button", name="Pain 6 of 10")).to_be_focused()
    expect(phone.page.locator("#live")).to_contain_text("pain 6 at")
    phone.page.keyboard.press("Tab")
    assert phone.page.evaluate("document.activeElement.getAttribute('aria-label')") == "Pain 7 of 10"


def test_tables_stack_into_cards_on_a_phone_and_no_text_is_cut(phone):
    from relief.diary.demo import create_demo
    from relief.exchange.tasks import build_report_pdf

    create_demo("reader", days=200, seed=6)
    person = User.objects.get(username="reader")
    build_report_pdf(person.pk, "..")  # the worker's job: the report's (and the insights') tables
    phone.sign_in(person)
    for path in ("/safety/", "/exchange/report/", "/insights/", "/sharing/"):
        phone.open(path)
        phone.page.wait_for_load_state("networkidle")
        cut = phone.page.evaluate(
            """Array.from(document.querySelectorAll('main td, main th'))
                 .filter(c => c.offsetParent !== null && c.scrollWidth > c.clientWidth + 1)
                 .map(c => c.textContent.trim().slice(0, 40))"""
        )
        assert cut == [], (path, cut)
        stacked = phone.page.evaluate(
            "Array.from(document.querySelectorAll('main table')).every(t => t.classList.contains('stack'))"
        )
        assert stacked, path
        wide = phone.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, path
        phone.screenshot("stacked-" + path.strip("/").replace("/", "-") + "-phone")
        assert phone.serious_accessibility_problems() == [], path


def test_download_everything_on_the_phone_holds_the_plans(phone):
    import json

    person = make_user("eve", time_zone="Europe/Berlin")
    today = today_for(person)
    plans.start_plan(
        person,
        substance=substance("kratom"),
        kind="acute",
        starts_on=today,
        reassess_on=today + timedelta(days=30),
    )
    phone.sign_in(person)
    phone.open("/accounts/settings/")
    with phone.page.expect_download() as download:
        phone.page.get_by_role("link", name="Download everything (JSON)").click()
    doc = json.loads(download.value.path().read_text())
    assert doc["version"] == 2
    assert doc["plans"][0]["substance_id"] == str(substance("kratom").pk)


NEW_PAGES = ("/sharing/", "/accounts/confirm/", "/api/docs", "/plans/", "/diary/checkin/", "/safety/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_main_page_has_no_serious_accessibility_problem_in_light_and_dark(
    scheme, chromium, live_server
):
    from tests.browser.conftest import PHONE, Session
    from tests.browser.test_journeys import MAIN_PAGES

    session = Session(chromium, live_server.url, PHONE, color_scheme=scheme)
    try:
        person = make_user("ida", time_zone="Europe/Berlin")
        _kratom_history(person)
        attack = make_attack(person, started_at=ago(minutes=30))
        session.sign_in(person)
        problems = {}
        for path in (
            *MAIN_PAGES,
            *NEW_PAGES,
            f"/treatments/doses/new/?attack={attack.pk}",
            f"/diary/attack/{attack.pk}/",
        ):
            session.open(path)
            found = session.serious_accessibility_problems()
            if found:
                problems[path] = found
        assert problems == {}
        assert session.foreign_hosts() == set()
    finally:
        session.close()


def test_the_three_everyday_tasks_take_few_taps_on_the_demo_diary(phone):
    """(a) an attack at night with the usual kratom dose, (b) the 2-hour outcome, (c) the evening check-in."""
    from relief.diary.demo import create_demo
    from relief.diary.models import Attack, DayRecord
    from relief.treatments.usual import usual_doses

    create_demo("demo", days=200, seed=1)
    person = User.objects.get(username="demo")
    Attack.objects.filter(user=person, ended_at__isnull=True).update(
        ended_at=timezone.now() - timedelta(hours=3)
    )
    usual = usual_doses(person, during_attack=True)[0]
    assert usual.template.substance.key == "kratom"
    phone.sign_in(person)

    phone.open("/")
    phone.taps = 0
    phone.tap(phone.page.get_by_role("button", name="Attack started now"))
    phone.tap(phone.page.get_by_role("button", name=usual.label))
    expect(phone.page.get_by_role("button", name="Undo Kratom")).to_be_visible()
    attack = Attack.objects.get(user=person, ended_at__isnull=True)
    assert attack.doses.get().substance.key == "kratom"
    taps_a = phone.taps

    attack.doses.update(taken_at=timezone.now() - timedelta(hours=2, minutes=5))
    phone.open("/")
    phone.taps = 0
    phone.tap(phone.page.get_by_role("button", name="Pain 2", exact=True).first)
    assert attack.doses.get().outcome.pain_2h == 2
    taps_b = phone.taps

    phone.open("/")
    phone.taps = 0
    phone.tap(phone.page.get_by_role("link", name="Daily check-in"))
    phone.tap(phone.page.get_by_role("group", name="Worst pain today").get_by_text("4", exact=True))
    phone.tap(phone.page.get_by_role("button", name="Save check-in"))
    assert DayRecord.objects.filter(user=person, worst_pain=4).exists()
    taps_c = phone.taps

    print(f"taps: attack with usual kratom {taps_a}, 2-hour outcome {taps_b}, evening check-in {taps_c}")
    assert (taps_a, taps_b, taps_c) == (2, 1, 3)


def test_a_dose_puts_amount_and_unit_side_by_side_and_a_factor_keeps_its_unit_full_width(phone):
    person = make_user("kim")
    phone.sign_in(person)

    def box(selector: str) -> dict[str, float]:
        return phone.page.locator(selector).bounding_box()

    phone.open("/treatments/doses/new/")
    amount, unit = box("#id_amount"), box("#id_unit")
    assert abs(amount["y"] - unit["y"]) < 2 and unit["x"] > amount["x"] + amount["width"]
    assert box("#id_product")["y"] > unit["y"] + unit["height"]  # the next field starts below both

    phone.open("/diary/factors/")
    name, unit = box("#id_name"), box("#id_unit")
    assert unit["x"] == name["x"] and unit["width"] == name["width"]  # no empty half beside it
    assert unit["y"] > name["y"] + name["height"]


def test_check_boxes_keep_their_size_and_their_label_beside_them_with_help_below(phone):
    phone.sign_in(make_user("kai"))
    phone.open("/accounts/settings/")
    rows = phone.page.evaluate(
        """() => [...document.querySelectorAll('.field.check')].map(row => {
              const box = row.querySelector('input[type=checkbox]').getBoundingClientRect();
              const label = row.querySelector('label').getBoundingClientRect();
              const help = row.querySelector('.help');
              return {width: box.width, boxTop: box.top, boxBottom: box.bottom, labelLeft: label.left,
                      boxRight: box.right, labelTop: label.top,
                      helpTop: help ? help.getBoundingClientRect().top : null,
                      labelBottom: label.bottom};
           })"""
    )
    assert len(rows) >= 5 and any(r["helpTop"] is not None for r in rows)
    for row in rows:
        assert abs(row["width"] - rows[0]["width"]) < 0.5  # a long label never squeezes its box
        assert row["labelLeft"] > row["boxRight"] and row["labelTop"] < row["boxBottom"]  # beside it
        if row["helpTop"] is not None:
            assert row["helpTop"] >= row["labelBottom"] - 1  # its help under it, not in a column
