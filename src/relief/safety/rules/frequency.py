"""How often: days with kratom, runs of daily use, doses per day, quick re-dosing, and acute-medication
days by ICHD-3 8.2 class, up to "criteria for medication-overuse headache met in diary data"."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from relief.analysis.wording import counted
from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Knowledge
from relief.safety.rules.base import Focus, dose_evidence, includes_preview
from relief.safety.snapshot import PAIN_REASONS, Diary, DoseView, fmt_local
from relief.treatments.classes import OVERUSE_GROUPS

GROUP_OF_CLASS = {cls: group for group, classes in OVERUSE_GROUPS.items() for cls in classes}
CLINICIAN = "Bring these numbers to your clinician; they can help you plan what to do next."


def counts_for_overuse(dose: DoseView) -> str | None:
    """The overuse group a dose counts towards; kratom counts only when taken for headache or pain."""
    group = GROUP_OF_CLASS.get(dose.cls)
    if group == "kratom" and dose.reason not in PAIN_REASONS:
        return None
    return group


def days_by_group(diary: Diary, first: dt.date, last: dt.date) -> dict[str, dict[dt.date, list[DoseView]]]:
    found: dict[str, dict[dt.date, list[DoseView]]] = defaultdict(lambda: defaultdict(list))
    for dose in diary.doses_on_days(first, last):
        group = counts_for_overuse(dose)
        if group:
            found[group][dose.day].append(dose)
    return found


def _window(day: dt.date, cfg: SafetyConfig, back: int = 0) -> tuple[dt.date, dt.date]:
    last = day - dt.timedelta(days=cfg.window_days * back)
    return last - dt.timedelta(days=cfg.window_days - 1), last


def _over(kb: Knowledge, groups: dict[str, dict[dt.date, list[DoseView]]]) -> tuple[list[str], bool, int]:
    """Groups at or over their own threshold; whether the combined total is; the combined day count."""
    over = [g for g, days in groups.items() if len(days) >= kb.overuse(g)["days_per_month"]]
    members = [g for g in kb.overuse("multiple_classes")["members"] if g in groups]
    combined = set().union(*(set(groups[g]) for g in members)) if members else set()
    # ICHD-3 8.2.6 is about a *combination* of classes: one class alone is judged by its own threshold.
    several = len(members) >= 2
    return over, several and len(combined) >= kb.overuse("multiple_classes")["days_per_month"], len(combined)


def overuse_alerts(diary: Diary, kb: Knowledge, cfg: SafetyConfig, ref_day: dt.date) -> list[Alert]:
    first, last = _window(ref_day, cfg)
    groups = days_by_group(diary, first, last)
    over, combined_over, combined = _over(kb, groups)
    alerts = []
    for group in over:
        entry = kb.overuse(group)
        days = groups[group]
        evidence = [dose_evidence(d) for day in sorted(days) for d in days[day]]
        decision = (
            " Counting kratom this way is a project decision, not an ICHD-3 rule."
            if entry.get("project_decision")
            else ""
        )
        counted_days = (
            f"With this dose, you would have taken {entry['label'].lower()} on {len(days)} of the last "
            f"{cfg.window_days} days"
            if includes_preview(d for day in days.values() for d in day)
            else f"You took {entry['label'].lower()} on {len(days)} of the last {cfg.window_days} days"
        )
        alerts.append(
            from_entries(
                [entry],
                key=f"overuse:{group}",
                rule="overuse",
                level="caution",
                title=f"{entry['label']}: {len(days)} days in {cfg.window_days}",
                message=(
                    f"{counted_days} ({first} to {last}). ICHD-3 {entry['ichd_code']} uses {entry['days_per_month']} days a month "
                    f"for more than 3 months as the level at which medication can itself keep headaches going.{decision}"
                ),
                actions=(CLINICIAN, "Keep logging every dose, including the days you take nothing."),
                evidence=evidence,
                extra={
                    "days": len(days),
                    "threshold": entry["days_per_month"],
                    "window": [str(first), str(last)],
                },
            )
        )
    if combined_over and not over:
        entry = kb.overuse("multiple_classes")
        members = [g for g in entry["members"] if g in groups]
        evidence = [dose_evidence(d) for g in members for day in sorted(groups[g]) for d in groups[g][day]]
        alerts.append(
            from_entries(
                [entry],
                key="overuse:multiple_classes",
                rule="overuse",
                level="caution",
                title=f"Acute medication on {combined} days in {cfg.window_days}",
                message=(
                    f"Counting all acute headache medicines together (kratom included), you took one on {combined} "
                    f"of the last {cfg.window_days} days, although no single class reached its own threshold. "
                    f"ICHD-3 {entry['ichd_code']} uses a combined {entry['days_per_month']} days a month."
                ),
                actions=(CLINICIAN,),
                evidence=evidence,
                extra={"days": combined, "threshold": entry["days_per_month"]},
            )
        )
    return alerts


def moh_alert(diary: Diary, kb: Knowledge, cfg: SafetyConfig, ref_day: dt.date) -> list[Alert]:
    """ICHD-3 8.2 A and B in each of the last `months` windows of `window_days`."""
    months = int(kb.meta["overuse"]["months"])
    needed = int(kb.meta["overuse"]["headache_days_per_month"])
    details: list[dict[str, Any]] = []
    for back in range(months):
        first, last = _window(ref_day, cfg, back)
        headache = len(diary.headache_days(first, last))
        over, combined_over, _ = _over(kb, days_by_group(diary, first, last))
        if headache < needed or not (over or combined_over):
            return []
        details.append(
            {
                "window": [str(first), str(last)],
                "headache_days": headache,
                "over": over or ["multiple_classes"],
            }
        )
    first = _window(ref_day, cfg, months - 1)[0]
    classes = sorted({g for d in details for g in d["over"]})
    entries = [kb.overuse(g) for g in classes]
    evidence = [
        Evidence("attack", str(a.id), f"attack from {fmt_local(a.started_at, diary.tz)}")
        for a in diary.attacks
        if diary.day(a.started_at) >= first
    ]
    return [
        from_entries(
            entries,
            key="overuse:moh_criteria",
            rule="overuse",
            level="caution",
            title="Criteria for medication-overuse headache met in diary data",
            message=(
                f"In each of the last {months} periods of {cfg.window_days} days your diary shows headache on at "
                f"least {needed} days and acute medication ({', '.join(classes)}) at or over its ICHD-3 8.2 "
                "threshold. This is what the diary data show, not a diagnosis: only a clinician can say whether "
                "medication overuse is part of your headaches."
            ),
            actions=(
                CLINICIAN,
                "Do not stop a regular medicine suddenly on your own; some need a planned taper.",
            ),
            evidence=evidence,
            extra={"windows": details},
        )
    ]


def consecutive_alert(diary: Diary, kb: Knowledge, cfg: SafetyConfig, ref_day: dt.date) -> list[Alert]:
    days = {d.day for d in diary.kratom_doses() if d.day <= ref_day}
    day = ref_day if ref_day in days else ref_day - dt.timedelta(days=1)
    run = 0
    while day in days:
        run += 1
        day -= dt.timedelta(days=1)
    if run < cfg.consecutive_days:
        return []
    start = day + dt.timedelta(days=1)
    fact = kb.get("facts", "daily_use")
    evidence = [dose_evidence(d) for d in diary.kratom_doses() if start <= d.day <= ref_day]
    return [
        from_entries(
            [fact],
            key="frequency:consecutive_days",
            rule="frequency",
            level="caution",
            title=f"Kratom every day for {run} days",
            message=(
                f"With this dose, you would have taken kratom on {run} days in a row, since {start}. "
                if includes_preview(d for d in diary.kratom_doses() if d.day == ref_day)
                else f"You have taken kratom on {run} days in a row, since {start}. "
            )
            + fact["statement"],
            actions=(
                "Talk to your clinician about how often you use it; if you want to cut down, plan it with them, "
                "because stopping after daily use can bring withdrawal.",
            ),
            evidence=evidence,
            extra={"days_in_a_row": run, "since": str(start)},
        )
    ]


def kratom_days_alert(diary: Diary, kb: Knowledge, cfg: SafetyConfig, ref: dt.datetime) -> list[Alert]:
    """A summary note: kratom days in the window (and how many for pain), and the time since the last dose."""
    ref_day = diary.day(ref)
    first, last = _window(ref_day, cfg)
    doses = [d for d in diary.kratom_doses() if first <= d.day <= last and d.taken_at <= ref]
    if not doses:
        return []
    days = {d.day for d in doses}
    pain_days = {d.day for d in doses if d.reason in PAIN_REASONS}
    hours = (ref - doses[-1].taken_at).total_seconds() / 3600
    since = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"
    fact = kb.get("facts", "daily_use")
    return [
        from_entries(
            [fact, kb.overuse("kratom")],
            key="frequency:kratom_days",
            rule="frequency",
            level="info",
            title=f"Kratom on {counted(len(days), 'day')} of the last {cfg.window_days}",
            message=(
                f"You took kratom on {len(days)} of the last {cfg.window_days} days ({len(pain_days)} of them for "
                f"headache or pain); the last dose was {since} ago. {fact['statement']}"
            ),
            actions=("Your clinician can help you judge whether this frequency suits you.",),
            evidence=[dose_evidence(d) for d in doses],
            extra={"days": len(days), "pain_days": len(pain_days), "hours_since_last_dose": round(hours, 1)},
        )
    ]


def per_dose_alerts(diary: Diary, kb: Knowledge, cfg: SafetyConfig, dose: DoseView) -> list[Alert]:
    if not dose.is_kratom:
        return []
    alerts = []
    same_day = [d for d in diary.kratom_doses() if d.day == dose.day]
    if len(same_day) >= cfg.doses_per_day:
        fact = kb.get("facts", "doses_per_day")
        alerts.append(
            from_entries(
                [fact],
                key=f"frequency:doses_per_day:{dose.day}",
                rule="frequency",
                level="caution",
                title=f"{counted(len(same_day), 'dose')} of kratom on {dose.day}",
                message=(
                    f"With this dose, you would have logged {counted(len(same_day), 'kratom dose')} on {dose.day}. "
                    if includes_preview(same_day)
                    else f"You logged {counted(len(same_day), 'kratom dose')} on {dose.day}. "
                )
                + fact["statement"],
                actions=("Talk to your clinician about how often you take it.",),
                evidence=[dose_evidence(d) for d in same_day],
                extra={"doses": len(same_day)},
            )
        )
    earlier = [d for d in diary.kratom_doses() if d.taken_at <= dose.taken_at and d.id != dose.id]
    if earlier:
        previous = earlier[-1]
        gap_h = (dose.taken_at - previous.taken_at).total_seconds() / 3600
        if gap_h < cfg.redose_hours:
            fact = kb.get("facts", "redose")
            alerts.append(
                from_entries(
                    [fact],
                    key=f"frequency:redose:{dose.id}",
                    rule="frequency",
                    level="caution",
                    title="Second kratom dose soon after the first",
                    message=f"This dose came {gap_h * 60:.0f} minutes after the previous one. {fact['statement']}",
                    actions=("Note how you feel over the next hours; seek care if you become very drowsy.",),
                    evidence=[dose_evidence(previous), dose_evidence(dose)],
                    extra={"minutes_since_previous": round(gap_h * 60)},
                )
            )
    return alerts


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    alerts: list[Alert] = []
    for dose in focus.doses:
        alerts.extend(per_dose_alerts(diary, kb, cfg, dose))
    ref_day = diary.day(focus.ref)
    if focus.summary:
        alerts += kratom_days_alert(diary, kb, cfg, focus.ref)
        alerts += consecutive_alert(diary, kb, cfg, ref_day)
        alerts += overuse_alerts(diary, kb, cfg, ref_day)
        alerts += moh_alert(diary, kb, cfg, ref_day)
    else:
        if any(d.is_kratom for d in focus.doses):
            alerts += consecutive_alert(diary, kb, cfg, ref_day)
        if any(counts_for_overuse(d) for d in focus.doses):
            alerts += overuse_alerts(diary, kb, cfg, ref_day)
            alerts += moh_alert(diary, kb, cfg, ref_day)
    return alerts
