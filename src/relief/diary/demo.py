"""Fill a realistic demo diary from the analysis library's seeded simulator.

The simulator plants known trigger and treatment effects, so the analysis of
the demo has something real to find; this module only turns its frames into
database rows, through the same model validation as any other entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.db import transaction

from relief.accounts.services import checkin_day_for, create_account, get_profile
from relief.analysis.frames import DAY_COLUMNS
from relief.analysis.simulate import SimConfig, simulate_diary
from relief.core.timeutil import make_aware_local
from relief.diary.models import (
    Attack,
    DayFactor,
    DayRecord,
    FactorTag,
    PainSample,
    QuestionnaireResponse,
    SideEffect,
)
from relief.insights.versions import bump
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import Dose, DoseOutcome, StandingMedication, Substance

DEMO_TIME_ZONE = "America/Chicago"
DAY_FIELDS = DAY_COLUMNS[2:]  # every day-record field the analysis reads (after date and "recorded")
INT_FIELDS = {
    "worst_pain",
    "function",
    "sleep_quality",
    "stress",
    "mood",
    "exercise_min",
    "menstrual_bleeding",
    "skipped_meals",
}
SUBSTANCE_KEYS = {
    "Kratom": "kratom",
    "Sumatriptan": "sumatriptan",
    "Ibuprofen": "ibuprofen",
    "Dark room rest": "dark-room-rest",
    "Magnesium": "magnesium",
}
FORMS = {"powder": Product.Form.LEAF_POWDER, "capsules": Product.Form.CAPSULE}


@dataclass
class DemoSummary:
    user: str
    days: int
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"user": self.user, "days": self.days, "created": self.counts}


def _value(v: Any) -> Any:
    if v is None or (not isinstance(v, list | tuple) and pd.isna(v)):  # None, NaN, NA and NaT alike
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if hasattr(v, "item") else v


def _uuid(text: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return uuid.uuid4()


def _checked(objects: list[Any]) -> list[Any]:
    for obj in objects:
        obj.full_clean(validate_unique=False)
    return objects


@transaction.atomic
def create_demo(
    username: str = "demo",
    *,
    days: int = 365,
    seed: int = 1,
    end: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Create an account with ``days`` days of simulated diary ending yesterday; ``progress`` hears each step.

    Yesterday is the demo person's own: the day before the one a check-in made now would be for, in
    their time zone. (The server's date ran a day ahead of theirs for six hours each evening, and
    the diary's last day then held entries still in the future; and between midnight and their "my
    day ends at" the evening's check-in was already filled in.)
    """
    say = progress or (lambda text: None)
    say(f"Simulating {days} days of headaches, doses and check-ins")
    user = create_account(username, password=None, time_zone=DEMO_TIME_ZONE)
    end = end or (checkin_day_for(user) - timedelta(days=1))
    start = end - timedelta(days=days - 1)
    sim = simulate_diary(days=days, seed=seed, start=start, config=SimConfig(time_zone=DEMO_TIME_ZONE))
    diary = sim.diary
    profile = get_profile(user)
    profile.country, profile.region, profile.city = "US", "US-WI", "Madison"
    profile.sex, profile.track_menstruation, profile.birth_year, profile.drives = "female", True, 1988, True
    profile.full_clean()
    profile.save()
    summary = DemoSummary(user=username, days=days)
    substances = {name: Substance.objects.get(key=key) for name, key in SUBSTANCE_KEYS.items()}

    say("Saving products and lab reports")
    batches = _products(user, sim.kratom_batches, substances["Kratom"], summary)
    say(f"Saving {len(diary.attacks)} attacks")
    attacks = _attacks(user, diary.attacks, summary)
    say(f"Saving {len(diary.days)} daily check-ins")
    _days(user, diary.days, summary)
    say(f"Saving {len(diary.doses)} doses with their outcomes")
    doses = _doses(user, diary.doses, substances, batches, attacks, summary)
    say("Saving side effects, questionnaires and standing medications")
    _side_effects(user, diary.side_effects, doses, summary)
    _questionnaires(user, diary.questionnaires, summary)
    _medications(user, start, summary)

    bump(user.pk)  # the rows above went in with bulk_create, which sends no signals
    return summary


