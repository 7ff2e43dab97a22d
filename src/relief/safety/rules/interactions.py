"""Kratom taken close in time to another substance, or while a standing medication is active.

Alerts are grouped around the other substance (the "anchor"): one alert per other dose, per standing
medication and per day with alcohol, listing every kratom dose within the look-back window of it. The key
is the same whether the alert comes from saving an entry or from checking the whole diary, so an
acknowledgement carries over; a new kratom dose near the same anchor asks again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Entry, Knowledge
from relief.safety.rules.base import Focus, dose_evidence, includes_preview, is_preview, medication_evidence
from relief.safety.snapshot import Diary, DoseView, fmt_local
from relief.safety.tags import substance_profile

ALERT_LEVELS = ("dangerous", "unsafe", "caution")
TITLES = {
    "dangerous": "Dangerous combination",
    "unsafe": "Unsafe combination",
    "caution": "Combination to check",
}
ACTIONS = {
    "dangerous": (
        "Do not combine them without talking to your clinician or pharmacist first.",
        "If you have already taken both, do not take anything else that makes you drowsy, and stay with "
        "someone who knows what you took.",
        "Call your local emergency number for slow or difficult breathing, blue lips, or if you cannot stay awake.",
    ),
    "unsafe": (
        "Ask your pharmacist or clinician whether these two can be taken together, and how far apart.",
        "Watch for unusual drowsiness, confusion or a racing heart, and seek care if they appear.",
    ),
    "caution": (
        "Tell your pharmacist or clinician that you take both, so they can check the combination.",
        "Note any new side effects in the diary.",
    ),
}


def is_anchor(dose: DoseView) -> bool:
    """A dose kratom can interact with: anything not kratom, and concentrated 7-OH (against leaf)."""
    return not dose.is_kratom or dose.is_seven_oh


def kratom_side(anchor: DoseView, dose: DoseView) -> bool:
    """Whether ``dose`` is on the kratom side of a pair with ``anchor``."""
    if not dose.is_kratom or dose.id == anchor.id:
        return False
    if anchor.is_kratom:  # a 7-OH anchor pairs with plain leaf only
        return not dose.is_seven_oh
    return True


def entries_for(
    kb: Knowledge, cls: str | frozenset[str], props: frozenset[str], substance: str = ""
) -> list[Entry]:
    """The interaction entries to report for kratom with a substance; empty when nothing needs saying.

    ``cls`` may be a set of classes: a combination product has its ingredients' classes too."""
    classes = frozenset({cls}) if isinstance(cls, str) else cls
    if "kratom" in classes:
        classes, props, substance = frozenset({"__none__"}), frozenset({"seven_oh"}) & props, ""
    entries = kb.worst_interactions(classes, props, substance or None)
    if not entries or entries[0]["level"] not in ALERT_LEVELS:
        return []
    return entries


def _alert(entries: list[Entry], key: str, name: str, when: str, evidence: list[Evidence]) -> Alert:
    level = entries[0]["level"]
    mechanisms = " ".join(dict.fromkeys(e["mechanism"] for e in entries))
    return from_entries(
        entries,
        key=key,
        rule="interaction",
        level=level,
        title=f"{TITLES[level]}: kratom and {name}",
        message=f"{when} {mechanisms}",
        actions=ACTIONS[level],
        evidence=evidence,
        extra={"interactions": [e.key for e in entries], "interaction_level": level},
    )


def _hours(a: dt.datetime, b: dt.datetime) -> str:
    hours = abs((a - b).total_seconds()) / 3600
    return f"{hours:.0f} h" if hours >= 1 else f"{hours * 60:.0f} min"


def anchor_alert(diary: Diary, kb: Knowledge, cfg: SafetyConfig, anchor: DoseView) -> list[Alert]:
    window = dt.timedelta(hours=cfg.lookback_hours)
    kratom = [
        d
        for d in diary.doses_between(anchor.taken_at - window, anchor.taken_at + window)
        if kratom_side(anchor, d)
    ]
    entries = entries_for(kb, anchor.classes | {anchor.cls}, anchor.properties, anchor.substance_key)
    if not kratom or not entries:
        return []
    closest = min(kratom, key=lambda d: abs(d.taken_at - anchor.taken_at))
    others = "kratom leaf" if anchor.is_kratom else "kratom"
    times = "once" if len(kratom) == 1 else f"{len(kratom)} times"
    closeness = f"(the closest {_hours(closest.taken_at, anchor.taken_at)} apart)"
    at = fmt_local(anchor.taken_at, diary.tz)
    hours = f"{cfg.lookback_hours:g} hours"
    if is_preview(anchor):
        when = f"Taking {anchor.name} at {at} would put it within {hours} of {others}, taken {times} in that time {closeness}."
    elif includes_preview(kratom):
        when = f"You took {anchor.name} at {at}; with this dose, {others} would be taken {times} within {hours} of it {closeness}."
    else:
        when = f"You took {anchor.name} at {at} and {others} {times} within {hours} of it {closeness}."
    evidence = [dose_evidence(anchor), *(dose_evidence(d) for d in kratom)]
    return [_alert(entries, f"interaction:{entries[0].key}:{anchor.id}", anchor.name, when, evidence)]


