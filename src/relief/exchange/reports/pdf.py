"""The clinician report as a PDF (fpdf2): page 1 is the one-minute summary, then the details.

Every page carries the notice that the data is self-reported and the findings are
not a diagnosis.  Person-written text (names, notes, questions) is written as plain
text (no markup is interpreted) with control characters removed.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib
from django.contrib.auth.models import User
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from relief.analysis.wording import counted
from relief.exchange.reports.data import NOTICE, Report, build_report, rate_text
from relief.insights import drawing as charts

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
VERDICTS = {
    "trigger": "trigger",
    "protector": "protector",
    "no_association": "no association",
    "not_enough_data": "not enough data",
}
STATUS = {"met": "criteria met", "not_met": "not met", "not_evaluable": "not evaluable"}


def plain(text: Any, limit: int = 400) -> str:
    """Person-written text made safe for the PDF: no control characters, no runaway length."""
    value = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", str(text if text is not None else ""))
    return value if len(value) <= limit else value[: limit - 1] + "…"


class ReportPDF(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(format="A4")
        self.report = report
        self.monthly_shown = False
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 18, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title("Headache diary report")
        self.set_creator("Relief Journal")
        self.set_creation_date(report.generated_at)

    def header(self) -> None:
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(90)
        who = plain(self.report.user.get_username(), 60)
        self.cell(0, 4, f"Relief Journal · diary report for {who} · {self.report.start} to {self.report.end}")
        self.cell(0, 4, f"page {self.page_no()}/{{nb}}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "B", 8)
        self.set_text_color(150, 30, 30)
        self.cell(0, 5, NOTICE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(110)
        self.cell(
            0,
            4,
            f"{NOTICE} Generated {self.report.generated_at:%Y-%m-%d %H:%M} UTC from the person's own diary.",
            align="C",
        )
        self.set_text_color(0)

    # --- building blocks ---

    def heading(self, text: str, size: float = 12) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(1.5)
        self.set_font("DejaVu", "B", size)
        self.cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 8.5)

    def para(self, text: str, size: float = 8.5) -> None:
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, 4.2, plain(text, 2000), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, head: list[str], rows: list[list[str]], widths: list[float], size: float = 7.5) -> None:
        self.set_font("DejaVu", "", size)
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            line_height=size * 0.5,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 242)),
            first_row_as_headings=True,
        ) as table:
            row = table.row()
            for cell in head:
                row.cell(cell)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(plain(value))
        self.ln(1)

    def chart(self, name: str, width: float = 180, title: str = "") -> None:
        """A chart at ``width`` mm, on a new page when it (and its title) would not fit here."""
        height = width * charts.aspect(name, self.report)
        if self.get_y() + height + (9 if title else 0) > self.h - 18:
            self.add_page()
        if title:
            self.heading(title, 10)
        png = charts.chart(name, self.report, "png")
        self.image(io.BytesIO(png), w=width)
        self.ln(1)


def _answers(pdf: ReportPDF, r: Report) -> None:
    """The patient's questions answered in words, before any table (details follow on later pages)."""
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 8, "The patient's questions, answered from the diary", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for q in r.doc.get("questions") or []:
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.multi_cell(0, 5, plain(q["question"], 200), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.para(q["answer"], 9)
        if q.get("needed"):
            pdf.para("What it would take: " + q["needed"], 8)
        pdf.ln(1)


def _summary_page(pdf: ReportPDF, r: Report) -> None:
    doc = r.doc
    period = doc["period"]
    _answers(pdf, r)
    pdf.add_page()  # the answers have the first page to themselves; the one-page summary follows
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 8, "One-minute summary", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.para(
        f"{r.start} to {r.end}: {period['recorded_days']} of {period['days']} days recorded, "
        f"{counted(period['attacks'], 'attack')}. Migraine days follow the {doc['config']['migraine_day_definition']}."
    )
    months = r.monthly[-6:]
    _monthly_days(pdf, r, months)
    _overuse_table(pdf, r, months)
    _kratom_and_questionnaires(pdf, r)
    _alerts_and_findings(pdf, r)
    room = pdf.h - 18 - pdf.get_y() - 3
    if room > 45:  # the monthly chart fits on the summary page: the trend at a glance
        pdf.ln(1)
        pdf.chart("monthly", min(180, room / charts.aspect("monthly", r)))
        pdf.monthly_shown = True


def _monthly_days(pdf: ReportPDF, r: Report, months: list[dict[str, Any]]) -> None:
    """The last six months' day counts, with the baseline row and the responder line when there is one."""
    doc = r.doc
    rows = [
        [
            m["month"],
            str(m["days"]),
            str(m["headache_days"]),
            str(m["migraine_days"]),
            str(m["acute_medication_days"].get("any", 0)),
            str(m["kratom_days"]),
        ]
        for m in months
    ]
    baseline = doc["frequency"].get("baseline") or {}
    base = baseline.get("baseline")
    if base:
        rows.append(
            [
                f"baseline {base['start']}–{base['end']}",
                str(base["days"]),
                str(base["headache_days"]),
                str(base["migraine_days"]),
                str(base["acute_medication_days"].get("any", 0)),
                str(base["kratom_days"]),
            ]
        )
    pdf.heading("Monthly days", 10)
    pdf.grid(
        ["Month", "Days in period", "Headache days", "Migraine days", "Acute-medication days", "Kratom days"],
        rows,
        [40, 22, 26, 26, 34, 22],
    )
    if base and baseline.get("percent_change") is not None:
        compare = baseline["compare"]
        pdf.para(
            f"Migraine days per 28 days: baseline {base['migraine_days_per_28']}, after it {compare['migraine_days_per_28']} "
            f"({baseline['percent_change']:+.0f}%; 50% responder: {'yes' if baseline.get('responder_50') else 'no'})."
        )
    elif not base:
        pdf.para("No baseline: the period is shorter than 56 days.")


def _overuse_table(pdf: ReportPDF, r: Report, months: list[dict[str, Any]]) -> None:
    pdf.heading("Acute-medication days by class against the overuse thresholds (ICHD-3 8.2)", 10)
    shown = [m["month"] for m in months][-4:]
    rows = []
    for row in r.overuse:
        days = dict(row["months"])
        cells = [
            f"{days.get(m, 0)}{' ≥' if row['threshold'] and days.get(m, 0) >= row['threshold'] else ''}"
            for m in shown
        ]
        rows.append([row["label"], f"≥{row['threshold']} d/month" if row["threshold"] else "–", *cells])
    if rows:
        pdf.grid(["Class", "Threshold", *shown], rows, [58, 26, *[24] * len(shown)])
        pdf.para(
            "'≥' marks a month at or over the threshold. NSAIDs and other simple analgesics share one threshold (counted together).",
            7,
        )
    else:
        pdf.para("No acute medication in this period.")


def _kratom_and_questionnaires(pdf: ReportPDF, r: Report) -> None:
    k = r.kratom
    pdf.heading("Kratom", 10)
    if k["doses"]:
        total = f"{k['total_g']:g} g in total" if k["total_g"] is not None else "amounts not recorded"
        median = (
            f", median {k['median_g_per_day']:g} g on a day with kratom"
            if k["median_g_per_day"] is not None
            else ""
        )
        pdf.para(f"{k['doses']} doses on {k['days']} days; {total}{median}.")
    else:
        pdf.para("No kratom recorded in this period.")
    pdf.heading("Questionnaires (latest)", 10)
    if r.questionnaires:
        pdf.para(
            "; ".join(f"{q['name']} {q['score_text']} ({q['label']}, {q['date']})" for q in r.questionnaires)
            + "."
        )
    else:
        pdf.para("None answered in this period.")


def _alerts_and_findings(pdf: ReportPDF, r: Report) -> None:
    pdf.heading("Active safety alerts", 10)
    if r.alerts:
        for alert in r.alerts:  # all of them: a clinician must not miss the ninth
            pdf.para(f"• {alert.level}: {alert.title}. {alert.gist}", 7.5)
    else:
        pdf.para("None.")
    pdf.heading("Diary-based ICHD-3 findings (not a diagnosis)", 10)
    for finding in r.findings:
        pdf.para(
            f"• {finding['code']} {finding['name']}: {STATUS.get(finding['status'], finding['status'])} — {finding['evidence']}",
            7.5,
        )


def _treatment_pages(pdf: ReportPDF, r: Report) -> None:
    pdf.add_page()
    _response_table(pdf, r)
    _trigger_table(pdf, r)
    _side_effect_table(pdf, r)


def _response_table(pdf: ReportPDF, r: Report) -> None:
    pdf.heading("Treatment response (IHS endpoints, 95% intervals)")
    pdf.para("Rates are k of n treated attacks with the outcome recorded; small n means wide intervals.", 7.5)
    rows = []
    for t in [*r.treatments, *([r.doc["untreated"]] if r.doc.get("untreated") else [])]:
        rows.append(
            [
                t["treatment"] + (f", {t['product']}" if t.get("product") else ""),
                t.get("dose_band") or "",
                str(t["treated_attacks"]),
                rate_text(t.get("pain_free_2h")),
                rate_text(t.get("pain_relief_2h")),
                rate_text(t.get("sustained_pain_free_24h")),
                rate_text(t.get("rescue")),
            ]
        )
    pdf.grid(
        [
            "Treatment",
            "Dose band",
            "Attacks",
            "Pain-free 2 h",
            "Relief 2 h",
            "Sustained 24 h",
            "Rescue taken",
        ],
        rows,
        [36, 18, 14, 29, 29, 29, 25],
        7,
    )
    pdf.chart("response", 170)


def _trigger_table(pdf: ReportPDF, r: Report) -> None:
    pdf.heading("Triggers and protectors")
    counts = r.trigger_counts
    pdf.para(
        f"{len(r.doc['triggers'])} factor-and-lag tests, false-discovery rate {r.doc['config']['fdr']}: "
        + ", ".join(f"{n} {VERDICTS.get(v, v)}" for v, n in sorted(counts.items()))
        + f". Minimum data: {r.doc['config']['minimum_data']}. Associations, not proof of cause."
    )
    rows = [
        [
            t.get("label") or t["factor"],
            f"day -{t['lag_days']}" if t["lag_days"] else "same day",
            VERDICTS[t["verdict"]],
            f"{t['effect']:.2f} ({t['ci'][0]:.2f}–{t['ci'][1]:.2f})" if t.get("effect") is not None else "–",
            f"{t['exposed_days']}/{t['unexposed_days']}",
            f"{t['exposed_attacks']}/{t['attacks']}",
        ]
        for t in r.triggers
    ]
    if rows:
        pdf.grid(
            [
                "Factor",
                "Lag",
                "Verdict",
                "Odds ratio (95% CI)",
                "Days with/without",
                "Attacks after exposure/all",
            ],
            rows,
            [44, 20, 22, 36, 28, 30],
            7,
        )
    else:
        pdf.para("No factor reached a trigger or protector verdict.")


def _side_effect_table(pdf: ReportPDF, r: Report) -> None:
    pdf.heading("Side effects by treatment")
    rows = [
        [
            s["treatment"],
            s.get("dose_band") or "",
            str(s["doses"]),
            rate_text(s.get("doses_with_side_effect")),
            ", ".join(f"{k} {v}" for k, v in (s.get("by_symptom") or {}).items()) or "–",
            str(s.get("red_flags", 0)),
        ]
        for s in r.doc["side_effects"]
    ]
    if rows:
        pdf.grid(
            ["Treatment", "Dose band", "Doses", "With a side effect", "By symptom", "Red flags"],
            rows,
            [32, 18, 14, 34, 64, 18],
            7,
        )
    else:
        pdf.para("No side effects recorded.")


def _context_pages(pdf: ReportPDF, r: Report) -> None:
    pdf.heading("Products and their lab reports")
    rows = [
        [p["name"], p["form"], b["lot"], b["status"]]
        for p in r.products
        for b in (p["batches"] or [{"lot": "–", "status": "no batch recorded"}])
    ]
    if rows:
        pdf.grid(["Product", "Form", "Lot", "Lab report"], rows, [45, 22, 22, 91], 7)
    else:
        pdf.para("No products recorded.")
    pdf.heading("Standing medications and interactions")
    if r.medications:
        pdf.grid(
            ["Medication", "Dose", "Since", "Until", "Reason"],
            [
                [m["name"], m["dose"], str(m["since"]), str(m["until"] or "ongoing"), m["reason"]]
                for m in r.medications
            ],
            [40, 40, 22, 22, 56],
            7,
        )
    else:
        pdf.para("No standing medications recorded.")
    for alert in r.interactions:
        pdf.para(f"• {alert.title} ({alert.level}): {alert.message}", 7.5)
    pdf.heading("Questions the person wants to ask")
    if r.questions:
        for question in r.questions:
            pdf.para(f"• {question}")
    else:
        pdf.para("None written down.")
    if r.doc.get("notes"):
        pdf.heading("Notes from the analysis")
        for note in r.doc["notes"]:
            pdf.para(f"• {note}", 7.5)


def _chart_pages(pdf: ReportPDF, r: Report) -> None:
    pdf.add_page()
    names = ("calendar", "pain", "doses") if pdf.monthly_shown else ("monthly", "calendar", "pain", "doses")
    for name in names:
        title, _ = charts.CHARTS[name]
        pdf.chart(name, 175, title)


def render_pdf(report: Report) -> bytes:
    pdf = ReportPDF(report)
    pdf.add_page()
    _summary_page(pdf, report)
    _treatment_pages(pdf, report)
    _context_pages(pdf, report)
    _chart_pages(pdf, report)
    return bytes(pdf.output())


def write_report(user: User, path: str | Path, start: date | None = None, end: date | None = None) -> Report:
    """Write the clinician report of ``user`` for ``start``..``end`` (default: the last six months) as a PDF."""
    report = build_report(user, start, end)
    Path(path).write_bytes(render_pdf(report))
    return report
