"""The warning before the dose, in a real browser at phone size: choosing a substance that would make a
dangerous pair shows the warning under the form before anything is saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from relief.treatments.models import Dose
from tests.factories import make_medication, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_sumatriptan_on_phenelzine_warns_before_saving_on_a_phone(phone):
    person = make_user("ash", time_zone="America/Chicago")
    make_medication(person, "phenelzine")
    phone.sign_in(person)
    phone.open("/treatments/doses/new/")

    phone.page.get_by_label("Substance", exact=True).select_option(label="Sumatriptan")
    phone.page.get_by_label("Amount", exact=True).fill("50")
    phone.page.get_by_label("Unit", exact=True).fill("mg")
    phone.page.get_by_label("Unit", exact=True).blur()

    preview = phone.page.locator("#dose-preview")
    expect(preview.get_by_text("Do not combine: Sumatriptan and Phenelzine")).to_be_visible()
    expect(preview.get_by_text("Nothing has been saved yet")).to_be_visible()
    expect(preview.get_by_text("call your local emergency number", exact=False).first).to_be_visible()
    phone.screenshot("pre-dose-warning-phone")
    assert Dose.objects.filter(user=person).count() == 0
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert phone.serious_accessibility_problems() == []

    phone.page.get_by_label("Substance", exact=True).select_option(label="Paracetamol (acetaminophen)")
    expect(preview.get_by_text("No safety note for Paracetamol")).to_be_visible()