def alcohol_day_alert(diary: Diary, kb: Knowledge, record: Any) -> list[Alert]:
    kratom = [d for d in diary.kratom_doses() if d.day == record.date]
    if not kratom:
        return []
    entries = entries_for(kb, "alcohol", frozenset({"sedating"}))
    took = (
        "this dose would be kratom on the same day"
        if includes_preview(kratom)
        else "you took kratom that day"
    )
    when = f"Your day record for {record.date} has {record.alcohol_units:g} units of alcohol, and {took}."
    evidence = [
        Evidence("day_record", str(record.id), f"{record.alcohol_units:g} units of alcohol on {record.date}"),
        *(dose_evidence(d) for d in kratom),
    ]
    return [_alert(entries, f"interaction:{entries[0].key}:{record.id}", "alcohol", when, evidence)]


def medication_alert(diary: Diary, kb: Knowledge, med: Any, kratom: list[DoseView]) -> list[Alert]:
    substance = med.substance
    profile = substance_profile(substance)
    entries = entries_for(kb, profile.classes | {substance.substance_class}, profile.properties, profile.key)
    if not kratom or not entries:
        return []
    count = "once" if len(kratom) == 1 else f"{len(kratom)} times"
    preview = includes_preview(kratom)
    if preview and len(kratom) == 1:
        took = "this kratom dose would be the first"
    elif preview:
        took = f"with this dose you would have taken kratom {count}"
    else:
        took = f"you took kratom {count}"
    if any(diary.in_washout(med, d.day) for d in kratom):
        when = (
            f"You stopped {substance.name} on {med.stopped_on}; it still counts until {diary.counts_until(med)}, "
            f"and {took} since."
        )
    else:
        when = f"You take {substance.name} regularly, and {took} while on it."
    evidence = [medication_evidence(med), *(dose_evidence(d) for d in kratom)]
    return [
        _alert(entries, f"interaction:{entries[0].key}:medication:{med.id}", substance.name, when, evidence)
    ]


def _kratom_on_medication(diary: Diary, med: Any, since: dt.datetime, until: dt.datetime) -> list[DoseView]:
    return [d for d in diary.kratom_doses() if since <= d.taken_at <= until and diary.counts_on(med, d.day)]


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    alerts: list[Alert] = []
    window = dt.timedelta(hours=cfg.lookback_hours)
    month = dt.timedelta(days=cfg.window_days)
    if focus.mode == "entry":
        for dose in focus.doses:
            anchors = [dose] if is_anchor(dose) else []
            if dose.is_kratom:
                near = diary.doses_between(dose.taken_at - window, dose.taken_at + window)
                anchors += [a for a in near if is_anchor(a) and kratom_side(a, dose)]
                record = diary.alcohol_days.get(dose.day)
                if record is not None:
                    alerts += alcohol_day_alert(diary, kb, record)
                for med in diary.medications_active_on(dose.day):
                    alerts += medication_alert(diary, kb, med, [dose])
            for anchor in anchors:
                alerts += anchor_alert(diary, kb, cfg, anchor)
        for record in focus.day_records:
            alerts += alcohol_day_alert(diary, kb, record)
        for med in focus.medications:
            alerts += medication_alert(
                diary, kb, med, _kratom_on_medication(diary, med, focus.ref - month, focus.ref)
            )
        return alerts
    # Whole diary: anchors near the last `recent_days` of kratom, and each standing medication once
    # over the kratom doses of the last `window_days`.
    recent = focus.ref - dt.timedelta(days=cfg.recent_days)
    for anchor in diary.doses_between(recent - window, focus.ref):
        if is_anchor(anchor):
            alerts += anchor_alert(diary, kb, cfg, anchor)
    for record in diary.alcohol_days.values():
        if diary.day(recent) <= record.date <= diary.day(focus.ref):
            alerts += alcohol_day_alert(diary, kb, record)
    for med in diary.medications:
        alerts += medication_alert(
            diary, kb, med, _kratom_on_medication(diary, med, focus.ref - month, focus.ref)
        )
    return alerts