def _products(user: User, frame: pd.DataFrame, kratom: Substance, summary: DemoSummary) -> dict[str, Batch]:
    products: dict[tuple[str, str], Product] = {}
    batches: dict[str, Batch] = {}
    reports = 0
    for row in frame.to_dict("records"):
        key = (row["product"], row["vendor"])
        if key not in products:
            product = Product(
                user=user,
                substance=kratom,
                name=row["product"],
                vendor=row["vendor"],
                form=FORMS.get(row["form"], Product.Form.OTHER),
                strain=row["product"],
            )
            product.full_clean()
            product.save()
            products[key] = product
        tested = _value(row.get("tested_on"))
        tested_day = pd.Timestamp(tested).date() if tested is not None else None
        batch = Batch(
            product=products[key],
            lot_number=row["batch"],
            purchase_date=tested_day + timedelta(days=10) if tested_day else None,
            amount_bought_g=250,
        )
        batch.full_clean()
        batch.save()
        batches[row["batch"]] = batch
        mitragynine = _value(row.get("mitragynine_mg_per_g"))
        if row.get("lab") and mitragynine is not None:
            seven_oh = _value(row.get("hydroxymitragynine_mg_per_g"))
            share = round(100 * seven_oh / (mitragynine / 0.66), 2) if seven_oh is not None else None
            report = LabReport(
                batch=batch,
                lab=row["lab"],
                report_id=f"COA-{row['batch']}",
                test_date=tested_day,
                mitragynine_mg_per_g=mitragynine,
                seven_oh_mg_per_g=seven_oh,
                seven_oh_pct_alkaloids=share,
                lead_ppm=0.35,
                arsenic_ppm=0.4,
                cadmium_ppm=0.12,
                mercury_ppm=0.02,
                salmonella_detected=False,
                ecoli_detected=False,
                yeast_mould_cfu_g=2400,
            )
            report.full_clean()
            report.save()
            reports += 1
    summary.counts.update(products=len(products), batches=len(batches), lab_reports=reports)
    return batches


def _attacks(user: User, frame: pd.DataFrame, summary: DemoSummary) -> dict[str, Attack]:
    attacks: dict[str, Attack] = {}
    samples: list[PainSample] = []
    bool_fields = [f for f in Attack.SYMPTOMS + Attack.AURA_TYPES] + [
        "worse_with_activity",
        "aura_spreads_gradually",
        "aura_positive",
        "aura_unilateral",
        "believed_migraine",
    ]
    for row in frame.to_dict("records"):
        attack = Attack(
            id=_uuid(row["id"]), user=user, started_at=_value(row["start"]), ended_at=_value(row["end"])
        )
        for name in bool_fields:
            setattr(attack, name, _value(row.get(name)))
        attack.side = _value(row.get("side")) or ""
        attack.quality = _value(row.get("quality")) or ""
        attack.most_bothersome = _value(row.get("most_bothersome")) or ""
        disability = _value(row.get("disability"))
        attack.disability = int(disability) if disability is not None else None
        duration = _value(row.get("aura_duration_min"))
        attack.aura_duration_min = int(duration) if duration is not None else None
        attacks[str(row["id"])] = attack
        peak = _value(row.get("peak_nrs"))
        if peak is not None:
            first = max(2, int(peak) - 2)
            samples.append(PainSample(attack=attack, at=attack.started_at, nrs=first))
            samples.append(
                PainSample(attack=attack, at=attack.started_at + timedelta(minutes=50), nrs=int(peak))
            )
    Attack.objects.bulk_create(_checked(list(attacks.values())))
    PainSample.objects.bulk_create(_checked(samples))
    summary.counts.update(attacks=len(attacks), pain_samples=len(samples))
    return attacks


def _days(user: User, frame: pd.DataFrame, summary: DemoSummary) -> None:
    tag_columns = [c for c in frame.columns if str(c).startswith("tag:")]
    tags = {
        c: FactorTag(user=user, name=c.removeprefix("tag:"), unit="glasses" if c == "tag:red wine" else "")
        for c in tag_columns
    }
    FactorTag.objects.bulk_create(_checked(list(tags.values())))
    records, factors = [], []
    for row in frame[frame["recorded"]].to_dict("records"):
        record = DayRecord(user=user, date=pd.Timestamp(row["date"]).date(), period=DayRecord.Period.DAY)
        for name in DAY_FIELDS:
            value = _value(row.get(name))
            if value is not None and name in INT_FIELDS:
                value = round(value)
            if value is not None and name in {
                "sleep_hours",
                "water_l",
                "pressure_hpa",
                "temperature_c",
                "humidity_pct",
            }:
                value = round(float(value), 1)
            setattr(record, name, value)
        if record.pressure_hpa is not None:
            record.weather_source = "demo"
        records.append(record)
        for column, tag in tags.items():
            amount = _value(row.get(column))
            if amount:
                factors.append(
                    DayFactor(day=record, tag=tag, amount=amount if column == "tag:red wine" else None)
                )
    DayRecord.objects.bulk_create(_checked(records))
    DayFactor.objects.bulk_create(_checked(factors))
    summary.counts.update(day_records=len(records), day_factors=len(factors), factor_tags=len(tags))


