"""Products: a batch without a lab report, an old or undated report, results over a limit, and a 7-OH share
that points to an enhanced or adulterated product."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relief.safety.alerts import Alert, Evidence, from_entries
from relief.safety.config import SafetyConfig
from relief.safety.kb import Knowledge
from relief.safety.rules.base import Focus, dose_evidence
from relief.safety.rules.legal import place
from relief.safety.snapshot import NON_LEAF_FORMS, Diary, DoseView
from relief.treatments.models import BUILT_IN_UNITS

# Lab report field -> analyte key in product_limits.yaml
FIELDS = {
    "arsenic_ppm": "arsenic",
    "cadmium_ppm": "cadmium",
    "lead_ppm": "lead",
    "mercury_ppm": "mercury",
    "yeast_mould_cfu_g": "yeast_mould",
    "salmonella_detected": "salmonella",
    "ecoli_detected": "e_coli",
}
PATHOGENS = frozenset({"salmonella", "e_coli"})
ASK_VENDOR = "Ask the vendor for the certificate of analysis for this lot number."


def _batch_evidence(batch: Any) -> Evidence:
    bought = f", bought {batch.purchase_date}" if batch.purchase_date else ""
    return Evidence("batch", str(batch.id), f"{batch.product} lot {batch.lot_number or '?'}{bought}")


def _report_evidence(report: Any) -> Evidence:
    return Evidence(
        "lab_report",
        str(report.id),
        f"lab report {report.report_id or '?'} tested {report.test_date or 'on an unknown date'}",
    )


def seven_oh_share(report: Any) -> tuple[float | None, bool]:
    """7-OH as % of alkaloids, and whether it is an estimate from mitragynine and 7-OH alone.

    The estimate divides by mitragynine + 7-OH only, so it can only overstate the true share.
    """
    if report.seven_oh_pct_alkaloids is not None:
        return report.seven_oh_pct_alkaloids, False
    if report.seven_oh_mg_per_g is not None and report.mitragynine_mg_per_g:
        total = report.mitragynine_mg_per_g + report.seven_oh_mg_per_g
        return 100 * report.seven_oh_mg_per_g / total, True
    return None, False


def _exceeded(limit: dict[str, Any], value: Any) -> bool:
    if limit["comparison"] == "absent":
        return value is True
    if value is None:
        return False
    cap = float(limit["max"])
    return bool(value >= cap) if limit["comparison"] == "lt" else bool(value > cap)


def batch_alerts(
    diary: Diary, kb: Knowledge, cfg: SafetyConfig, batch: Any, doses: list[DoseView]
) -> list[Alert]:
    if batch.product.substance.substance_class != "kratom":
        return []
    used = [dose_evidence(d) for d in doses]
    reports = sorted(batch.lab_reports.all(), key=lambda r: (r.test_date or dt.date.min, str(r.id)))
    if not reports:
        return [_no_report_alert(kb, batch, used)]
    report = reports[-1]
    evidence = [_batch_evidence(batch), _report_evidence(report), *used]
    found = [
        _report_age_alert(kb, cfg, batch, report, evidence),
        _over_limit_alert(kb, report, evidence),
        _seven_oh_share_alert(diary, kb, report, evidence),
    ]
    alerts = [alert for alert in found if alert is not None]
    alerts += seven_oh_amount_alerts(diary, kb, batch, report, doses, evidence)
    return alerts


def _no_report_alert(kb: Knowledge, batch: Any, used: list[Evidence]) -> Alert:
    """A kratom batch with no certificate of analysis at all."""
    fact = kb.get("facts", "lab_report_missing")
    return from_entries(
        [fact],
        key=f"product:no_lab_report:{batch.id}",
        rule="product",
        level="info",
        title="No lab report for this batch",
        message=f"There is no lab report (certificate of analysis) for {batch.product} lot {batch.lot_number or '?'}. {fact['statement']}",
        actions=(ASK_VENDOR, "Add the report to the batch when you have it."),
        evidence=[_batch_evidence(batch), *used],
    )


def _report_age_alert(
    kb: Knowledge, cfg: SafetyConfig, batch: Any, report: Any, evidence: list[Evidence]
) -> Alert | None:
    """The newest report has no test date, or was made long before the batch was bought."""
    age = kb.get("facts", "lab_report_age")
    if report.test_date is None:
        problem = "has no test date"
    elif batch.purchase_date and (batch.purchase_date - report.test_date).days > cfg.coa_max_age_days:
        problem = (
            f"was tested {(batch.purchase_date - report.test_date).days} days before you bought the batch"
        )
    else:
        problem = None
    if not problem:
        return None
    return from_entries(
        [age],
        key=f"product:report_age:{report.id}",
        rule="product",
        level="caution",
        title="The lab report may not describe this batch",
        message=f"The latest lab report {problem}. {age['statement']}",
        actions=(ASK_VENDOR,),
        evidence=evidence,
    )


def _over_limit_alert(kb: Knowledge, report: Any, evidence: list[Evidence]) -> Alert | None:
    """Contaminants or pathogens over the Utah kratom limits (R70-580-5)."""
    utah = kb.get("product_limits", "utah_r70_580_5")
    limits = {limit["analyte"]: limit for limit in utah["limits"]}
    over = []
    for field, analyte in FIELDS.items():
        value = getattr(report, field)
        if analyte in limits and _exceeded(limits[analyte], value):
            limit = limits[analyte]
            shown = (
                "detected"
                if limit["comparison"] == "absent"
                else f"{value:g} {limit['unit']} (limit {limit['max']:g})"
            )
            over.append((analyte, shown))
    if not over:
        return None
    level = "unsafe" if any(a in PATHOGENS for a, _ in over) else "caution"
    listed = ", ".join(f"{a.replace('_', ' ')} {s}" for a, s in over)
    return from_entries(
        [utah],
        key=f"product:over_limit:{report.id}",
        rule="product",
        level=level,
        title="Lab results over the Utah kratom limits",
        message=f"The lab report for this batch shows {listed}, over the limits of {utah['standard']}.",
        actions=(
            "Consider not using this batch until you have talked to your pharmacist or clinician.",
            "You can report the product to the vendor and to your food or drug safety authority.",
        ),
        evidence=evidence,
        extra={"over": dict(over)},
    )


def _seven_oh_share_alert(diary: Diary, kb: Knowledge, report: Any, evidence: list[Evidence]) -> Alert | None:
    """7-OH as a share of the alkaloids above an industry or state cap: an enhanced product."""
    share, estimated = seven_oh_share(report)
    if share is None:
        return None
    standards = [kb.get("product_limits", "kcpa_2_percent"), kb.get("product_limits", "aka_gmp")]
    ms = kb.get("product_limits", "mississippi_1_percent")
    country, region, _ = place(diary.profile)
    if country == "US" and region == "MS":
        standards.append(ms)
    exceeded = [s for s in standards if share > _cap(s)]
    if not exceeded:
        return None
    strict_only = all(s.key == "mississippi_1_percent" for s in exceeded)
    fact = kb.get("facts", "seven_oh_enhanced")
    caps = " and ".join(f"{_cap(s):g} % cap of {s['standard']}" for s in exceeded)
    how = " (estimated from mitragynine and 7-OH alone, which can only overstate it)" if estimated else ""
    return from_entries(
        [*exceeded, fact],
        key=f"product:seven_oh_share:{report.id}",
        rule="product",
        level="caution" if strict_only else "unsafe",
        title="Possibly enhanced or adulterated product",
        message=(f"7-OH makes up {share:.1f} % of the alkaloids{how}, above the {caps}. {fact['statement']}"),
        actions=(
            "Treat this product as much stronger than plain leaf, and talk to your pharmacist before using it.",
            ASK_VENDOR,
        ),
        evidence=evidence,
        extra={"seven_oh_share_pct": round(share, 2), "estimated": estimated},
    )


def _seven_oh_per_unit(dose: DoseView, per_g: float) -> tuple[float, str] | None:
    """mg of 7-OH in one unit of a processed product, and what the unit is.

    A dose counted in units of the person's own (tablets, shots) gives one unit's weight; a dose logged
    by weight is taken as one unit, which is what a tablet or shot swallowed whole is."""
    if not dose.amount_g or not dose.amount:
        return None
    if dose.unit.lower() not in BUILT_IN_UNITS:
        return dose.amount_g / dose.amount * per_g, f"one {dose.unit}"
    return dose.amount_g * per_g, "a logged dose"


def seven_oh_amount_alerts(
    diary: Diary, kb: Knowledge, batch: Any, report: Any, doses: list[DoseView], evidence: list[Evidence]
) -> list[Alert]:
    """Absolute 7-OH: mg per gram of product, and for processed products mg per unit, against the DEA
    and state figures.

    Works without a mitragynine figure, so a 7-OH tablet's certificate is judged on its own terms. Plant
    material is judged by weight alone: eight grams of ordinary leaf hold more than 1 mg of 7-OH, which
    says nothing about the leaf."""
    per_g = report.seven_oh_mg_per_g
    if per_g is None:
        return []
    dea = kb.get("product_limits", "dea_7oh_2026")
    limits = {x["analyte"]: x for x in dea["limits"]}
    used = [dea]
    found = []
    # Plant material (leaf powder, tea, capsules of leaf): the DEA notices judge it by its 7-OH share of
    # dry weight alone; the "per unit" figure is for processed extracts, edibles and pills.
    plant = batch.product.form not in NON_LEAF_FORMS
    cap_g = float(limits["seven_oh_mg_per_g"]["max"])
    if per_g > cap_g if plant else per_g >= cap_g:
        found.append(
            f"{per_g:g} mg of 7-OH per gram, {'above' if plant else 'at or above'} {cap_g:g} mg/g (0.050 %)"
        )
    cap_unit = float(limits["seven_oh_mg_per_unit"]["max"])
    per_unit = [] if plant else [u for d in doses if (u := _seven_oh_per_unit(d, per_g)) is not None]
    over_unit = [(mg, unit) for mg, unit in per_unit if mg > cap_unit]
    if over_unit:
        worst, unit = max(over_unit)
        found.append(f"up to {worst:.1f} mg of 7-OH in {unit}, above {cap_unit:g} mg per unit")
    country, region, _ = place(diary.profile)
    if country == "US" and region == "FL":
        florida = kb.get("product_limits", "florida_7oh_2025")
        cap = float(florida["limits"][0]["max"])
        if per_g > cap:
            found.append(f"above Florida's 1 % by weight ({cap:g} mg/g)")
            used.append(florida)
    if not found:
        return []
    fact = kb.get("facts", "seven_oh_enhanced")
    return [
        from_entries(
            [*used, fact],
            key=f"product:seven_oh_amount:{report.id}",
            rule="product",
            level="unsafe",
            title="Concentrated 7-OH product",
            message=(
                f"The lab report for {batch.product} shows {'; '.join(found)}. These are the figures the DEA's "
                f"2026 notices use for Schedule I (whether the orders took effect was not confirmed), and they "
                f"are far above natural leaf. {fact['statement']}"
            ),
            actions=(
                "Treat this product as much stronger than plain leaf and do not combine it with anything that "
                "makes you drowsy; talk to your pharmacist before using it.",
                "Check the current law where you live before you buy or carry it.",
            ),
            evidence=evidence,
            extra={
                "seven_oh_mg_per_g": per_g,
                "max_mg_per_unit": round(max((mg for mg, _ in per_unit), default=0), 2),
            },
        )
    ]


def _cap(entry: Any) -> float:
    return float(next(x["max"] for x in entry["limits"] if x["analyte"] == "seven_oh_share"))


def check(diary: Diary, kb: Knowledge, cfg: SafetyConfig, focus: Focus) -> list[Alert]:
    alerts: list[Alert] = []
    batches = {str(b.id): b for b in focus.batches}
    used: dict[str, list[DoseView]] = {}
    if focus.mode == "diary":
        since = focus.ref - dt.timedelta(days=cfg.window_days)
        doses = [d for d in diary.kratom_doses() if d.batch_id and d.taken_at >= since]
    else:
        doses = [d for d in focus.doses if d.is_kratom and d.batch_id]
    for dose in doses:
        batch_id = str(dose.batch_id)
        batches.setdefault(batch_id, dose.model.batch)
        used.setdefault(batch_id, []).append(dose)
    for batch_id, batch in batches.items():
        alerts += batch_alerts(diary, kb, cfg, batch, used.get(batch_id, []))
    return alerts
