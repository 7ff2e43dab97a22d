"""How much: the band of a leaf dose by each reference, doses above the person's own range, a rising
trend over weeks, and likely unit mistakes. Nothing here says how much to take."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from relief.safety.alerts import Alert, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Entry, Knowledge
from relief.safety.rules.base import Focus, dose_evidence, fmt_g
from relief.safety.snapshot import Diary, DoseView

STRONG_OR_MORE = frozenset({"strong", "heavy", "high", "above_listed_range"})
NO_ADVICE = "These bands describe what the references report; they are not a recommendation of any amount."


def classify(entry: Entry, grams: float) -> tuple[str, float | None, float | None]:
    """The band of a dose in one reference: (name, min, max); below or above the listed bands too."""
    bands = entry["bands"]
    if grams < bands[0]["min"]:
        return "below_listed_range", None, bands[0]["min"]
    for band in bands:
        if band["min"] <= grams and (band["max"] is None or grams < band["max"]):
            return band["name"], band["min"], band["max"]
    return "above_listed_range", bands[-1]["max"], None


def _describe(entry: Entry, name: str, low: float | None, high: float | None) -> str:
    if name == "below_listed_range":
        span = f"below {high:g} g"
    elif name == "above_listed_range":
        span = f"at or above {low:g} g"
    elif high is None:
        span = f"{low:g} g or more"
    else:
        span = f"{low:g}-{high:g} g"
    return f"'{name.replace('_', ' ')}' by {entry['label']} ({span})"


def band_alert(kb: Knowledge, cfg: SafetyConfig, dose: DoseView, *, only_caution: bool) -> list[Alert]:
    if not dose.is_kratom or dose.amount_g is None:
        return []
    if not dose.is_leaf:
        if only_caution:
            return []
        entries = list(kb.of("dose_bands"))
        return [
            from_entries(
                entries,
                key=f"dose:bands_not_applicable:{dose.id}",
                rule="dose",
                level="info",
                title="Leaf dose bands do not apply to this product",
                message=(
                    "The published dose bands are for plain leaf taken by mouth; extracts, shots, tablets and 7-OH "
                    "products can be many times stronger per gram, so this dose is not compared with them."
                ),
                actions=("Ask your pharmacist about the strength of this product.",),
                evidence=[dose_evidence(dose)],
            )
        ]
    entries = list(kb.of("dose_bands"))
    found = [(entry, *classify(entry, dose.amount_g)) for entry in entries]
    votes = sum(1 for _, name, _, _ in found if name in STRONG_OR_MORE)
    level = "caution" if votes >= cfg.band_caution_votes else "info"
    if only_caution and level != "caution":
        return []
    described = "; ".join(_describe(entry, name, low, high) for entry, name, low, high in found)
    timing = kb.get("dose_bands", "tripsit")
    return [
        from_entries(
            entries,
            key=f"dose:band:{dose.id}",
            rule="dose",
            level=level,
            title=f"{fmt_g(dose.amount_g)} of kratom leaf compared with published bands",
            message=(
                f"{fmt_g(dose.amount_g)} is {described}. The references disagree with each other. {NO_ADVICE} "
                f"Effects usually begin within {timing['onset_minutes']['min']:g}-{timing['onset_minutes']['max']:g} "
                f"minutes and last {timing['duration_hours']['min']:g}-{timing['duration_hours']['max']:g} hours."
            ),
            actions=(
                ("Higher doses bring more side effects; talk to your clinician about your use.",)
                if level == "caution"
                else ("Log how it worked, so your own diary shows what this amount does for you.",)
            ),
            evidence=[dose_evidence(dose)],
            extra={"bands": {entry.key: name for entry, name, _, _ in found}},
        )
    ]


def _prior_leaf(diary: Diary, cfg: SafetyConfig, dose: DoseView) -> list[float]:
    since = dose.taken_at - dt.timedelta(days=cfg.usual_range_days)
    return [
        d.amount_g
        for d in diary.kratom_doses()
        if d.is_leaf and d.amount_g is not None and since <= d.taken_at < dose.taken_at and d.id != dose.id
    ]


def unusual_alerts(diary: Diary, kb: Knowledge, cfg: SafetyConfig, dose: DoseView) -> list[Alert]:
    if not dose.is_leaf or dose.amount_g is None:
        return []
    alerts = []
    prior = _prior_leaf(diary, cfg, dose)
    median = statistics.median(prior) if len(prior) >= cfg.usual_range_min_doses else None
    slip = None
    if dose.amount_g < cfg.tiny_leaf_dose_g:
        slip = f"{dose.amount:g} {dose.unit} is only {dose.amount_g * 1000:g} mg of leaf; did you mean grams?"
    elif dose.amount_g >= cfg.large_leaf_dose_g:
        slip = f"{fmt_g(dose.amount_g)} of leaf in one dose is far more than any listed band; please check the amount and unit."
    elif median and (dose.amount_g >= median * cfg.unit_ratio or dose.amount_g <= median / cfg.unit_ratio):
        slip = (
            f"{fmt_g(dose.amount_g)} is {cfg.unit_ratio:g} times or more away from your usual {fmt_g(median)}; "
            "please check the amount and unit."
        )
    if slip:
        fact = kb.get("facts", "unit_check")
        alerts.append(
            from_entries(
                [fact],
                key=f"dose:unit_check:{dose.id}",
                rule="dose",
                level="caution",
                title="Possible unit mistake",
                message=f"{slip} {fact['statement']}",
                actions=("Open the dose and correct the amount or unit if it was a slip.",),
                evidence=[dose_evidence(dose)],
            )
        )
        return alerts
    if median is not None:
        # The top of the usual range: the largest earlier dose once the highest tenth is set aside.
        ordered = sorted(prior)
        upper = ordered[len(ordered) - 1 - len(ordered) // 10]
        if dose.amount_g > upper * (1 + cfg.usual_range_margin):
            fact = kb.get("facts", "usual_range")
            alerts.append(
                from_entries(
                    [fact],
                    key=f"dose:above_usual:{dose.id}",
                    rule="dose",
                    level="caution",
                    title="Higher than your usual kratom dose",
                    message=(
                        f"{fmt_g(dose.amount_g)} is above your usual range: at least 9 in 10 of your {len(prior)} "
                        f"leaf doses in the previous {cfg.usual_range_days} days were {fmt_g(upper)} or less "
                        f"(median {fmt_g(median)}). {fact['statement']}"
                    ),
                    actions=(
                        "If you needed more for the same relief, tell your clinician; it can be a sign of tolerance.",
                    ),
                    evidence=[dose_evidence(dose)],
                    extra={
                        "usual_upper_g": upper,
                        "usual_median_g": round(median, 3),
                        "prior_doses": len(prior),
                    },
                )
            )
    return alerts


def trend_alert(diary: Diary, kb: Knowledge, cfg: SafetyConfig, ref_day: dt.date) -> list[Alert]:
    """Mean daily leaf grams (on days with use) per week over the last `trend_weeks` weeks."""
    first = ref_day - dt.timedelta(days=7 * cfg.trend_weeks - 1)
    daily: dict[dt.date, float] = defaultdict(float)
    used = [
        d for d in diary.kratom_doses() if d.is_leaf and d.amount_g is not None and first <= d.day <= ref_day
    ]
    for d in used:
        daily[d.day] += d.amount_g  # type: ignore[operator]
    weeks: list[tuple[int, float]] = []
    for w in range(cfg.trend_weeks):
        start = first + dt.timedelta(days=7 * w)
        values = [v for day, v in daily.items() if start <= day < start + dt.timedelta(days=7)]
        if values:
            weeks.append((w, statistics.fmean(values)))
    if len(weeks) < cfg.trend_min_weeks:
        return []
    early = statistics.fmean(v for _, v in weeks[:2])
    late = statistics.fmean(v for _, v in weeks[-2:])
    slope = statistics.linear_regression([w for w, _ in weeks], [v for _, v in weeks]).slope
    if slope <= 0 or late < early * cfg.trend_ratio:
        return []
    fact = kb.get("facts", "rising_dose")
    return [
        from_entries(
            [fact],
            key="dose:rising_trend",
            rule="dose",
            level="caution",
            title="Your daily kratom amount has been rising",
            message=(
                f"On days you took kratom, the daily amount rose from about {fmt_g(early)} in the earliest weeks to "
                f"{fmt_g(late)} in the latest, over the last {cfg.trend_weeks} weeks. This can be a sign of "
                f"tolerance. {fact['statement']}"
            ),
            actions=("Talk to your clinician about the trend before it goes further.",),
            evidence=[dose_evidence(d) for d in used],
            extra={"weekly_mean_g": [round(v, 2) for _, v in weeks], "slope_g_per_week": round(slope, 3)},
        )
    ]


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    alerts: list[Alert] = []
    for dose in focus.doses:
        alerts += band_alert(kb, cfg, dose, only_caution=focus.mode == "diary")
        alerts += unusual_alerts(diary, kb, cfg, dose)
    if focus.summary or any(d.is_leaf for d in focus.doses):
        alerts += trend_alert(diary, kb, cfg, diary.day(focus.ref))
    return alerts