def _doses(
    user: User,
    frame: pd.DataFrame,
    substances: dict[str, Substance],
    batches: dict[str, Batch],
    attacks: dict[str, Attack],
    summary: DemoSummary,
) -> dict[str, Dose]:
    doses: dict[str, Dose] = {}
    outcomes: list[DoseOutcome] = []
    for row in frame.to_dict("records"):
        amount = _value(row.get("amount"))
        batch = batches.get(_value(row.get("batch")) or "")
        dose = Dose(
            id=_uuid(row["id"]),
            user=user,
            substance=substances[row["substance"]],
            taken_at=_value(row["taken_at"]),
            amount=round(amount, 2) if amount is not None else None,
            unit=row["unit"] if amount is not None else "",
            route=_value(row.get("route")) or "oral",
            stomach=_value(row.get("stomach")) or "",
            reason=row["reason"],
            is_estimate=bool(row.get("estimate")),
            attack=attacks.get(str(_value(row.get("attack_id")))),
            batch=batch,
            product=batch.product if batch else None,
        )
        doses[str(row["id"])] = dose
        answers = {
            k: _value(row.get(k))
            for k in (
                "pain_at_dose",
                "pain_30m",
                "pain_1h",
                "pain_2h",
                "pain_24h",
                "mbs_gone_2h",
                "rescue_taken",
                "returned_24h",
            )
        }
        relief = _value(row.get("relief_min"))
        if any(v is not None for v in answers.values()):
            outcome = DoseOutcome(dose=dose, relief_after_min=int(relief) if relief is not None else None)
            for name, value in answers.items():
                setattr(outcome, name, int(value) if isinstance(value, float) else value)
            outcomes.append(outcome)
    Dose.objects.bulk_create(_checked(list(doses.values())))
    DoseOutcome.objects.bulk_create(_checked(outcomes))
    summary.counts.update(doses=len(doses), dose_outcomes=len(outcomes))
    return doses


def _side_effects(user: User, frame: pd.DataFrame, doses: dict[str, Dose], summary: DemoSummary) -> None:
    effects = []
    for row in frame.to_dict("records"):
        key = str(row["symptom"]).replace(" ", "_")
        symptom, other = (
            (key, "") if key in SideEffect.Symptom.values else (SideEffect.Symptom.OTHER, row["symptom"])
        )
        effects.append(
            SideEffect(
                id=_uuid(row["id"]),
                user=user,
                symptom=symptom,
                other_symptom=other,
                severity=row["severity"],
                occurred_at=_value(row["at"]),
                dose=doses.get(str(_value(row.get("dose_id")))),
            )
        )
    SideEffect.objects.bulk_create(_checked(effects))
    summary.counts["side_effects"] = len(effects)


def _questionnaires(user: User, frame: pd.DataFrame, summary: DemoSummary) -> None:
    responses = []
    for row in frame.to_dict("records"):
        day = pd.Timestamp(row["date"]).to_pydatetime().replace(hour=20, minute=0)
        responses.append(
            QuestionnaireResponse(
                id=_uuid(row["id"]),
                user=user,
                instrument=row["instrument"],
                answers=[int(a) for a in row["answers"]],
                answered_at=make_aware_local(day, DEMO_TIME_ZONE),
            )
        )
    QuestionnaireResponse.objects.bulk_create(_checked(responses))
    summary.counts["questionnaires"] = len(responses)


def _medications(user: User, start: date, summary: DemoSummary) -> None:
    meds = [
        StandingMedication(
            user=user,
            substance=Substance.objects.get(key="amitriptyline"),
            dose_text="10 mg at night",
            amount=10,
            unit="mg",
            started_on=start - timedelta(days=200),
            reason="migraine prevention",
        ),
        StandingMedication(
            user=user,
            substance=Substance.objects.get(key="propranolol"),
            dose_text="40 mg twice a day",
            amount=40,
            unit="mg",
            started_on=start - timedelta(days=400),
            stopped_on=start - timedelta(days=210),
            reason="migraine prevention (stopped: fatigue)",
        ),
    ]
    StandingMedication.objects.bulk_create(_checked(meds))
    summary.counts["standing_medications"] = len(meds)
