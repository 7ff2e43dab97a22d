"""FHIR R4 export: the whole diary as one Bundle of type ``collection``.

Mapping (see ``docs/fhir.md`` and clinical-specs 5.2):

- the person            -> Patient (city and country only; never an address)
- each attack           -> Observation SNOMED 25064002 Headache, effectivePeriod, symptom
                           components (SNOMED where verified), ``hasMember`` -> its pain samples
- each pain sample      -> Observation LOINC 72514-3 (0-10) or 38208-5 (none/mild/moderate/severe)
- each day record's worst pain -> Observation LOINC 72514-3 on that date
- headache days a month -> Observation (local code), computed, ``derivedFrom`` its attack observations
- diary-based findings  -> Observation, never Condition: the diary confirms nothing
- each dose             -> MedicationStatement (one per intake), UNII coding where the catalogue has it
- standing medications  -> MedicationStatement with an effectivePeriod
- questionnaires        -> QuestionnaireResponse (item answers) and a score Observation
- side effects          -> Observation
- Device (this app) and a Provenance that names it as the author of every resource.

Conditions appear only for clinician-confirmed diagnoses; the diary holds none, so there are none.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from relief import __version__
from relief.accounts.services import get_profile
from relief.core.timeutil import local_day, to_utc_iso
from relief.diary.models import Attack, DayRecord, PainSample, QuestionnaireResponse, SideEffect
from relief.insights.analysis import analysis_for
from relief.treatments.models import Dose, StandingMedication

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
UNII = "http://fdasis.nlm.nih.gov"
LOCAL = "urn:relief-journal:codes"
CATALOGUE = "urn:relief-journal:catalogue"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
NAMESPACE = uuid.UUID("0f8f9f55-0f5c-4b8f-9a52-5b3e0c7c2a10")

HEADACHE = {"system": SNOMED, "code": "25064002", "display": "Headache"}
PAIN_NRS = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
PAIN_ORDINAL = {"system": LOINC, "code": "38208-5", "display": "Pain severity - Reported"}
FOUR_POINT_ANSWERS = {
    0: {"system": LOINC, "code": "LA131-5", "display": "No pain"},
    1: {"system": LOINC, "code": "LA6752-5", "display": "Mild"},
    2: {"system": LOINC, "code": "LA6751-7", "display": "Moderate"},
    3: {"system": LOINC, "code": "LA6750-9", "display": "Severe"},
}
SYMPTOM_CODES = {
    "nausea": ("422587007", "Nausea"),
    "vomiting": ("422400008", "Vomiting"),
    "photophobia": ("409668002", "Photophobia"),
    "phonophobia": ("313387002", "Phonophobia"),
}
FINDING_CODES = {
    "migraine": ("37796009", "Migraine"),
    "migraine_without_aura": ("56097005", "Migraine without aura"),
    "migraine_with_aura": ("4473006", "Migraine with aura"),
    "tension_type": ("398057008", "Tension-type headache"),
}
UCUM_UNITS = {"g": "g", "mg": "mg", "mcg": "ug", "ml": "mL"}
ROUTES = {
    "oral": ("26643006", "Oral route"),
    "sublingual": ("37839007", "Sublingual route"),
    "nasal": ("46713006", "Nasal route"),
    "rectal": ("37161004", "Rectal route"),
}


def ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource['id']}"}


def _local_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _survey() -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBS_CATEGORY, "code": "survey", "display": "Survey"}]}]


def _text_note(text: str) -> list[dict[str, str]]:
    return [{"text": text}] if text.strip() else []


def _observation(oid: str, patient: dict, code: dict, **fields: Any) -> dict[str, Any]:
    resource = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": _survey(),
        "code": code,
        "subject": ref(patient),
        "performer": [ref(patient)],
    }
    resource.update({k: v for k, v in fields.items() if v not in (None, [], "")})
    return resource


def patient_resource(user: User) -> dict[str, Any]:
    profile = get_profile(user)
    gender = {"female": "female", "male": "male", "intersex": "other", "other": "other"}.get(
        profile.sex, "unknown"
    )
    resource: dict[str, Any] = {"resourceType": "Patient", "id": str(profile.id), "gender": gender}
    if profile.birth_year:
        resource["birthDate"] = str(profile.birth_year)
    if profile.city or profile.country:
        address = {k: v for k, v in (("city", profile.city), ("country", profile.country)) if v}
        resource["address"] = [address]
    return resource


def attack_resources(patient: dict, attack: Attack) -> list[dict[str, Any]]:
    samples = [pain_sample_resource(patient, s) for s in attack.pain_samples.all()]
    components = []
    for name in Attack.SYMPTOMS + Attack.AURA_TYPES + ("worse_with_activity",):
        value = getattr(attack, name)
        if value is None:
            continue  # unknown stays out; absence is never invented
        label = getattr(Attack._meta.get_field(name), "verbose_name", name)
        code: dict[str, Any] = {"text": str(label)}
        if name in SYMPTOM_CODES:
            number, display = SYMPTOM_CODES[name]
            code["coding"] = [{"system": SNOMED, "code": number, "display": display}]
        else:
            code["coding"] = [{"system": LOCAL, "code": name, "display": str(label)}]
        components.append({"code": code, "valueBoolean": value})
    peak = max((s.nrs for s in attack.pain_samples.all() if s.nrs is not None), default=None)
    if peak is not None:
        components.append({"code": {"coding": [PAIN_NRS], "text": "Peak pain 0-10"}, "valueInteger": peak})
    period = {"start": to_utc_iso(attack.started_at)}
    if attack.ended_at:
        period["end"] = to_utc_iso(attack.ended_at)
    main = _observation(
        str(attack.id),
        patient,
        {"coding": [HEADACHE], "text": "Headache attack (self-reported)"},
        effectivePeriod=period,
        component=components,
        hasMember=[ref(s) for s in samples],
        note=_text_note(attack.notes),
    )
    return [main, *samples]


def pain_sample_resource(patient: dict, sample: PainSample) -> dict[str, Any]:
    when = to_utc_iso(sample.at)
    if sample.nrs is not None:
        return _observation(
            str(sample.id), patient, {"coding": [PAIN_NRS]}, effectiveDateTime=when, valueInteger=sample.nrs
        )
    answer = FOUR_POINT_ANSWERS[sample.four_point or 0]  # a sample has NRS or the 4-point answer
    return _observation(
        str(sample.id),
        patient,
        {"coding": [PAIN_ORDINAL]},
        effectiveDateTime=when,
        valueCodeableConcept={"coding": [answer], "text": answer["display"]},
    )


def day_resources(patient: dict, record: DayRecord) -> list[dict[str, Any]]:
    if record.worst_pain is None:
        return []
    label = (
        "worst pain of the day"
        if record.period == "day"
        else f"worst pain, {record.get_period_display().lower()}"
    )
    return [
        _observation(
            str(record.id),
            patient,
            {"coding": [PAIN_NRS], "text": f"Pain severity 0-10, {label}"},
            effectiveDateTime=record.date.isoformat(),
            valueInteger=record.worst_pain,
            note=_text_note(record.notes),
        )
    ]


def _days_quantity(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "days", "system": UCUM, "code": "d"}


def _local_code(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOCAL, "code": code, "display": display}], "text": display}


def headache_day_resources(
    patient: dict,
    user: User,
    monthly: list[dict[str, Any]],
    attacks: list[Attack],
    attack_obs: dict[str, dict],
) -> list[dict[str, Any]]:
    """Headache days per calendar month as ``relief.analysis`` counts them (the report's numbers).

    Components give the month's migraine days, acute-medication days and how many of its
    days the diary covers; ``derivedFrom`` points at the attacks that began in the month.
    """
    tz = get_profile(user).time_zone
    sources: dict[str, list[dict]] = defaultdict(list)
    for attack in attacks:
        sources[f"{local_day(attack.started_at, tz):%Y-%m}"].append(ref(attack_obs[str(attack.id)]))
    resources = []
    for row in monthly:
        year, month = (int(x) for x in row["month"].split("-"))
        last = date.fromordinal(date(year + month // 12, month % 12 + 1, 1).toordinal() - 1)
        resources.append(
            _observation(
                _local_id(patient["id"], "headache-days", year, month),
                patient,
                _local_code("headache-days", "Headache days in the month (diary count)"),
                effectivePeriod={"start": f"{year:04d}-{month:02d}-01", "end": last.isoformat()},
                valueQuantity=_days_quantity(row["headache_days"]),
                component=[
                    {
                        "code": _local_code("migraine-days", "Migraine days"),
                        "valueQuantity": _days_quantity(row["migraine_days"]),
                    },
                    {
                        "code": _local_code("acute-medication-days", "Days with acute medication"),
                        "valueQuantity": _days_quantity(row["acute_medication_days"].get("any", 0)),
                    },
                    {
                        "code": _local_code("diary-days", "Days of the month in the diary"),
                        "valueQuantity": _days_quantity(row["days"]),
                    },
                ],
                derivedFrom=sources[row["month"]],
            )
        )
    return resources


def finding_resources(patient: dict, findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Diary-based classification findings as Observations ("criteria met in the diary").

    Each finding: ``{"kind": "migraine_without_aura", "text": ..., "start": date, "end": date}``.
    """
    resources = []
    for finding in findings:
        number, display = FINDING_CODES.get(finding["kind"], (None, finding["kind"]))
        code: dict[str, Any] = {
            "text": f"Diary-based finding: {display} criteria met (self-reported, not a diagnosis)"
        }
        if number:
            code["coding"] = [{"system": SNOMED, "code": number, "display": display}]
        resources.append(
            _observation(
                _local_id(
                    patient["id"], "finding", finding["kind"], finding.get("start"), finding.get("end")
                ),
                patient,
                code,
                effectivePeriod={"start": str(finding["start"]), "end": str(finding["end"])}
                if finding.get("start")
                else None,
                valueString=finding.get("text") or display,
                interpretation=[{"text": "Derived from a self-kept diary; needs clinical confirmation"}],
            )
        )
    return resources


def _dose_quantity(amount: float | None, unit: str) -> dict[str, Any] | None:
    if amount is None:
        return None
    quantity: dict[str, Any] = {"value": amount, "unit": unit}
    if unit in UCUM_UNITS:
        quantity.update(system=UCUM, code=UCUM_UNITS[unit])
    return quantity


def _medication_concept(substance) -> dict[str, Any]:
    codings = []
    if substance.unii:
        codings.append({"system": UNII, "code": substance.unii, "display": substance.name})
    if substance.key:
        codings.append({"system": CATALOGUE, "code": substance.key, "display": substance.name})
    concept: dict[str, Any] = {"text": substance.name}
    if codings:
        concept["coding"] = codings
    return concept


def dose_resource(patient: dict, dose: Dose) -> dict[str, Any]:
    dosage: dict[str, Any] = {"text": str(dose)}
    route = ROUTES.get(dose.route)
    dosage["route"] = {"text": dose.get_route_display()}
    if route:
        dosage["route"]["coding"] = [{"system": SNOMED, "code": route[0], "display": route[1]}]
    quantity = _dose_quantity(dose.amount, dose.unit)
    if quantity:
        dosage["doseAndRate"] = [{"doseQuantity": quantity}]
    notes = [dose.notes] if dose.notes.strip() else []
    if dose.product_id:
        notes.append(f"Product: {dose.product}" + (f", lot {dose.batch.lot_number}" if dose.batch else ""))
    if dose.is_estimate:
        notes.append("The amount is an estimate.")
    if dose.amount_g is not None and dose.unit not in UCUM_UNITS:
        notes.append(f"{dose.amount_g:g} g in total.")
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(dose.id),
        "status": "completed",
        "category": {"text": dose.substance.get_kind_display()},
        "medicationCodeableConcept": _medication_concept(dose.substance),
        "subject": ref(patient),
        "effectiveDateTime": to_utc_iso(dose.taken_at),
        "dateAsserted": to_utc_iso(dose.created_at),
        "informationSource": ref(patient),
        "dosage": [dosage],
    }
    if dose.reason == Dose.Reason.ACUTE:
        resource["reasonCode"] = [{"coding": [HEADACHE], "text": "Taken for a headache attack"}]
    else:
        resource["reasonCode"] = [{"text": dose.get_reason_display()}]
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    return resource


