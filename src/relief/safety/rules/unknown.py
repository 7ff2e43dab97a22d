"""A substance added by hand that the interaction knowledge base does not know: say so, never stay silent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Knowledge
from relief.safety.rules.base import Focus, dose_evidence, medication_evidence
from relief.safety.snapshot import Diary
from relief.safety.tags import substance_profile

ASK = "Ask your pharmacist to check it against everything else you take, and tell them about the kratom or remedies you use too."


def _alert(kb: Knowledge, substance: Any, evidence: list[Evidence]) -> Alert:
    fact = kb.get("facts", "unknown_substance")
    return from_entries(
        [fact],
        key=f"unknown_substance:{substance.id}",
        rule="interaction",
        level="info",
        title=f"{substance.name}: not in the interaction knowledge base, ask your pharmacist",
        message=(
            f"{substance.name} was added by hand and is not in the interaction knowledge base, so Relief "
            f"Journal cannot warn you about combinations with it. {fact['statement']}"
        ),
        actions=(
            ASK,
            "If it is a medicine sold under another name, log it under the name on the box or its generic name, "
            "so the checks can find it.",
        ),
        evidence=evidence,
        extra={"substance": substance.name},
    )


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    found: dict[str, tuple[Any, list[Evidence]]] = {}
    if focus.mode == "entry":
        doses = [d for d in focus.doses if not d.known]
        meds = [m for m in focus.medications if not substance_profile(m.substance).known]
    else:
        recent = focus.ref - dt.timedelta(days=cfg.recent_days)
        doses = [d for d in diary.doses_between(recent, focus.ref) if not d.known]
        meds = [
            m
            for m in diary.medications_active_on(diary.day(focus.ref))
            if not substance_profile(m.substance).known
        ]
    for dose in doses:
        if dose.cls == "non_drug":
            continue
        found.setdefault(dose.substance_id, (dose.model.substance, []))[1].append(dose_evidence(dose))
    for med in meds:
        if med.substance.substance_class == "non_drug":
            continue
        found.setdefault(str(med.substance_id), (med.substance, []))[1].append(medication_evidence(med))
    return [_alert(kb, substance, evidence) for substance, evidence in found.values()]
