"""Offline at phone size, the pre-dose information checked while online is shown next to the substance,
dated and labelled as possibly out of date; it belongs to the signed-in person only."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relief.offline.predose import checked_on
from relief.treatments.models import Dose
from tests.browser.test_offline import controlled_by_the_service_worker
from tests.factories import ago, make_dose, make_medication, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WARNING = "Do not combine: Sumatriptan and Phenelzine (dangerous)"
KEPT = """async (person) => {
  for (let i = 0; i < 100; i += 1) {
    const info = await window.ReliefQueue.preDose(person);
    if (info) { return info.checked_on; }
    await new Promise((done) => setTimeout(done, 100));
  }
  return null;
}"""
RAW = """() => new Promise((done) => {
  const open = indexedDB.open("relief-offline");
  open.onsuccess = () => {
    const get = open.result.transaction("meta").objectStore("meta").get("pre-dose");
    get.onsuccess = () => done(get.result ? String(get.result.person) : null);
  };
})"""


def person_on_phenelzine_with_a_usual_sumatriptan(name: str = "ash"):
    person = make_user(name, time_zone="America/Chicago")
    make_medication(person, "phenelzine")
    for days in (2, 5):
        make_dose(
            person, "sumatriptan", amount=50, unit="mg", taken_at=ago(days=days), reason=Dose.Reason.ACUTE
        )
    return person


def kept_on_the_phone(session, person) -> str:
    checked = session.page.evaluate(KEPT, str(person.pk))
    assert checked, "the pre-dose information was never kept on the phone"
    return checked


def test_offline_attack_mode_shows_the_warning_checked_online_with_its_date(phone):
    person = person_on_phenelzine_with_a_usual_sumatriptan()
    phone.sign_in(person)
    before = checked_on(timezone.now(), person)
    controlled_by_the_service_worker(phone, "/diary/attack/")
    checked = kept_on_the_phone(phone, person)
    day = before.split(",")[0]
    assert checked.startswith(day)  # the date in the person's own zone

    phone.context.set_offline(True)
    # read again once offline: a later online page load may have refreshed it in the meantime
    # (a minute later, the time differs), and nothing can refresh it now
    checked = kept_on_the_phone(phone, person)
    phone.open("/offline/attack/")
    kept = phone.page.locator("[data-offline-pre-dose]")
    expect(kept).to_contain_text(f"Checked on {checked} while online: {WARNING}")
    expect(kept).to_contain_text("it may be out of date")
    expect(kept).to_contain_text("the full check runs when the entry reaches the server")

    phone.tap(phone.page.get_by_role("button", name="Now"))
    panel = phone.page.locator("#attack-panel")
    expect(panel.get_by_text("(on this phone)").first).to_be_visible()
    in_panel = panel.locator("[data-offline-pre-dose]")
    expect(in_panel).to_contain_text("Sumatriptan 50 mg")
    expect(in_panel).to_contain_text(f"Checked on {checked} while online: {WARNING}")
    expect(panel.get_by_role("button", name="Sumatriptan 50 mg")).to_be_visible()
    phone.screenshot("attack-mode-offline-pre-dose-phone")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.serious_accessibility_problems() == []

    phone.page.reload()  # still offline: the attack, its panel and the kept warning come from the phone
    expect(phone.page.locator("#attack-panel [data-offline-pre-dose]")).to_contain_text(WARNING)


def test_the_offline_dose_form_shows_the_kept_warning_for_the_chosen_substance(phone):
    person = person_on_phenelzine_with_a_usual_sumatriptan()
    phone.sign_in(person)
    controlled_by_the_service_worker(phone, "/treatments/doses/new/")
    kept_on_the_phone(phone, person)

    phone.context.set_offline(True)
    checked = kept_on_the_phone(phone, person)  # as it stands once nothing can refresh it
    phone.page.reload()
    phone.page.get_by_label("Substance", exact=True).select_option(label="Sumatriptan")
    kept = phone.page.locator("#dose-form [data-offline-pre-dose]")
    expect(kept).to_contain_text(f"Checked on {checked} while online: {WARNING}")
    expect(kept).to_contain_text("Safety checks wait for the connection")

    phone.page.get_by_label("Substance", exact=True).select_option(label="Paracetamol (acetaminophen)")
    expect(kept).to_contain_text("No information about this substance was kept on this phone")
    expect(kept).not_to_contain_text("Phenelzine")


def test_signing_out_or_another_person_signing_in_drops_the_kept_information(phone):
    ash = person_on_phenelzine_with_a_usual_sumatriptan("ash")
    phone.sign_in(ash)
    phone.open("/diary/attack/")
    kept_on_the_phone(phone, ash)

    phone.tap(phone.page.get_by_role("button", name=re.compile("^Sign out")))
    phone.page.wait_for_timeout(500)
    assert phone.page.evaluate(RAW) is None

    phone.sign_in(ash)
    phone.open("/diary/attack/")
    kept_on_the_phone(phone, ash)
    lee = make_user("lee")
    phone.sign_in(lee)  # the next visit is lee's
    phone.open("/")
    kept_on_the_phone(phone, lee)  # lee's own (empty) information replaced ash's
    assert phone.page.evaluate(RAW) == str(lee.pk)
    expect(phone.page.get_by_text("Phenelzine")).to_have_count(0)
