"""Everything the clinician report shows, gathered once so the page and the PDF say the same thing.

The numbers come from :func:`relief.insights.services.analysis_for` (never recomputed here), the
safety alerts from :func:`relief.safety.engine.check_diary`, and the rest from the
person's own entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.utils import timezone

from relief.analysis.frames import Diary
from relief.analysis.review import restrict
from relief.core.access import owned
from relief.insights.analysis import analysis_for
from relief.insights.text import percent, rate_text  # noqa: F401 - the report modules read them here
from relief.plans.models import Plan
from relief.products.models import Product
from relief.safety.engine import check_diary
from relief.safety.kb import load_knowledge
from relief.treatments.classes import OVERUSE_GROUPS, SUBSTANCE_CLASSES
from relief.treatments.models import StandingMedication

NOTICE = "Self-reported diary data. The findings are not a diagnosis."
DEFAULT_DAYS = 183


@dataclass
class Report:
    user: User
    start: date
    end: date
    generated_at: datetime
    diary: Diary
    doc: dict[str, Any]
    baseline: tuple[date, date] | None
    alerts: list[Any] = field(default_factory=list)
    overuse: list[dict[str, Any]] = field(default_factory=list)
    kratom: dict[str, Any] = field(default_factory=dict)
    questionnaires: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    medications: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[Any] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def monthly(self) -> list[dict[str, Any]]:
        return self.doc["frequency"]["monthly"]

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.doc["classification"]["findings"]

    @property
    def treatments(self) -> list[dict[str, Any]]:
        return self.doc["treatments"]

    @property
    def triggers(self) -> list[dict[str, Any]]:
        return [t for t in self.doc["triggers"] if t["verdict"] in ("trigger", "protector")]

    @property
    def trigger_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.doc["triggers"]:
            counts[t["verdict"]] = counts.get(t["verdict"], 0) + 1
        return counts


def build_report(user: User, start: date | None = None, end: date | None = None) -> Report:
    """Everything the report shows for ``user``: by default the last six months up to today."""
    found = analysis_for(user, start, end, default_days=DEFAULT_DAYS)
    assert isinstance(found.start, date) and isinstance(found.end, date)
    start, end = found.start, found.end
    report = Report(
        user=user,
        start=start,
        end=end,
        generated_at=timezone.now(),
        diary=restrict(found.diary, start, end),
        doc=found.doc,
        baseline=found.baseline,  # type: ignore[arg-type]
    )
    report.alerts = _alerts(user)
    report.overuse = _overuse(found.doc)
    report.kratom = _kratom(report.diary)
    report.questionnaires = _latest_questionnaires(found.doc)
    report.products = _products(user)
    report.medications, report.interactions = _medications(user, start, end, report.alerts)
    report.questions = _questions(user)
    return report


def _alerts(user: User) -> list[Any]:
    return list(check_diary(user))


def _thresholds() -> dict[str, tuple[int, str]]:
    """Overuse days a month by substance class (ICHD-3 8.2, from the safety knowledge base)."""
    by_group = {
        e.data["group"]: (int(e.data["days_per_month"]), e.data["label"])
        for e in load_knowledge().entries["overuse"]
    }
    return {
        cls: by_group[group]
        for group, classes in OVERUSE_GROUPS.items()
        if group in by_group
        for cls in classes
    }


def _overuse(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Acute-medication days by class in each month, beside its overuse threshold."""
    thresholds = _thresholds()
    classes = sorted(
        {c for m in doc["frequency"]["monthly"] for c in m["acute_medication_days"] if c != "any"}
    )
    rows = []
    for cls in classes:
        limit = thresholds.get(cls)
        months = [(m["month"], m["acute_medication_days"].get(cls, 0)) for m in doc["frequency"]["monthly"]]
        rows.append(
            {
                "class": cls,
                "label": SUBSTANCE_CLASSES.get(cls, cls),
                "months": months,
                "threshold": limit[0] if limit else None,
                "over": [month for month, days in months if limit and days >= limit[0]],
            }
        )
    return rows


def _kratom(diary: Diary) -> dict[str, Any]:
    doses = diary.doses
    kratom = doses[doses["is_kratom"].astype(bool)] if len(doses) else doses
    grams = pd.to_numeric(kratom["amount_g"], errors="coerce") if len(kratom) else pd.Series(dtype=float)
    days = int(kratom["date"].nunique()) if len(kratom) else 0
    total = float(grams.sum()) if grams.notna().any() else None
    per_day = None
    if days and total is not None:
        per_day = round(float(grams.groupby(kratom["date"]).sum().median()), 2)
    return {
        "doses": len(kratom),
        "days": days,
        "total_g": None if total is None else round(total, 1),
        "median_g_per_day": per_day,
        "unknown_amounts": int(grams.isna().sum()) if len(kratom) else 0,
    }


def _latest_questionnaires(doc: dict[str, Any]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for q in doc["frequency"]["questionnaires"]:
        latest[q["instrument"]] = q
    return [latest[k] for k in ("midas", "hit6", "sows") if k in latest]


def _products(user: User) -> list[dict[str, Any]]:
    rows = []
    for product in owned(Product, user).select_related("substance").prefetch_related("batches__lab_reports"):
        batches = []
        for batch in product.batches.all():
            report = batch.latest_report
            if report is None:
                status = "no lab report"
            else:
                parts = [
                    f"tested {report.test_date or 'on an unknown date'}"
                    + (f" by {report.lab}" if report.lab else "")
                ]
                if report.mitragynine_mg_per_g is not None:
                    parts.append(f"mitragynine {report.mitragynine_mg_per_g:g} mg/g")
                if report.seven_oh_mg_per_g is not None:
                    parts.append(f"7-OH {report.seven_oh_mg_per_g:g} mg/g")
                metals = [
                    f"{m} {getattr(report, m + '_ppm'):g} ppm"
                    for m in ("lead", "arsenic", "cadmium", "mercury")
                    if getattr(report, m + "_ppm") is not None
                ]
                if metals:
                    parts.append(", ".join(metals))
                status = "; ".join(parts)
            batches.append({"lot": batch.lot_number or "?", "status": status})
        rows.append(
            {
                "name": str(product),
                "form": product.get_form_display(),
                "substance": product.substance.name,
                "batches": batches,
            }
        )
    return rows


def _medications(
    user: User, start: date, end: date, alerts: list[Any]
) -> tuple[list[dict[str, Any]], list[Any]]:
    meds = []
    for med in owned(StandingMedication, user).select_related("substance"):
        if med.started_on > end or (med.stopped_on and med.stopped_on < start):
            continue
        meds.append(
            {
                "name": med.substance.name,
                "dose": med.dose_text or (f"{med.amount:g} {med.unit}" if med.amount is not None else ""),
                "since": med.started_on,
                "until": med.stopped_on,
                "reason": med.reason,
            }
        )
    interactions = [a for a in alerts if getattr(a, "rule", "") == "interaction"]
    return meds, interactions


def _questions(user: User) -> list[str]:
    questions = []
    for plan in owned(Plan, user).order_by("created_at"):
        questions += [line.strip() for line in (plan.questions or "").splitlines() if line.strip()]
    return questions
