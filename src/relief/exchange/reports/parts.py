"""What the clinician report shows, put together without the analysis: no pandas, SciPy or matplotlib.

The report's numbers come from the analysis document, which only the worker computes
(:mod:`relief.exchange.reports.data`); the web pages read it back from the stored insights
(:func:`report_from_stored`).  Everything else (safety alerts, products, standing medications, the
person's own questions, the overuse table and the latest questionnaires) is read here from the
person's rows and the document, so the page and the PDF say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User

from relief.core.access import owned
from relief.diary.models import QuestionnaireResponse
from relief.insights.services import KRATOM_KEY, Insights
from relief.plans.models import Plan
from relief.products.models import Product
from relief.safety.engine import check_diary
from relief.safety.kb import load_knowledge
from relief.treatments.classes import OVERUSE_GROUPS, SUBSTANCE_CLASSES
from relief.treatments.models import StandingMedication

if TYPE_CHECKING:
    from relief.analysis.frames import Diary

NOTICE = "Self-reported diary data. The findings are not a diagnosis."


@dataclass
class Report:
    user: User
    start: date
    end: date
    generated_at: datetime
    doc: dict[str, Any]
    baseline: tuple[date, date] | None
    # The diary's tables: only on the worker, where the PDF draws its charts from them.
    tables: Diary | None = None
    alerts: list[Any] = field(default_factory=list)
    overuse: list[dict[str, Any]] = field(default_factory=list)
    kratom: dict[str, Any] = field(default_factory=dict)
    questionnaires: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    medications: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[Any] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def diary(self) -> Diary:
        """The diary's tables of the period (only in a report computed on the worker)."""
        if self.tables is None:
            raise ValueError("a report read back from stored insights has no diary tables")
        return self.tables

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


def add_parts(report: Report) -> Report:
    """Fill in everything besides the analysis document and the kratom summary."""
    report.alerts = list(check_diary(report.user))
    report.overuse = overuse(report.doc)
    report.questionnaires = latest_questionnaires(report.doc)
    report.products = products(report.user)
    report.medications, report.interactions = medications(
        report.user, report.start, report.end, report.alerts
    )
    report.questions = questions(report.user)
    return report


def report_from_stored(user: User, insights: Insights) -> Report:
    """The report of a stored insights result (computed on the worker); runs no analysis.

    A result stored before the report's kratom summary was kept has an empty one (the page says
    so) until the worker recomputes it.
    """
    report = Report(
        user=user,
        start=insights.start,
        end=insights.end,
        generated_at=insights.computed_at,
        doc=insights.doc,
        baseline=None,
        kratom=dict(insights.charts.get(KRATOM_KEY) or {}),
    )
    return add_parts(report)


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


def overuse(doc: dict[str, Any]) -> list[dict[str, Any]]:
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


def latest_questionnaires(doc: dict[str, Any]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for q in doc["frequency"].get("questionnaires", []):
        latest[q["instrument"]] = q
    names = {key: label.split(" (")[0] for key, label in QuestionnaireResponse.Instrument.choices}
    return [
        # the instrument's own name (HIT-6, not HIT6) and the score as scored (7, not 7.0), on the page
        # and in the PDF alike
        {**latest[k], "name": names[k], "score_text": f"{latest[k]['score']:g}"}
        for k in ("midas", "hit6", "sows")
        if k in latest
    ]


def products(user: User) -> list[dict[str, Any]]:
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


def medications(
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


def questions(user: User) -> list[str]:
    found = []
    for plan in owned(Plan, user).order_by("created_at"):
        found += [line.strip() for line in (plan.questions or "").splitlines() if line.strip()]
    return found
