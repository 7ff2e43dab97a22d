"""The warning before the dose: what would fire for a dose not yet saved, in the engine, the dose form,
attack mode, the API and the CLI; and the alert after saving carries the safety page's full text."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.urls import reverse

from relief.cli import cli
from relief.safety.engine import check_entry
from relief.safety.preview import PREVIEW_ID, parse_dose_text, preview_dose
from relief.treatments.models import Dose
from tests.access.people import api_client, logged_in
from tests.factories import (
    ago,
    make_attack,
    make_day,
    make_dose,
    make_medication,
    make_product,
    make_user,
    substance,
)

pytestmark = pytest.mark.django_db


def interaction_levels(alerts):
    return {a.level for a in alerts if a.rule == "interaction"}


def test_a_triptan_on_a_standing_maoi_is_warned_before_anything_is_saved():
    user = make_user()
    make_medication(user, "phenelzine")

    alerts = preview_dose(user, substance("sumatriptan"), amount=50, unit="mg")

    (alert,) = [a for a in alerts if a.rule == "interaction"]
    assert alert.level == "dangerous" and alert.title.startswith("Do not combine: Sumatriptan and Phenelzine")
    assert PREVIEW_ID in alert.entry_ids
    assert Dose.objects.filter(user=user).count() == 0


def test_the_preview_and_the_saved_dose_raise_the_same_alerts():
    user = make_user()
    make_dose(user, "oxycodone", amount=5, unit="mg", taken_at=ago(hours=3))
    before = preview_dose(user, substance("alprazolam"), amount=0.5, unit="mg", taken_at=ago(minutes=5))
    saved = make_dose(user, "alprazolam", amount=0.5, unit="mg", taken_at=ago(minutes=5))
    after = check_entry(saved)
    assert [(a.rule, a.level, a.title) for a in before] == [(a.rule, a.level, a.title) for a in after]


def test_a_dose_far_from_the_other_is_quiet_in_the_preview():
    user = make_user()
    make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=30))
    assert interaction_levels(preview_dose(user, substance("rizatriptan"), amount=10, unit="mg")) == set()
    assert interaction_levels(
        preview_dose(user, substance("rizatriptan"), amount=10, unit="mg", taken_at=ago(hours=20))
    ) == {"dangerous"}


def test_dose_text_is_read_as_name_amount_and_unit():
    assert parse_dose_text("sumatriptan 50 mg") == ("sumatriptan", 50.0, "mg")
    assert parse_dose_text("kratom 3g") == ("kratom", 3.0, "g")
    assert parse_dose_text("St John's wort") == ("St John's wort", None, "")


# ---- API -----------------------------------------------------------------------------------------


def check(client, body):
    return client.post("/api/doses/check", data=json.dumps(body), content_type="application/json")


def test_the_api_checks_a_dose_by_name_and_saves_nothing():
    owner = make_user()
    make_dose(owner, "oxycodone", amount=5, unit="mg", taken_at=ago(hours=2))

    response = check(api_client(owner), {"substance": "Xanax", "amount": 0.5, "unit": "mg"})

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] is False and data["notice"]
    (alert,) = [a for a in data["alerts"] if a["rule"] == "interaction"]
    assert alert["level"] == "dangerous" and alert["needs_acknowledgement"]
    assert any("naloxone" in action for action in alert["actions"])
    assert Dose.objects.filter(user=owner).count() == 1


def test_the_api_refuses_another_persons_substance_and_an_empty_request():
    owner, stranger = make_user(), make_user()
    from relief.treatments.models import Substance

    theirs = Substance.objects.create(user=stranger, name="Secret tincture", substance_class="other")
    assert check(api_client(owner), {"substance_id": str(theirs.id)}).status_code == 404
    assert check(api_client(owner), {}).status_code == 422


def test_the_dose_check_is_documented_in_openapi():
    owner = make_user()
    schema = api_client(owner).get("/api/openapi.json").json()
    operation = schema["paths"]["/api/doses/check"]["post"]
    assert "Nothing is saved" in operation["description"]


# ---- CLI -----------------------------------------------------------------------------------------


def test_relief_check_dose_prints_the_warning_before_the_dose():
    user = make_user("precheck")
    make_medication(user, "phenelzine")
    result = CliRunner().invoke(
        cli, ["--user", "precheck", "check", "--dose", "sumatriptan 50 mg"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "Before you take Sumatriptan 50 mg (nothing has been saved)" in result.output
    assert "[DANGEROUS] Do not combine: Sumatriptan and Phenelzine" in result.output
    assert Dose.objects.filter(user=user).count() == 0


def test_relief_check_dose_at_a_time_and_as_json():
    user = make_user("prejson", time_zone="UTC")
    make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=40))
    at = (ago(hours=30)).strftime("%Y-%m-%d %H:%M")
    result = CliRunner().invoke(
        cli,
        ["--user", "prejson", "check", "--dose", "rizatriptan 10 mg", "--at", at, "--json"],
        catch_exceptions=False,
    )
    data = json.loads(result.stdout)
    assert data["saved"] is False and data["substance"] == "Rizatriptan"
    assert [a["level"] for a in data["alerts"] if a["rule"] == "interaction"] == ["dangerous"]


def test_an_unknown_name_is_a_clear_error():
    make_user("unknownname")
    result = CliRunner().invoke(cli, ["--user", "unknownname", "check", "--dose", "zzzx 5 mg"])
    assert result.exit_code == 1 and "is not in the catalogue" in result.output


# ---- web -----------------------------------------------------------------------------------------


def test_the_dose_form_asks_for_a_preview_and_the_preview_shows_the_warning():
    owner = make_user()
    make_medication(owner, "phenelzine")
    client = logged_in(owner)
    form = client.get(reverse("treatments:dose_new")).content.decode()
    assert reverse("safety:preview") in form and 'hx-include="#dose-form"' in form

    page = client.post(
        reverse("safety:preview"),
        {"substance": substance("sumatriptan").pk, "amount": "50", "unit": "mg"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert "Before you take Sumatriptan" in page and "Do not combine: Sumatriptan and Phenelzine" in page
    assert "Nothing has been saved yet" in page
    assert Dose.objects.filter(user=owner).count() == 0


def test_the_preview_is_quiet_without_a_substance_and_needs_a_login():
    owner = make_user()
    assert "Before you take" not in logged_in(owner).post(reverse("safety:preview"), {}).content.decode()
    from django.test import Client

    assert Client().post(reverse("safety:preview"), {}).status_code in (302, 403)


def test_another_persons_product_is_not_used_in_the_preview():
    owner, stranger = make_user(), make_user()
    theirs = make_product(stranger)
    page = logged_in(owner).post(
        reverse("safety:preview"), {"substance": substance("kratom").pk, "product": theirs.pk}
    )
    assert page.status_code == 200 and theirs.name not in page.content.decode()


def test_attack_mode_warns_before_the_one_tap_usual_dose():
    owner = make_user()
    make_medication(owner, "phenelzine")
    for hours in (200, 150, 100):
        make_dose(owner, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=hours))
    attack = make_attack(owner, started_at=ago(minutes=30))
    page = logged_in(owner).get(reverse("diary:attack", args=[attack.pk])).content.decode()
    assert "Before Sumatriptan" in page and "Do not combine: Sumatriptan and Phenelzine" in page


def test_the_alert_after_saving_carries_the_full_text_with_the_emergency_advice():
    owner = make_user()
    make_dose(owner, "oxycodone", amount=5, unit="mg", taken_at=ago(hours=2))
    client = logged_in(owner)
    response = client.post(
        reverse("treatments:dose_new"),
        {
            "substance": substance("alprazolam").pk,
            "amount": "0.5",
            "unit": "mg",
            "taken_at": ago(minutes=1).strftime("%Y-%m-%dT%H:%M"),
            "reason": "other",
            "route": "oral",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Dangerous combination (boxed warning): Oxycodone and Alprazolam" in page
    assert "Call your local emergency number" in page and "naloxone" in page
    assert "I understand" in page and "Based on:" in page


def test_a_note_already_seen_is_folded_into_one_line_but_a_dangerous_alert_never_is():
    owner = make_user(country="US", region="US-AL")
    client = logged_in(owner)
    for minutes in (60, 30):
        page = client.post(
            reverse("treatments:dose_new"),
            {
                "substance": substance("kratom").pk,
                "amount": "2",
                "unit": "g",
                "taken_at": ago(minutes=minutes).strftime("%Y-%m-%dT%H:%M"),
                "reason": "other",
                "route": "oral",
            },
            follow=True,
        ).content.decode()
    assert "you have already seen" in page
    assert "Legal notice: Alabama bans kratom" in page.split("you have already seen")[1]


def test_a_reader_with_a_share_previews_only_against_their_own_diary():
    from tests.access.people import share_with

    owner, reader = make_user(), make_user()
    make_medication(owner, "phenelzine")
    share_with(owner, reader)
    page = logged_in(reader).post(
        reverse("safety:preview"), {"substance": substance("sumatriptan").pk, "amount": "50", "unit": "mg"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Phenelzine" not in text and "No safety note for Sumatriptan" in text
    assert Dose.objects.count() == 0


# ---- wording: a dose not yet taken is never described as taken ------------------------------------

PAST_TENSE_ABOUT_THE_NEW_DOSE = (
    "You took kratom",
    "You logged",
    "You have taken",
    "Your last kratom dose was",
)


def about_the_unsaved_dose(alerts):
    return [a for a in alerts if PREVIEW_ID in a.entry_ids]


def test_a_previewed_kratom_dose_is_described_as_one_that_would_be_taken():
    import time_machine
    from django.utils import timezone

    # mid-afternoon, so that "three doses today already" (5, 4 and 3 hours ago) are all today
    with time_machine.travel(timezone.localtime().replace(hour=15, minute=0), tick=False):
        _previewed_kratom_dose_is_described_as_one_that_would_be_taken()


def _previewed_kratom_dose_is_described_as_one_that_would_be_taken():
    from django.utils import timezone

    user = make_user(drives=True)
    make_medication(user, "sertraline")
    for back in range(1, 16):  # daily kratom for two weeks: overuse, frequency and days in a row
        make_dose(user, "kratom", amount=2, unit="g", taken_at=ago(days=back))
    for hours in (5, 4, 3):  # three doses today already: the fourth is one too many for a day
        make_dose(user, "kratom", amount=2, unit="g", taken_at=ago(hours=hours))
    make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=2))
    make_day(user, timezone.localdate(), alcohol_units=3)

    alerts = about_the_unsaved_dose(preview_dose(user, substance("kratom"), amount=2, unit="g"))

    rules = {a.key.split(":")[0] + ":" + a.key.split(":")[1] for a in alerts}
    assert {
        "overuse:kratom",
        "frequency:consecutive_days",
        "special:driving",
    } <= rules
    assert any(a.rule == "interaction" and "medication" in a.key for a in alerts)
    assert any(a.key.startswith("frequency:doses_per_day") for a in alerts)
    for alert in alerts:
        assert not any(phrase in alert.message for phrase in PAST_TENSE_ABOUT_THE_NEW_DOSE), alert.message
        if alert.rule in ("frequency", "overuse", "interaction", "special"):  # these count what was taken
            assert "would" in alert.message or "about to" in alert.message, alert.message
    assert "0 hours ago" not in " ".join(a.message for a in alerts)


def test_the_saved_dose_is_then_described_in_the_past():
    user = make_user(drives=True)
    for back in range(1, 16):
        make_dose(user, "kratom", amount=2, unit="g", taken_at=ago(days=back))
    saved = make_dose(user, "kratom", amount=2, unit="g", taken_at=ago(minutes=1))

    messages = " ".join(a.message for a in check_entry(saved))

    assert "You have taken kratom on 16 days in a row" in messages
    assert "would" not in messages


def test_a_previewed_triptan_near_kratom_is_taking_not_took():
    user = make_user()
    make_dose(user, "kratom", amount=2, unit="g", taken_at=ago(hours=20))

    (alert,) = [
        a
        for a in preview_dose(user, substance("sumatriptan"), amount=50, unit="mg")
        if a.rule == "interaction"
    ]

    assert alert.message.startswith("Taking Sumatriptan at ")
    assert "would put it within 48 hours of kratom, taken once" in alert.message


def test_kratom_previewed_after_a_triptan_says_it_would_be_taken():
    user = make_user()
    make_dose(user, "sumatriptan", amount=50, unit="mg", taken_at=ago(hours=3))

    alerts = [
        a for a in preview_dose(user, substance("kratom"), amount=2, unit="g") if a.rule == "interaction"
    ]

    assert alerts and all("You took kratom" not in a.message for a in alerts)
    assert any("with this dose, kratom would be taken once" in a.message for a in alerts)


def test_a_first_kratom_dose_on_a_standing_medicine_is_called_the_first():
    user = make_user()
    make_medication(user, "amitriptyline")

    (alert,) = [
        a for a in preview_dose(user, substance("kratom"), amount=2, unit="g") if a.rule == "interaction"
    ]

    assert (
        "You take Amitriptyline regularly, and this kratom dose would be the first while on it."
        in alert.message
    )
