"""The person's questions, answered first and in plain words.

Built from the analysis document itself (:func:`answer_questions` takes the
JSON-able dict that :func:`relief.analysis.analyze` returns), so the answers
can never disagree with the numbers behind them.  Every answer uses natural
frequencies ("3 of 11 attacks") with the 95 % interval turned into the same
form ("somewhere between 1 and 6 in 11"), says when the diary cannot tell
yet, and then estimates how many more attacks or weeks would be needed for
an answer (a two-proportion power calculation at the rates seen so far).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from scipy import stats

from .results import FEWEST_FOR_A_RATE

ENDPOINT_NAMES: dict[str, str] = {
    "pain_free_2h": "pain gone within 2 hours",
    "pain_relief_2h": "pain down to mild or none within 2 hours",
    "mbs_free_2h": "worst symptom gone within 2 hours",
    "sustained_pain_free_24h": "pain gone within 2 hours and still gone a day later",
    "rescue": "needed a second medicine",
}
"""Human names of the IHS acute-treatment endpoints."""

SIGNAL_NAMES: dict[str, str] = {
    "relief_per_gram": "pain relief per gram",
    "grams_per_dose": "grams per dose",
    "grams_per_day": "grams per day of use",
    "use_days_per_28": "days with a dose every 4 weeks",
}

LAG_WORDS = {0: "the same day", 1: "the day before", 2: "two days before"}
LAG_NOTES = {0: "", 1: " (the day before)", 2: " (two days before)"}

POWER = 0.8
ALPHA = 0.05
SMALLEST_DIFFERENCE = 0.2
"""When the rates seen so far are (almost) equal, the power calculation asks what it would
take to see a 20-point difference in the share of attacks with the pain gone."""

TRIAL_OFFER = (
    "A personal trial would settle this sooner: decide in advance which attacks get kratom and which "
    "get your usual treatment (alternating, for example), and the app compares them for you."
)


@dataclass
class Answer:
    id: str
    question: str
    answer: str
    status: str
    """"answered" | "not_enough_data" | "no_data"."""
    needed: str | None = None
    """How many more attacks or weeks would be needed for an answer (when not enough data)."""
    trial: str | None = None
    details: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def in_words(
    k: int, n: int, ci: list[float | None] | tuple[float | None, float | None] | None, noun: str = ""
) -> str:
    """'3 of 11 attacks (somewhere between 1 and 6 in 11)'."""
    if not n:
        return "none so far"
    text = f"{k} of {n}{noun}"
    low, high = (ci or (None, None))[:2]
    if low is None or high is None:
        return text
    lo, hi = min(round(low * n), k), max(round(high * n), k)
    if lo == hi:
        return text
    return f"{text} (somewhere between {lo} and {hi} in {n})"


def attacks_per_group(p1: float, p2: float, power: float = POWER, alpha: float = ALPHA) -> int:
    """Attacks needed in each of two groups to tell rates p1 and p2 apart (normal approximation)."""
    if abs(p1 - p2) < SMALLEST_DIFFERENCE / 2:
        centre = min(max((p1 + p2) / 2, SMALLEST_DIFFERENCE / 2), 1 - SMALLEST_DIFFERENCE / 2)
        p1, p2 = centre - SMALLEST_DIFFERENCE / 2, centre + SMALLEST_DIFFERENCE / 2
    za = float(stats.norm.ppf(1 - alpha / 2))
    zb = float(stats.norm.ppf(power))
    pbar = (p1 + p2) / 2
    top = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return max(5, math.ceil((top / (p1 - p2)) ** 2))


def _shrunk(k: int, n: int) -> float:
    """A rate that is never exactly 0 or 1 (add one success and one failure), for power calculations."""
    return (k + 1) / (n + 2)


def _roughly(count: float) -> str:
    """A count to read as an estimate: exact below 100, else to two significant figures (1,291 -> 1,300)."""
    whole = math.ceil(count)
    if whole < 100:
        return str(whole)
    step = 10 ** (len(str(whole)) - 2)
    return f"{round(whole / step) * step:,}"


def _weeks(attacks: float, attacks_per_week: float) -> str:
    if attacks_per_week <= 0:
        return ""
    weeks = attacks / attacks_per_week
    if weeks > 104:
        return f", which at your current rate of attacks would take about {weeks / 52:.0f} years"
    if weeks > 10:
        return f", about {weeks / 4.35:.0f} months at your current rate of attacks"
    return f", about {max(1, round(weeks))} weeks at your current rate of attacks"


def _attacks_per_week(doc: dict[str, Any]) -> float:
    period = doc.get("period") or {}
    days = period.get("days") or 0
    return (period.get("attacks") or 0) / days * 7 if days else 0.0


def _kratom_row(doc: dict[str, Any]) -> dict[str, Any] | None:
    for row in doc.get("treatments") or []:
        if (
            row.get("treatment", "").lower() == "kratom"
            and not row.get("dose_band")
            and not row.get("product")
        ):
            found: dict[str, Any] = row
            return found
    return None


def kratom_helps(doc: dict[str, Any]) -> Answer:
    q = "Does kratom help my attacks?"
    kratom = _kratom_row(doc)
    if kratom is None or not kratom["pain_free_2h"]["n"]:
        return Answer(
            "kratom_helps", q, "No attack treated with kratom has a pain score 2 hours later yet.", "no_data"
        )
    k = kratom["pain_free_2h"]
    u = (doc.get("untreated") or {}).get("pain_free_2h") or {"k": 0, "n": 0, "ci": [None, None]}
    diff = kratom.get("difference_vs_untreated_pain_free_2h") or [None, None, None]
    details = [
        f"Kratom, {ENDPOINT_NAMES['pain_free_2h']}: {in_words(k['k'], k['n'], k['ci'])}.",
        f"Untreated attacks count as 'pain gone within 2 hours' when the attack ended within 2 hours; "
        f"{in_words(u['k'], u['n'], u['ci'])} did.",
    ]
    for key in ("pain_relief_2h", "rescue"):
        r = kratom.get(key) or {}
        if r.get("n"):
            details.append(f"Kratom, {ENDPOINT_NAMES[key]}: {in_words(r['k'], r['n'], r['ci'])}.")
    sentence = f"Pain gone within 2 hours after {in_words(k['k'], k['n'], k['ci'], ' attacks with kratom')}"
    if not u["n"]:
        return Answer(
            "kratom_helps",
            q,
            sentence + ", but there are no untreated attacks with a known end to compare with.",
            "not_enough_data",
            needed="Logging when untreated attacks end (or a few attacks treated another way) would give a comparison.",
            trial=TRIAL_OFFER,
            details=details,
        )
    sentence += f", against {u['k']} of {u['n']} untreated"
    low, high = diff[1], diff[2]
    if low is not None and high is not None and (low > 0 or high < 0):
        better = "more" if low > 0 else "less"
        return Answer(
            "kratom_helps",
            q,
            sentence + f": pain was gone {better} often with kratom than without. "
            "That is what your diary shows, not proof that kratom caused it.",
            "answered",
            details=details,
        )
    per_group = attacks_per_group(_shrunk(k["k"], k["n"]), _shrunk(u["k"], u["n"]))
    total = k["n"] + u["n"]
    share_k = k["n"] / total
    more_k, more_u = (per_group - k["n"]) / share_k, (per_group - u["n"]) / (1 - share_k)
    more = max(more_k, more_u, 0.0)
    # The rarer group sets the pace: with 1 untreated attack in 10, reaching 130 untreated ones takes
    # some 1,300 more attacks in all, which reads as a contradiction unless the mix is named.
    mix = ""
    if more > 0 and more_u >= more_k and u["n"] < k["n"]:
        mix = f", if {u['n']} in {total} stay untreated as so far"
    elif more > 0 and more_k > more_u and k["n"] < u["n"]:
        mix = f", if {k['n']} in {total} are treated with kratom as so far"
    needed = (
        f"About {per_group} attacks with kratom and {per_group} without (both with a known outcome) would be "
        f"needed to tell a difference like this apart: roughly {_roughly(more)} more attacks{mix}"
        f"{_weeks(more, _attacks_per_week(doc))}."
    )
    return Answer(
        "kratom_helps",
        q,
        sentence + ": too few attacks to tell them apart yet.",
        "not_enough_data",
        needed=needed,
        trial=TRIAL_OFFER,
        details=details,
    )


def kratom_dose(doc: dict[str, Any]) -> Answer:
    q = "At what dose?"
    bands = [
        r
        for r in doc.get("treatments") or []
        if r.get("treatment", "").lower() == "kratom" and r.get("dose_band") and r["pain_free_2h"]["n"]
    ]
    products = [
        r
        for r in doc.get("treatments") or []
        if r.get("treatment", "").lower() == "kratom" and r.get("product") and r["pain_free_2h"]["n"]
    ]
    if not bands:
        return Answer(
            "kratom_dose", q, "No kratom-treated attack with a known amount and outcome yet.", "no_data"
        )
    parts = []
    for r in bands:
        pf = r["pain_free_2h"]
        few = " (too few to say)" if pf["n"] < FEWEST_FOR_A_RATE else ""
        parts.append(f"{r['dose_band']}: {pf['k']} of {pf['n']}{few}")
    details = [
        f"{r['dose_band']}: {in_words(r['pain_free_2h']['k'], r['pain_free_2h']['n'], r['pain_free_2h']['ci'])}"
        for r in bands
    ]
    details += [
        f"{r['product']}: {in_words(r['pain_free_2h']['k'], r['pain_free_2h']['n'], r['pain_free_2h']['ci'])}"
        for r in products
    ]
    trend = next(
        (
            d
            for d in doc.get("dose_response") or []
            if d.get("exposure") == "grams" and d.get("endpoint") == "pain_free_2h"
        ),
        None,
    )
    opening = "Pain gone within 2 hours, by amount: " + "; ".join(parts) + "."
    closing = " This describes your diary; it is not a dose recommendation."
    enough = [r for r in bands if r["pain_free_2h"]["n"] >= FEWEST_FOR_A_RATE]
    if len(enough) < 2:
        smallest = min(bands, key=lambda r: r["pain_free_2h"]["n"])
        need = max(0, FEWEST_FOR_A_RATE - smallest["pain_free_2h"]["n"])
        return Answer(
            "kratom_dose",
            q,
            opening + " Too few attacks at each amount to compare them yet." + closing,
            "not_enough_data",
            needed=f"At least {FEWEST_FOR_A_RATE} attacks at each amount you use are needed before amounts can be "
            "compared" + (f" ({need} more at {smallest['dose_band']})." if need else "."),
            trial=TRIAL_OFFER,
            details=details,
        )
    if trend and trend.get("odds_ratio_per_unit") is not None and (trend.get("p_value") or 1) < 0.05:
        way = "more" if trend["odds_ratio_per_unit"] > 1 else "less"
        details.append(
            f"Odds of pain gone within 2 hours per extra gram: {trend['odds_ratio_per_unit']:.2f} "
            f"(95% interval {trend['ci'][0]:.2f} to {trend['ci'][1]:.2f}, {trend['doses']} doses)."
        )
        return Answer(
            "kratom_dose",
            q,
            opening + f" Bigger amounts went with pain gone {way} often." + closing,
            "answered",
            details=details,
        )
    return Answer(
        "kratom_dose",
        q,
        opening + " The differences between amounts are within what chance alone could give." + closing,
        "answered",
        details=details,
    )


def _signal(doc: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((s for s in doc.get("tolerance") or [] if s.get("signal") == name), None)


def _pct(value: float) -> str:
    return f"{value * 100:+.0f}%"


def working_less(doc: dict[str, Any]) -> Answer:
    q = "Is it working less well than it did?"
    relief = _signal(doc, "relief_per_gram")
    dose = _signal(doc, "grams_per_dose")
    per_day = _signal(doc, "grams_per_day")
    if relief is None or relief.get("verdict") == "not_enough_data":
        n = (relief or {}).get("n") or 0
        return Answer(
            "working_less",
            q,
            "Not enough kratom-treated attacks with pain scored before and 2 hours after to tell yet.",
            "not_enough_data",
            needed=f"About {max(1, 10 - n)} more such attacks, spread over at least 2 months.",
            details=[(relief or {}).get("explanation", "")] if relief else [],
        )
    change, ci = relief.get("change"), relief.get("change_ci") or [None, None]
    span = f"over {relief['months']} months"
    details = [relief["explanation"]]
    if change is None:
        body = f"Relief per gram is {relief['verdict']} {span}."
    else:
        body = f"Pain relief per gram changed by {_pct(change)} {span}"
        if ci[0] is not None and ci[1] is not None:
            body += f" (somewhere between {_pct(ci[0])} and {_pct(ci[1])})"
        body += "."
    if relief["verdict"] == "falling":
        answer = "Yes, it looks that way: " + body[0].lower() + body[1:]
    elif relief["verdict"] == "rising":
        answer = "No, if anything it works better: " + body[0].lower() + body[1:]
    elif ci[0] is not None and ci[1] is not None and ci[0] < -0.3 and ci[1] > 0.3:
        more = 3 * max(10, relief.get("n") or 0)  # four times the data halves an interval
        return Answer(
            "working_less",
            q,
            "Too early to tell: " + body[0].lower() + body[1:] + " That range is too wide to say either way.",
            "not_enough_data",
            needed=f"Roughly {more} more kratom-treated attacks with pain scored before and 2 hours after "
            "would about halve that range.",
            details=details,
        )
    else:
        answer = "No clear change: " + body[0].lower() + body[1:]
    for s in (dose, per_day):
        if (
            s
            and s.get("verdict") == "rising"
            and s.get("start_level") is not None
            and s.get("change") is not None
        ):
            start = s["start_level"]
            end = start * (1 + s["change"])
            answer += f" Your {SIGNAL_NAMES[s['signal']]} rose from about {start:.1f} g to {end:.1f} g."
            details.append(s["explanation"])
            break
    answer += " A change like this can also come from the attacks changing; it is worth discussing with a clinician."
    return Answer("working_less", q, answer, "answered", details=details)


def _trigger_sentence(t: dict[str, Any]) -> str:
    exposed, unexposed = t["exposed_days"], t["unexposed_days"]
    ea = t["exposed_attacks"]
    ua = t["attacks"] - ea
    when = LAG_NOTES.get(t["lag_days"], f" ({t['lag_days']} days before)")
    return (
        f"{t['label'] or t['factor']}{when}: an attack started on {ea} of {exposed} such days, "
        f"against {ua} of {unexposed} other days"
    )


def what_comes_before(doc: dict[str, Any]) -> Answer:
    q = "What seems to come before my attacks?"
    rows = doc.get("triggers") or []
    triggers = sorted((t for t in rows if t["verdict"] == "trigger"), key=lambda t: t["q_value"] or 1)
    protectors = sorted((t for t in rows if t["verdict"] == "protector"), key=lambda t: t["q_value"] or 1)
    details = [
        f"{t['label'] or t['factor']}, {LAG_WORDS.get(t['lag_days'], t['lag_days'])}: odds ratio "
        f"{t['effect']:.2f} (95% interval {t['ci'][0]:.2f} to {t['ci'][1]:.2f}), q = {t['q_value']:.3f}, "
        f"{t['family']} family."
        for t in triggers + protectors
        if t.get("effect") is not None
    ]
    if triggers or protectors:
        parts = []
        if triggers:
            parts.append(
                "Attacks started more often after "
                + "; ".join(_trigger_sentence(t) for t in triggers[:3])
                + "."
            )
        if protectors:
            parts.append(
                "Fewer started after " + "; ".join(_trigger_sentence(t) for t in protectors[:2]) + "."
            )
        parts.append("These are patterns in your diary, not proof of cause.")
        return Answer("triggers", q, " ".join(parts), "answered", details=details)
    judged = [t for t in rows if t["verdict"] != "not_enough_data" and t.get("family") == "primary"]
    if not judged:
        return Answer(
            "triggers",
            q,
            "Not enough days logged yet to look for patterns.",
            "not_enough_data",
            needed="Daily check-ins (sleep, stress, food and drink, period) for about 2 months with at least "
            "10 attacks are needed before anything can be compared.",
            details=details,
        )
    best = min(judged, key=lambda t: t["p_value"] if t.get("p_value") is not None else 1.0)
    exposed, unexposed = best["exposed_days"], best["unexposed_days"]
    ea = best["exposed_attacks"]
    ua = best["attacks"] - ea
    per_group = attacks_per_group(_shrunk(ea, exposed), _shrunk(ua, unexposed))
    share = exposed / max(exposed + unexposed, 1)
    more_days = max((per_group - exposed) / max(share, 1e-9), 0.0)
    needed = (
        f"The closest is {best['label'] or best['factor']}"
        f"{LAG_NOTES.get(best['lag_days'], '')}; telling an effect of this size apart would take about "
        f"{math.ceil(more_days / 7)} more weeks of daily check-ins."
    )
    return Answer(
        "triggers",
        q,
        "Nothing stands out yet: no factor went with attacks clearly more (or less) often than chance would give.",
        "not_enough_data",
        needed=needed,
        trial="If you suspect something, a personal trial (some weeks avoiding it, some weeks not) gives a "
        "clearer answer than waiting.",
        details=details,
    )


LIMITS = (
    ("triptan", 10),
    ("opioid", 10),
    ("ergot", 10),
    ("combination_analgesic", 10),
    ("kratom", 10),
    ("nsaid", 15),
    ("non_opioid_analgesic", 15),
)
"""Days per month from which regular intake for more than 3 months counts towards
medication-overuse headache (ICHD-3 8.2; kratom counted like an opioid, a project rule)."""


def acute_too_often(doc: dict[str, Any]) -> Answer:
    q = "Am I taking acute medicine too often?"
    periods = (doc.get("frequency") or {}).get("periods_28") or []
    if not periods:
        return Answer(
            "acute_medicine",
            q,
            "Not enough days logged yet: this needs at least 4 weeks.",
            "not_enough_data",
            needed="At least one full 4-week period, and 3 months for the medication-overuse check.",
        )
    last = periods[-3:]
    over: list[str] = []
    lines = []
    for cls, limit in LIMITS:
        days = [p["acute_medication_days"].get(cls, 0) for p in last]
        if cls == "kratom":
            days = [max(d, p.get("kratom_days", 0)) for d, p in zip(days, last, strict=True)]
        if any(days):
            lines.append(f"{cls.replace('_', ' ')}: {', '.join(str(d) for d in days)} days")
        if len(last) == 3 and all(d >= limit for d in days):
            over.append(f"{cls.replace('_', ' ')} (on {limit} or more days every 4 weeks)")
    any_days = [p["acute_medication_days"].get("any", 0) for p in last]
    answer = (
        f"In the last {len(last)} four-week period{'s' if len(last) > 1 else ''} you took acute medicine on "
        f"{', '.join(str(d) for d in any_days)} days."
    )
    finding = next(
        (f for f in (doc.get("classification") or {}).get("findings", []) if f.get("code") == "8.2"), None
    )
    if over:
        answer += (
            " That is at or above the level where medicine can keep headaches going (medication-overuse "
            "headache) for " + "; ".join(over) + ". Please talk to your clinician before changing anything."
        )
        status = "answered"
    elif len(last) < 3:
        answer += " The medication-overuse check needs 3 months."
        status = "not_enough_data"
    else:
        answer += (
            " That is below the levels linked with medication-overuse headache (10 days a month for triptans, "
            "opioids, kratom and combinations; 15 for simple painkillers)."
        )
        status = "answered"
    details = lines + ([f"ICHD-3 8.2: {finding['wording']} ({finding['evidence']})"] if finding else [])
    needed = None if status == "answered" else f"{3 - len(last)} more four-week periods."
    return Answer("acute_medicine", q, answer, status, needed=needed, details=details)


def answer_questions(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The five questions, in the order a person asks them."""
    answers = [
        kratom_helps(doc),
        kratom_dose(doc),
        working_less(doc),
        what_comes_before(doc),
        acute_too_often(doc),
    ]
    return [a.as_dict() for a in answers]
