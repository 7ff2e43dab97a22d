"""The input schema of the analysis library: plain pandas frames, no Django.

The web app, the CLI and the simulator all hand the analysis the same four
frames, bundled in a :class:`Diary`.  Unknown values are ``NaN`` / ``pd.NA``
and are never read as "absent" or zero.

``days``  one row per local calendar date from the first to the last day of
          the diary (every date present, even with nothing logged)
    date              datetime64[ns], midnight of the local calendar day
    recorded          bool, whether any day record was logged that day
    worst_pain        float 0-10 (max over the day's entries)
    function          float 0-3 (0 normal ... 3 bed rest; max over the day)
    sleep_hours       float, the night before
    sleep_quality     float 1-5 (1 very poor ... 5 very good)
    stress            float 0-10 (max)
    mood              float 0-10 (mean; 10 best)
    water_l           float litres (sum)
    caffeine_mg       float (sum)
    alcohol_units     float (sum)
    exercise_min      float (sum)
    menstrual_bleeding float 0 none, 1 spotting, 2 light, 3 medium, 4 heavy
    skipped_meals     float count (sum)
    pressure_hpa, temperature_c, humidity_pct   float (weather, daily mean)
    tag:<name>        float per free factor tag: amount if given, 1.0 when
                      logged without an amount, 0.0 on a recorded day
                      without it, NaN on a day with no record

``attacks`` one row per attack
    id                str (UUID)
    start, end        datetime64[ns, UTC]; end NaT while ongoing
    start_date        datetime64[ns], local calendar day of the start
    end_date          datetime64[ns], local day of the end (NaT if open)
    duration_h        float hours (NaN if open).  A duration of 0 (end equal
                      to start) is what a date-only entry looks like (an
                      imported history: noon, no end); the analysis reads it
                      as "duration not known", never as a 0-hour attack
                      (see :func:`known_durations`).
    peak_nrs          float 0-10, highest pain sample
    peak_4pt          float 0-3 (0 none, 1 mild, 2 moderate, 3 severe)
    side              str: "left" | "right" | "both" | "alternating" | NA
    quality           str: "pulsating" | "pressing" | "stabbing" | "other" | NA
    worse_with_activity, nausea, vomiting, photophobia, phonophobia,
    osmophobia, dizziness, allodynia, neck_pain,
    aura_visual, aura_sensory, aura_speech, aura_motor, aura_brainstem,
    aura_retinal, aura_spreads_gradually, aura_positive, aura_unilateral,
    believed_migraine  pandas "boolean" dtype (True / False / NA unknown)
    aura_duration_min float
    most_bothersome   str: "nausea" | "photophobia" | "phonophobia" | "other" | NA
    disability        float 0-3

``doses`` one row per intake
    id                str (UUID)
    taken_at          datetime64[ns, UTC]
    date              datetime64[ns], local calendar day
    substance         str, display name ("Kratom", "Sumatriptan", ...)
    substance_class   str, catalogue class ("kratom", "triptan", "nsaid",
                      "non_opioid_analgesic", "combination_analgesic",
                      "opioid", "ergot", "gepant", "antiemetic", ...,
                      "supplement", "non_drug")
    is_kratom         bool
    amount            float as entered (NaN if unknown)
    unit              str as entered ("g", "mg", "ml", or a custom unit name)
    amount_g          float grams (NaN when not convertible)
    mitragynine_mg    float, amount_g x batch mitragynine mg/g (NaN without
                      a lab report)
    product           str product name or NA;  batch  str lot or NA
    route             str;  stomach  str "empty" | "light" | "full" | NA
    reason            str "acute" | "chronic" | "preventive" | "other"
    attack_id         str or NA
    estimate          bool
    pain_at_dose, pain_30m, pain_1h, pain_2h, pain_24h   float 0-10 (NaN)
    mbs_gone_2h, rescue_taken, returned_24h   "boolean" dtype
    relief_min        float minutes until relief began (NaN)

``side_effects`` one row per side effect
    id, at (UTC), date (local), symptom str, severity str
    ("mild" | "moderate" | "severe"), red_flag bool, dose_id str or NA

``questionnaires`` one row per completed questionnaire
    id, date (local), instrument ("midas" | "hit6" | "sows"), score float,
    answers (list of int)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

DAY_COLUMNS: tuple[str, ...] = (
    "date",
    "recorded",
    "worst_pain",
    "function",
    "sleep_hours",
    "sleep_quality",
    "stress",
    "mood",
    "water_l",
    "caffeine_mg",
    "alcohol_units",
    "exercise_min",
    "menstrual_bleeding",
    "skipped_meals",
    "pressure_hpa",
    "temperature_c",
    "humidity_pct",
)

ATTACK_BOOL_COLUMNS: tuple[str, ...] = (
    "worse_with_activity",
    "nausea",
    "vomiting",
    "photophobia",
    "phonophobia",
    "osmophobia",
    "dizziness",
    "allodynia",
    "neck_pain",
    "aura_visual",
    "aura_sensory",
    "aura_speech",
    "aura_motor",
    "aura_brainstem",
    "aura_retinal",
    "aura_spreads_gradually",
    "aura_positive",
    "aura_unilateral",
    "believed_migraine",
)

ATTACK_COLUMNS: tuple[str, ...] = (
    "id",
    "start",
    "end",
    "start_date",
    "end_date",
    "duration_h",
    "peak_nrs",
    "peak_4pt",
    "side",
    "quality",
    *ATTACK_BOOL_COLUMNS,
    "aura_duration_min",
    "most_bothersome",
    "disability",
)

DOSE_COLUMNS: tuple[str, ...] = (
    "id",
    "taken_at",
    "date",
    "substance",
    "substance_class",
    "is_kratom",
    "amount",
    "unit",
    "amount_g",
    "mitragynine_mg",
    "product",
    "batch",
    "route",
    "stomach",
    "reason",
    "attack_id",
    "estimate",
    "pain_at_dose",
    "pain_30m",
    "pain_1h",
    "pain_2h",
    "pain_24h",
    "mbs_gone_2h",
    "rescue_taken",
    "returned_24h",
    "relief_min",
)

SIDE_EFFECT_COLUMNS: tuple[str, ...] = ("id", "at", "date", "symptom", "severity", "red_flag", "dose_id")

QUESTIONNAIRE_COLUMNS: tuple[str, ...] = ("id", "date", "instrument", "score", "answers")

TAG_PREFIX = "tag:"


def nrs_to_4pt(nrs: float) -> float:
    """Map a 0-10 pain score to the IHS 4-point scale (project decision).

    0 -> 0 none, 1-3 -> 1 mild, 4-6 -> 2 moderate, 7-10 -> 3 severe.
    """
    if pd.isna(nrs):
        return float("nan")
    if nrs <= 0:
        return 0.0
    if nrs < 4:
        return 1.0
    if nrs < 7:
        return 2.0
    return 3.0


def known_durations(attacks: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Per attack: its duration in hours, NaN when not known.

    Unknown means still open (no end) or an end equal to the start, which is
    how an entry with only a date is stored.  An estimator that needs a time
    (pain freedom at 2 h, ICHD-3 duration criteria) must leave such attacks
    out and say how many it left out; it must never read them as short.
    """
    if "duration_h" not in attacks.columns or len(attacks) == 0:
        return np.full(len(attacks), np.nan)
    values = pd.to_numeric(attacks["duration_h"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        return np.where(values > 0, values, np.nan)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, like ``frame.to_dict("records")`` but several times faster on nullable columns."""
    columns = [str(c) for c in frame.columns]
    arrays = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*arrays, strict=True)] if len(frame) else []


def empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass
class Diary:
    """Everything the analysis needs about one person, as plain frames."""

    days: pd.DataFrame
    attacks: pd.DataFrame
    doses: pd.DataFrame
    side_effects: pd.DataFrame = field(default_factory=lambda: empty_frame(SIDE_EFFECT_COLUMNS))
    questionnaires: pd.DataFrame = field(default_factory=lambda: empty_frame(QUESTIONNAIRE_COLUMNS))
    time_zone: str = "UTC"

    @property
    def tag_columns(self) -> list[str]:
        return [c for c in self.days.columns if str(c).startswith(TAG_PREFIX)]

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first missing column."""
        for name, frame, cols in (
            ("days", self.days, DAY_COLUMNS),
            ("attacks", self.attacks, ATTACK_COLUMNS),
            ("doses", self.doses, DOSE_COLUMNS),
            ("side_effects", self.side_effects, SIDE_EFFECT_COLUMNS),
            ("questionnaires", self.questionnaires, QUESTIONNAIRE_COLUMNS),
        ):
            missing = [c for c in cols if c not in frame.columns]
            if missing:
                raise ValueError(f"{name} frame is missing columns: {', '.join(missing)}")
