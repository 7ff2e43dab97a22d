"""``analyze()``: the whole analysis of one diary as one JSON-able document.

The document's shape is described in ``docs/analysis.md`` and validated by
``docs/analysis.schema.json``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .classify import DiaryClassification
from .exceptions import InsufficientDataWarning
from .frames import Diary
from .frequency import FrequencyAnalysis, MigraineDayDefinition
from .questions import answer_questions
from .results import clean
from .review import restrict
from .tolerance import ToleranceAnalysis
from .treatments import DEFAULT_BANDS, TreatmentAnalysis
from .triggers import MinimumData, TriggerAnalysis

SCHEMA_VERSION = "2.0"

DISCLAIMER = (
    "Self-recorded diary data analysed with statistics: associations, not proof of cause. "
    "Criteria findings are not diagnoses. Discuss changes with a clinician."
)


@dataclass(frozen=True)
class AnalysisConfig:
    migraine_day: MigraineDayDefinition = field(default_factory=MigraineDayDefinition)
    lags: tuple[int, ...] = (0, 1)
    fdr: float = 0.05
    minimum: MinimumData = field(default_factory=MinimumData)
    kratom_bands: tuple[tuple[str, float, float], ...] = DEFAULT_BANDS
    window_days: int = 30
    two_stage: bool = True
    suspected: tuple[str, ...] = ()
    """Factors the person suspects (e.g. "tag:red wine"): tested in the primary family."""

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> AnalysisConfig:
        kwargs: dict[str, Any] = {}
        if "migraine_day" in values:
            kwargs["migraine_day"] = MigraineDayDefinition(**values["migraine_day"])
        if "minimum" in values:
            kwargs["minimum"] = MinimumData(**values["minimum"])
        for key in ("fdr", "window_days", "two_stage"):
            if key in values:
                kwargs[key] = values[key]
        if "suspected" in values:
            kwargs["suspected"] = tuple(str(v) for v in values["suspected"])
        if "lags" in values:
            kwargs["lags"] = tuple(int(v) for v in values["lags"])
        if "kratom_bands" in values:
            kwargs["kratom_bands"] = tuple((str(a), float(b), float(c)) for a, b, c in values["kratom_bands"])
        return cls(**kwargs)


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def analyze(
    diary: Diary,
    start: date | str | None = None,
    end: date | str | None = None,
    baseline: tuple[date | str, date | str] | None = None,
    config: AnalysisConfig | dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Analyse ``diary`` between ``start`` and ``end`` (inclusive); JSON-able dict.

    ``baseline`` is a (first day, last day) period for the IHS-style change in
    monthly migraine days and the 50 % responder flag.
    """
    cfg = AnalysisConfig.from_dict(config) if isinstance(config, dict) else (config or AnalysisConfig())
    diary.validate()
    part = restrict(diary, _as_date(start), _as_date(end))
    base = None if baseline is None else (_as_date(baseline[0]), _as_date(baseline[1]))
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsufficientDataWarning)
        freq = FrequencyAnalysis(definition=cfg.migraine_day, baseline=base).fit(part)  # type: ignore[arg-type]
        trig = TriggerAnalysis(
            lags=cfg.lags, fdr=cfg.fdr, minimum=cfg.minimum, two_stage=cfg.two_stage, suspected=cfg.suspected
        ).fit(part)
        treat = TreatmentAnalysis(bands=cfg.kratom_bands).fit(part)
        tol = ToleranceAnalysis().fit(part)
        cls = DiaryClassification(window_days=cfg.window_days).fit(part)
    notes += freq.notes_ + trig.notes_ + treat.notes_ + tol.notes_
    if trig.results_ and all(r.verdict == "not_enough_data" for r in trig.results_):
        notes.append("Triggers: not enough data yet for any factor; keep logging daily.")
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "disclaimer": DISCLAIMER,
        "period": {
            "start": str(part.days["date"].iloc[0].date()) if len(part.days) else None,
            "end": str(part.days["date"].iloc[-1].date()) if len(part.days) else None,
            "days": len(part.days),
            "recorded_days": int(part.days["recorded"].astype(bool).sum()) if len(part.days) else 0,
            "attacks": len(part.attacks),
        },
        "config": {
            "migraine_day_definition": cfg.migraine_day.name,
            "lags": list(cfg.lags),
            "fdr": cfg.fdr,
            "minimum_data": trig.minimum.describe(),
            "kratom_bands": [b[0] for b in cfg.kratom_bands],
            "window_days": cfg.window_days,
        },
        "frequency": {
            "monthly": freq.monthly_,
            "periods_28": freq.periods_,
            "trend": freq.trend_,
            "baseline": freq.baseline_,
            "questionnaires": freq.questionnaires_,
        },
        "triggers": [r.as_dict() for r in trig.results_ or []],
        "treatments": [r.as_dict() for r in treat.results_],
        "untreated": treat.untreated_.as_dict() if treat.untreated_ else None,
        "comparisons": treat.comparisons_,
        "dose_response": [d.as_dict() for d in treat.dose_response_],
        "side_effects": [s.as_dict() for s in treat.side_effects_],
        "tolerance": [s.as_dict() for s in tol.signals_],
        "withdrawal": tol.breaks_,
        "classification": cls.as_dict(),
        "notes": notes,
    }
    out: dict[str, Any] = clean(doc)
    questions = answer_questions(out)
    # the answers come first: a reader of the JSON meets them before the details
    return {"schema_version": out["schema_version"], "questions": questions, **out}