def standing_resource(patient: dict, med: StandingMedication) -> dict[str, Any]:
    period = {"start": med.started_on.isoformat()}
    if med.stopped_on:
        period["end"] = med.stopped_on.isoformat()
    dosage: dict[str, Any] = {"text": med.dose_text or "as prescribed"}
    quantity = _dose_quantity(med.amount, med.unit)
    if quantity:
        dosage["doseAndRate"] = [{"doseQuantity": quantity}]
    resource: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": str(med.id),
        "status": "completed" if med.stopped_on else "active",
        "medicationCodeableConcept": _medication_concept(med.substance),
        "subject": ref(patient),
        "effectivePeriod": period,
        "dateAsserted": to_utc_iso(med.created_at),
        "informationSource": ref(patient),
        "dosage": [dosage],
    }
    if med.reason:
        resource["reasonCode"] = [{"text": med.reason}]
    if med.notes.strip():
        resource["note"] = [{"text": med.notes}]
    return resource


def questionnaire_resources(patient: dict, response: QuestionnaireResponse) -> list[dict[str, Any]]:
    qr = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.id),
        "questionnaire": f"urn:relief-journal:questionnaire:{response.instrument}",
        "status": "completed",
        "subject": ref(patient),
        "author": ref(patient),
        "source": ref(patient),
        "authored": to_utc_iso(response.answered_at),
        "item": [
            {"linkId": str(number), "answer": [{"valueInteger": answer}]}
            for number, answer in enumerate(response.answers, start=1)
        ],
    }
    label = response.get_instrument_display()
    score = _observation(
        _local_id(response.id, "score"),
        patient,
        {
            "coding": [
                {"system": LOCAL, "code": f"{response.instrument}-score", "display": f"{label} score"}
            ],
            "text": f"{label} total score",
        },
        effectiveDateTime=to_utc_iso(response.answered_at),
        valueQuantity={"value": response.score, "unit": "score", "system": UCUM, "code": "{score}"},
        derivedFrom=[ref(qr)],
    )
    return [qr, score]


