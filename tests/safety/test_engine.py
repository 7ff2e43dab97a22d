"""The engine as the rest of the app uses it: after saves, with settings, and documented."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from relief.safety import engine
from relief.safety.alerts import Alert, first_sentence
from relief.safety.config import SafetyConfig
from relief.safety.engine import check_diary, check_entry
from relief.safety.kb import ENTRY_KINDS
from tests.factories import ago, make_attack, make_day, make_dose, make_user, substance

DOCS = Path(__file__).resolve().parents[2] / "docs" / "safety.md"


@pytest.mark.django_db
def test_saving_a_dose_through_the_service_returns_the_alerts_and_keeps_the_dose():
    from relief.treatments.models import Dose
    from relief.treatments.services import log_dose

    user = make_user()
    make_dose(user, "alprazolam", amount=1, unit="mg", taken_at=ago(hours=2))
    saved = log_dose(user, substance=substance("kratom"), amount=3, unit="g", taken_at=ago(minutes=10))
    assert Dose.objects.filter(pk=saved.entry.pk).exists()
    assert any(isinstance(a, Alert) and a.level == "dangerous" for a in saved.alerts)


@pytest.mark.django_db
def test_a_red_flag_through_the_side_effect_service_asks_for_acknowledgement():
    from relief.diary.services import log_side_effect

    user = make_user()
    saved = log_side_effect(user, symptom="slow_breathing", occurred_at=ago(minutes=5))
    assert [a.needs_acknowledgement for a in saved.alerts] == [True]


@pytest.mark.django_db
def test_an_attack_raises_no_alert_of_its_own():
    assert check_entry(make_attack(make_user())) == []


@pytest.mark.django_db
def test_alcohol_logged_on_the_day_record_after_a_kratom_dose_is_checked_when_the_day_is_saved():
    user = make_user()
    dose = make_dose(user, "kratom", taken_at=ago(hours=1))
    record = make_day(user, dose.taken_at.date(), alcohol_units=2)
    (alert,) = [a for a in check_entry(record) if a.rule == "interaction"]
    assert alert.level == "dangerous"
    assert make_day(user, dose.taken_at.date() - dt.timedelta(days=3), stress=4) is not None


@pytest.mark.django_db
def test_thresholds_can_be_changed_in_the_settings(settings):
    settings.RELIEF_SAFETY = {"consecutive_days": 3}
    user = make_user()
    for n in range(1, 4):
        make_dose(user, "kratom", taken_at=ago(days=n))
    assert any(a.key == "frequency:consecutive_days" for a in check_diary(user))


def test_an_unknown_setting_is_refused(settings):
    settings.RELIEF_SAFETY = {"consecutive_dayz": 3}
    with pytest.raises(ValueError, match="consecutive_dayz"):
        SafetyConfig.from_settings()


def test_alert_as_dict_is_plain_json_with_sources_and_dates():
    import json

    from relief.safety.alerts import Evidence, from_entries
    from relief.safety.kb import load_knowledge

    entry = load_knowledge().get("interactions", "kratom+opioid")
    alert = from_entries(
        [entry], key="k", rule="interaction", level="dangerous", title="t", message="m.", actions=["a"],
        evidence=[Evidence("dose", "1", "x")],
    )  # fmt: skip
    data = json.loads(json.dumps(alert.as_dict()))
    assert data["needs_acknowledgement"] is True
    assert data["as_of"] == "2026-11-21"
    assert all(s["title"] for s in data["sources"])


def test_an_alert_level_outside_the_list_is_refused():
    with pytest.raises(ValueError, match="level"):
        Alert(key="k", rule="r", level="severe", title="t", message="m", actions=(), evidence=(), sources=())


def test_the_safety_docs_name_every_setting_and_knowledge_file():
    text = DOCS.read_text()
    for field in dataclasses.fields(SafetyConfig):
        assert f"`{field.name}`" in text, field.name
    for kind in ENTRY_KINDS:
        assert f"`{kind}.yaml`" in text, kind
    assert "not medical advice" in text


def test_the_public_api_keeps_its_names():
    assert callable(engine.check_entry) and callable(engine.check_diary)
    from relief.safety.kb import load_knowledge

    assert load_knowledge() is load_knowledge()


@pytest.mark.parametrize(
    ("message", "gist"),
    [
        (
            "There is no lab report for lot WB-033. Utah requires one.",
            "There is no lab report for lot WB-033.",
        ),
        (
            "Mitragynine is in Schedule I (Wis. Stat. 961.14 (7) (mk), 2014). Bills were introduced.",
            "Mitragynine is in Schedule I (Wis. Stat. 961.14 (7) (mk), 2014).",
        ),
        (
            "The daily amount rose from about 3.75 g to 5.38 g. This can be a sign.",
            "The daily amount rose from about 3.75 g to 5.38 g.",
        ),
        ("One sentence without a full stop", "One sentence without a full stop"),
    ],
)
def test_an_alerts_gist_is_its_first_sentence_whatever_the_abbreviations_and_decimals(message, gist):
    assert first_sentence(message) == gist
