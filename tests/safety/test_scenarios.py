"""Realistic diaries, each built from a named source, with what a pharmacist would expect to be warned
about (level and substances) and what must stay quiet. The diaries live in scenarios.yaml."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from relief.safety.engine import check_diary
from relief.safety.kb import load_knowledge
from relief.treatments.models import Substance
from tests.factories import (
    make_attack,
    make_batch,
    make_day,
    make_dose,
    make_lab_report,
    make_medication,
    make_side_effect,
    make_user,
)

SCENARIOS = yaml.safe_load(Path(__file__).with_name("scenarios.yaml").read_text())["scenarios"]
# Every diary is checked at the same local time, as the audit did.
CHECK_AT = "2026-11-30 20:00"
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def ago(ref: dt.datetime, text: str) -> dt.datetime:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([mhd])", str(text))
    assert match, f"write times as 30m, 12h or 3d, not {text!r}"
    return ref - dt.timedelta(**{UNITS[match.group(2)]: float(match.group(1))})


def own_substance(user: Any, spec: dict[str, Any]) -> Substance:
    return Substance.objects.create(
        user=user, name=spec["name"], substance_class=spec.get("class", "other"), default_unit="mg"
    )


def substance_for(user: Any, name: str, custom: dict[str, Substance]) -> Substance:
    return custom.get(name) or Substance.objects.get(key=name)


def build(spec: dict[str, Any]) -> tuple[Any, dt.datetime]:
    profile = {"time_zone": "America/Chicago", **spec.get("profile", {})}
    user = make_user(**profile)
    ref = dt.datetime.fromisoformat(CHECK_AT).replace(tzinfo=ZoneInfo(profile["time_zone"]))
    custom = {s["name"]: own_substance(user, s) for s in spec.get("own_substances", [])}
    batches = {}
    for product in spec.get("products", []):
        from relief.products.models import Product

        item = Product(
            user=user,
            substance=Substance.objects.get(key=product.get("substance", "kratom")),
            name=product["name"],
            vendor="Test vendor",
            form=product.get("form", "leaf_powder"),
        )
        item.full_clean()
        item.save()
        batch = make_batch(
            item, lot=product.get("lot", "LOT-1"), purchase_date=(ref - dt.timedelta(days=20)).date()
        )
        if "lab" in product:
            make_lab_report(batch, test_date=(ref - dt.timedelta(days=40)).date(), **product["lab"])
        batches[product["name"]] = batch
    for med in spec.get("medications", []):
        fields = {"started_on": ago(ref, med.get("started", "200d")).date()}
        if "stopped" in med:
            fields["stopped_on"] = ago(ref, med["stopped"]).date()
        make_medication(user, med["substance"], **fields) if med[
            "substance"
        ] not in custom else make_medication_own(user, custom[med["substance"]], fields)
    for dose in spec.get("doses", []):
        add_dose(user, custom, batches, dose, ago(ref, dose["ago"]))
    for pattern in spec.get("patterns", []):
        for day in pattern_days(ref, pattern):
            add_dose(user, custom, batches, pattern, day)
    for pattern in spec.get("attack_patterns", []):
        for day in pattern_days(ref, pattern):
            make_attack(user, started_at=day - dt.timedelta(hours=4), ended_at=day - dt.timedelta(hours=1))
    for record in spec.get("day_records", []):
        make_day(
            user, ago(ref, record["ago"]).astimezone(ref.tzinfo).date(), alcohol_units=record["alcohol_units"]
        )
    for effect in spec.get("side_effects", []):
        make_side_effect(user, effect["symptom"], occurred_at=ago(ref, effect["ago"]), severity="severe")
    return user, ref


def make_medication_own(user: Any, substance: Substance, fields: dict[str, Any]) -> Any:
    from relief.treatments.models import StandingMedication

    med = StandingMedication(user=user, substance=substance, **fields)
    med.full_clean()
    med.save()
    return med


def add_dose(
    user: Any, custom: dict[str, Substance], batches: dict[str, Any], spec: dict[str, Any], when: dt.datetime
) -> None:
    fields: dict[str, Any] = {"taken_at": when, "reason": spec.get("reason", "acute")}
    if "product" in spec:
        fields["batch"] = batches[spec["product"]]
        fields["product"] = fields["batch"].product
    amount = spec.get("amount")
    name = spec["substance"]
    if name in custom:
        from relief.treatments.models import Dose

        dose = Dose(
            user=user,
            substance=custom[name],
            amount=amount,
            unit=spec.get("unit", "") if amount else "",
            **fields,
        )
        dose.full_clean()
        dose.save()
        return
    make_dose(user, name, amount=amount, unit=spec.get("unit", "g"), **fields)


def pattern_days(ref: dt.datetime, pattern: dict[str, Any]) -> list[dt.datetime]:
    """Noon on the last ``days`` days of each of ``windows`` 30-day windows ending on the check day."""
    noon = ref.replace(hour=12, minute=0)
    days = []
    for window in range(pattern.get("windows", 1)):
        for i in range(pattern["days"]):
            days.append(noon - dt.timedelta(days=30 * window + i + pattern.get("offset", 0)))
    return days


def matches(alert: Any, want: dict[str, Any]) -> bool:
    if "level" in want and alert.level != want["level"]:
        return False
    if "rule" in want and alert.rule != want["rule"]:
        return False
    if "key" in want and not alert.key.startswith(want["key"]):
        return False
    text = " ".join([alert.title, alert.message, *alert.actions]).casefold()
    if "says" in want and not all(w.casefold() in text for w in want["says"]):
        return False
    return all(name.casefold() in alert.title.casefold() for name in want.get("names", []))


def describe(alerts: list[Any]) -> str:
    return "\n".join(f"  {a.level:9} {a.rule:12} {a.key} | {a.title}" for a in alerts)


def test_there_are_at_least_sixty_scenarios_each_naming_a_known_source():
    known = load_knowledge().sources
    assert len(SCENARIOS) >= 60
    assert len({s["id"] for s in SCENARIOS}) == len(SCENARIOS)
    for scenario in SCENARIOS:
        assert scenario["sources"], scenario["id"]
        assert set(scenario["sources"]) <= set(known), scenario["id"]
        assert scenario.get("expect") or scenario.get("quiet"), scenario["id"]


def test_the_scenarios_cover_every_interaction_washout_overuse_limit_legal_change_and_red_flag():
    kb = load_knowledge()
    text = Path(__file__).with_name("scenarios.yaml").read_text()
    for kind in ("drug_interactions", "washout"):
        for entry in kb.of(kind):
            assert f"covers: {kind}:{entry.key}" in text or f"{kind}:{entry.key}" in text, entry.key
    for entry in kb.of("red_flags"):
        assert f"symptom: {entry['symptom']}" in text, entry.key
    for entry in kb.of("overuse"):
        assert f"overuse:{entry.key}" in text, entry.key


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_scenario(scenario):
    user, ref = build(scenario)
    alerts = check_diary(user, ref)
    for want in scenario.get("expect", []):
        assert any(matches(a, want) for a in alerts), f"expected {want} in:\n{describe(alerts)}"
    for unwanted in scenario.get("quiet", []):
        found = [a for a in alerts if matches(a, unwanted)]
        assert not found, f"expected nothing like {unwanted}, got:\n{describe(found)}"