def side_effect_resource(patient: dict, effect: SideEffect) -> dict[str, Any]:
    text = effect.other_symptom or effect.get_symptom_display()
    code: dict[str, Any] = {"text": f"Side effect: {text}"}
    if effect.symptom in SYMPTOM_CODES:
        number, display = SYMPTOM_CODES[effect.symptom]
        code["coding"] = [{"system": SNOMED, "code": number, "display": display}]
    return _observation(
        str(effect.id),
        patient,
        code,
        effectiveDateTime=to_utc_iso(effect.occurred_at),
        valueString=effect.get_severity_display(),
        focus=[{"reference": f"urn:uuid:{effect.dose_id}"}] if effect.dose_id else None,
        note=_text_note(effect.notes),
    )


ICHD_KINDS = {
    "1.1": "migraine_without_aura",
    "1.2": "migraine_with_aura",
    "1.3": "chronic_migraine",
    "1.5": "probable_migraine",
    "2": "tension_type",
    "8.2": "medication_overuse_headache",
}


def _analysis(user: User) -> dict[str, Any]:
    return analysis_for(user).doc


def diary_findings(user: User, doc: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The ICHD-3 criteria that ``relief.analysis`` finds met in the whole diary."""
    doc = doc or _analysis(user)
    period = doc["period"]
    return [
        {
            "kind": ICHD_KINDS.get(f["code"], f"ichd3_{f['code']}"),
            "text": f"{f['wording']} {f['evidence']}",
            "start": period["start"],
            "end": period["end"],
        }
        for f in doc["classification"]["findings"]
        if f["status"] == "met" and period["start"]
    ]


def export_bundle(user: User, *, findings: Iterable[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The person's diary as a FHIR R4 Bundle (type ``collection``), as a plain dict.

    ``findings`` default to the diary-based ICHD-3 findings of :func:`diary_findings`.
    """
    doc = _analysis(user)
    if findings is None:
        findings = diary_findings(user, doc)

    patient = patient_resource(user)
    device = {
        "resourceType": "Device",
        "id": _local_id(patient["id"], "device"),
        "deviceName": [{"name": "Relief Journal", "type": "user-friendly-name"}],
        "version": [{"value": str(__version__)}],
        "patient": ref(patient),
    }
    attacks = list(Attack.objects.filter(user=user).prefetch_related("pain_samples"))
    days = list(DayRecord.objects.filter(user=user))
    resources: list[dict[str, Any]] = [patient, device]
    attack_obs: dict[str, dict] = {}
    for attack in attacks:
        made = attack_resources(patient, attack)
        attack_obs[str(attack.id)] = made[0]
        resources += made
    for record in days:
        resources += day_resources(patient, record)
    resources += headache_day_resources(patient, user, doc["frequency"]["monthly"], attacks, attack_obs)
    resources += finding_resources(patient, findings)
    for dose in Dose.objects.filter(user=user).select_related("substance", "product", "batch"):
        resources.append(dose_resource(patient, dose))
    for med in StandingMedication.objects.filter(user=user).select_related("substance"):
        resources.append(standing_resource(patient, med))
    for response in QuestionnaireResponse.objects.filter(user=user):
        resources += questionnaire_resources(patient, response)
    for effect in SideEffect.objects.filter(user=user):
        resources.append(side_effect_resource(patient, effect))
    now = to_utc_iso(timezone.now())
    provenance = {
        "resourceType": "Provenance",
        "id": _local_id(patient["id"], "provenance", now),
        "target": [ref(r) for r in resources if r is not device],
        "recorded": now,
        "agent": [
            {"type": {"text": "author"}, "who": ref(patient)},
            {"type": {"text": "assembler"}, "who": ref(device)},
        ],
    }
    resources.append(provenance)
    return {
        "resourceType": "Bundle",
        "id": _local_id(patient["id"], "bundle", now),
        "type": "collection",
        "timestamp": now or datetime.now(UTC).isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
