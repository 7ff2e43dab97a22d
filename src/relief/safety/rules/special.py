"""Special situations from the profile: pregnancy, breastfeeding, and driving after a dose."""

from __future__ import annotations

import datetime as dt

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Knowledge
from relief.safety.rules.base import Focus, dose_evidence, is_preview
from relief.safety.snapshot import Diary

ADVICE = {
    "pregnancy": (
        "Tell your midwife or maternity team that you use kratom, how much and how often; standard drug screens "
        "miss it, so they only know if you tell them.",
        "Do not stop suddenly on your own after regular use; withdrawal can also harm the pregnancy, so plan any "
        "change with them.",
        "Make sure the baby's team knows after the birth: newborn withdrawal can start days later, with shaking, "
        "irritability, high-pitched crying, poor feeding, vomiting or sneezing.",
    ),
    "breastfeeding": (
        "Talk to your midwife, health visitor or clinician about kratom while you breastfeed.",
        "Watch the baby for unusual sleepiness, difficulty waking, poor feeding, floppiness or slow or noisy "
        "breathing; call your local emergency number if the baby is hard to wake or breathing slowly.",
    ),
}


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    profile = diary.profile
    if focus.mode == "diary":
        since = focus.ref - dt.timedelta(days=cfg.window_days)
        doses = [d for d in diary.kratom_doses() if d.taken_at >= since]
    else:
        doses = [d for d in focus.doses if d.is_kratom]
    if not doses:
        return []
    alerts = []
    you = Evidence("profile", str(profile.id), "profile")
    for flag, word in (("pregnant", "pregnancy"), ("breastfeeding", "breastfeeding")):
        if getattr(profile, flag) is not True:
            continue
        fact = kb.get("facts", word)
        alerts.append(
            from_entries(
                [fact],
                key=f"special:{word}",
                rule="special",
                level="unsafe",
                title=f"Kratom during {word}",
                message=f"Your profile says you are {flag}. {fact['statement']}",
                actions=ADVICE[word],
                evidence=[*(dose_evidence(d) for d in doses), you],
            )
        )
    if profile.drives is True:
        now = focus.ref if focus.mode == "diary" else max(focus.ref, diary.at)
        recent = [
            d for d in doses if dt.timedelta(0) <= now - d.taken_at <= dt.timedelta(hours=cfg.driving_hours)
        ]
        if recent:
            fact = kb.get("facts", "driving")
            last = recent[-1]
            hours = (now - last.taken_at).total_seconds() / 3600
            alerts.append(
                from_entries(
                    [fact],
                    key=f"special:driving:{last.id}",
                    rule="special",
                    level="caution",
                    title="Driving after a kratom dose",
                    message=(
                        (
                            "You are about to take kratom and your profile says you drive. "
                            if is_preview(last)
                            else f"Your last kratom dose was {_ago(hours)} and your profile says you drive. "
                        )
                        + f"{fact['statement']} Do not drive while you feel any effect."
                    ),
                    actions=("Plan another way to travel if you feel drowsy, slowed or unwell.",),
                    evidence=[dose_evidence(last), you],
                )
            )
    return alerts


def _ago(hours: float) -> str:
    """'just now', '25 minutes ago', '1.5 hours ago' (never '0.0 hours ago')."""
    minutes = round(hours * 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    return f"{hours:.1f} hours ago"
