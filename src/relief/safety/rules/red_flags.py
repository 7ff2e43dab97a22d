"""Red-flag side effects: seek care now, with the reason and the source."""

from __future__ import annotations

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Knowledge
from relief.safety.rules.base import Focus
from relief.safety.snapshot import Diary, fmt_local


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    alerts = []
    for effect in focus.side_effects:
        entry = kb.red_flag(effect.symptom)
        if entry is None:
            continue
        evidence = [
            Evidence(
                "side_effect",
                str(effect.id),
                f"{entry['label']} at {fmt_local(effect.occurred_at, diary.tz)}",
            )
        ]
        if effect.dose_id:
            dose = effect.dose
            evidence.append(
                Evidence(
                    "dose", str(dose.id), f"{dose.substance.name} at {fmt_local(dose.taken_at, diary.tz)}"
                )
            )
        now = (
            "Call your local emergency number now."
            if entry["urgency"] == "emergency"
            else "Seek medical care today."
        )
        alerts.append(
            from_entries(
                [entry],
                key=f"red_flag:{effect.id}",
                rule="red_flag",
                level="dangerous",
                title=f"Seek care now: {entry['label'].lower()}",
                message=f"Logged side effect: {entry['label'].lower()}. {now} {entry['reason']}",
                actions=(
                    entry["action"],
                    "Take the diary or the product packaging with you, so the people treating you know what you took.",
                ),
                evidence=evidence,
                extra={"urgency": entry["urgency"], "symptom": effect.symptom},
            )
        )
    return alerts
