"""Offline at phone size: taps are kept on the phone, survive a reload, and reach the server once each."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relief.diary.models import Attack, PainSample
from relief.offline.models import SyncedWrite
from relief.treatments.models import Dose
from tests.factories import ago, make_attack, make_dose, make_product, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USUAL = "Kratom 3 g · Red Bali powder"


def person_with_a_usual_dose():
    person = make_user("sam", time_zone="Europe/Berlin")
    product = make_product(person, "Red Bali powder")
    for days in (1, 3, 6):
        make_dose(
            person, amount=3, unit="g", product=product, taken_at=ago(days=days), reason=Dose.Reason.CHRONIC
        )
    return person


def controlled_by_the_service_worker(session, path: str) -> None:
    """Open ``path``, wait until the worker has installed the app shell, and reload so it controls the page."""
    session.open(path)
    session.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    session.page.reload()
    session.page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def waiting_banner(session, count: int):
    entries = "entry" if count == 1 else "entries"
    return session.page.get_by_text(f"Saved on this phone, {count} {entries} waiting to send.")


def log_an_attack_offline(session) -> None:
    session.tap(session.page.get_by_role("button", name="Now"))
    session.page.get_by_text("(on this phone)").first.wait_for()
    session.tap(session.page.get_by_role("button", name="Pain 5 of 10"))
    session.page.get_by_text("pain 5 at").wait_for()
    session.tap(session.page.get_by_role("button", name=USUAL))
    expect(waiting_banner(session, 3)).to_be_visible()
    expect(session.page.get_by_text("Safety checks wait for the connection").first).to_be_visible()


def assert_held_once_with_the_tap_times(person, before, after) -> None:
    attack = Attack.objects.get(user=person)
    assert before <= attack.started_at <= after
    (sample,) = PainSample.objects.filter(attack=attack)
    assert sample.nrs == 5 and before <= sample.at <= after
    (dose,) = Dose.objects.filter(user=person, attack=attack)
    assert (dose.amount, dose.unit, dose.reason) == (3, "g", "acute")
    assert before <= dose.taken_at <= after
    assert SyncedWrite.objects.filter(user=person).count() == 3


def test_an_attack_logged_offline_survives_a_reload_and_reaches_the_server_once_with_the_tap_times(phone):
    person = person_with_a_usual_dose()
    phone.sign_in(person)
    controlled_by_the_service_worker(phone, "/diary/attack/")

    phone.context.set_offline(True)
    before = timezone.now()
    log_an_attack_offline(phone)
    after = timezone.now()
    phone.screenshot("attack-mode-offline-phone")
    assert Attack.objects.filter(user=person).count() == 0

    phone.page.reload()  # still offline: the page and the queue come from the phone
    expect(waiting_banner(phone, 3)).to_be_visible()
    expect(phone.page.get_by_text("pain 5 at")).to_be_visible()
    phone.page.wait_for_timeout(1500)  # so that the time of sending differs from the taps

    phone.context.set_offline(False)
    phone.page.wait_for_url("**/diary/attack/*-*/")
    expect(phone.page.get_by_text("pain 5 at")).to_be_visible()

    assert_held_once_with_the_tap_times(person, before, after)
    phone.page.reload()
    assert Attack.objects.filter(user=person).count() == 1
    assert phone.serious_accessibility_problems() == []


def test_a_sync_the_server_answers_with_500_is_retried_and_still_saves_once(phone):
    person = person_with_a_usual_dose()
    phone.sign_in(person)
    controlled_by_the_service_worker(phone, "/diary/attack/")
    attempts: list[int] = []

    def fail_the_first(route):
        attempts.append(1)
        if len(attempts) == 1:
            route.fulfill(status=500, body="busy")
        else:
            route.continue_()

    phone.page.route("**/offline/sync/", fail_the_first)
    phone.context.set_offline(True)
    before = timezone.now()
    log_an_attack_offline(phone)
    after = timezone.now()

    phone.context.set_offline(False)
    phone.page.wait_for_url("**/diary/attack/*-*/", timeout=30000)

    assert len(attempts) >= 2
    assert_held_once_with_the_tap_times(person, before, after)


def test_an_entry_the_server_refuses_stays_visible_with_its_error_and_can_be_fixed(phone):
    person = person_with_a_usual_dose()
    phone.sign_in(person)
    controlled_by_the_service_worker(phone, "/treatments/doses/new/")

    phone.context.set_offline(True)
    phone.page.reload()
    phone.page.get_by_label("Amount", exact=True).fill("-3")
    phone.tap(phone.page.get_by_role("button", name="Save dose"))
    expect(waiting_banner(phone, 1)).to_be_visible()

    phone.context.set_offline(False)
    refused = phone.page.get_by_role("alert").filter(has_text="Not saved")
    expect(refused).to_contain_text("amount")
    assert Dose.objects.filter(user=person).count() == 3  # only the three from before
    phone.page.reload()
    expect(phone.page.get_by_role("alert").filter(has_text="Not saved")).to_contain_text("amount")

    phone.tap(phone.page.get_by_role("link", name="Fix it"))
    expect(phone.page.get_by_label("Amount", exact=True)).to_have_value("-3")
    phone.page.get_by_label("Amount", exact=True).fill("2.5")
    phone.tap(phone.page.get_by_role("button", name="Save dose"))
    phone.page.wait_for_url("**/")
    expect(phone.page.get_by_text("Not saved")).to_have_count(0)
    assert Dose.objects.filter(user=person, amount=2.5).count() == 1


def test_a_tap_the_server_fails_with_500_while_online_is_kept_and_sent_through_the_queue(phone, monkeypatch):
    import relief.diary.views.attacks as attack_pages

    person = person_with_a_usual_dose()
    attack = make_attack(person, started_at=ago(minutes=20))
    phone.sign_in(person)
    controlled_by_the_service_worker(phone, f"/diary/attack/{attack.pk}/")

    def broken(*args, **kwargs):
        raise RuntimeError("the page's own save broke")

    monkeypatch.setattr(
        attack_pages, "add_pain", broken
    )  # the sync endpoint saves through the service itself
    before = timezone.now()
    phone.tap(phone.page.get_by_role("button", name="Pain 7 of 10"))
    after = timezone.now()

    phone.page.get_by_text("pain 7 at").wait_for()
    expect(phone.page.get_by_text("(on this phone)")).to_have_count(0, timeout=15000)
    (sample,) = PainSample.objects.filter(attack=attack)
    assert sample.nrs == 7 and before <= sample.at <= after


def test_a_form_post_the_server_fails_with_500_comes_back_queued_and_is_sent(phone, monkeypatch):
    import relief.treatments.views as dose_pages

    person = person_with_a_usual_dose()
    phone.sign_in(person)
    controlled_by_the_service_worker(phone, "/treatments/doses/new/")

    def broken(*args, **kwargs):
        raise RuntimeError("the page's own save broke")

    monkeypatch.setattr(dose_pages, "log_dose", broken)
    phone.page.get_by_label("Amount", exact=True).fill("2.5")
    before = timezone.now()
    phone.tap(phone.page.get_by_role("button", name="Save dose"))
    after = timezone.now()

    expect(phone.page.get_by_text("Sent 1 entry from this phone.")).to_be_visible(timeout=15000)
    dose = Dose.objects.get(user=person, amount=2.5)
    assert before.replace(microsecond=0) <= dose.taken_at <= after  # the tap, not the page's default time
