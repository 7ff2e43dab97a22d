"""The simulator's records turned into the frames of the input contract (:mod:`.frames`).

:func:`relief.analysis.simulate.simulate_diary` generates attacks, doses and
side effects as plain records on its builder; the functions here lay them out
as the typed, UTC-timed frames a :class:`~relief.analysis.frames.Diary` holds,
blank the days that were not recorded and add the questionnaires.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from .frames import (
    ATTACK_BOOL_COLUMNS,
    ATTACK_COLUMNS,
    DAY_COLUMNS,
    DOSE_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    SIDE_EFFECT_COLUMNS,
    nrs_to_4pt,
)
from .questionnaires import score_hit6, score_midas, score_sows

if TYPE_CHECKING:  # the builder lives with the generator; only its records are read here
    from .simulate import _Builder

FloatArray = npt.NDArray[np.float64]

KRATOM_BATCHES: tuple[tuple[str, str, str, str, str | None, float, float], ...] = (
    ("Red Bali", "Leafwise Botanicals", "powder", "RB-2401", "Aurum Labs", 14.2, 0.21),
    ("Red Bali", "Leafwise Botanicals", "powder", "RB-2407", "Aurum Labs", 15.1, 0.24),
    ("Green Maeng Da", "Sunrise Kratom", "capsules", "MD-118", "Kestrel Analytical", 16.8, 0.28),
    ("White Borneo", "Sunrise Kratom", "powder", "WB-033", None, math.nan, math.nan),
)

SUBSTANCES: dict[str, tuple[str, str, float, str]] = {
    # key: (display name, class, amount, unit)
    "sumatriptan": ("Sumatriptan", "triptan", 50.0, "mg"),
    "ibuprofen": ("Ibuprofen", "nsaid", 400.0, "mg"),
    "dark room rest": ("Dark room rest", "non_drug", math.nan, "session"),
    "magnesium": ("Magnesium", "supplement", 400.0, "mg"),
    "kratom": ("Kratom", "kratom", math.nan, "g"),
}


def _local_to_utc(local: list[pd.Timestamp], tz: str) -> pd.Series:
    if not local:
        return pd.Series(pd.DatetimeIndex([], tz="UTC"))
    idx = pd.DatetimeIndex(local).tz_localize(
        tz, nonexistent="shift_forward", ambiguous=np.zeros(len(local), dtype=bool)
    )
    return pd.Series(idx.tz_convert("UTC").as_unit("ns"))


def finish_days(
    days: pd.DataFrame, worst: FloatArray, function: FloatArray, rng: np.random.Generator
) -> pd.DataFrame:
    n = len(days)
    background = np.where(rng.random(n) < 0.1, rng.integers(1, 3, n), 0).astype(float)
    days["worst_pain"] = np.maximum(worst, background)
    days["function"] = function
    days["mood"] = np.clip(days["mood"].to_numpy() - np.where(worst >= 5, 2, 0), 0, 10)
    unrecorded = ~days["recorded"].to_numpy(dtype=bool)
    weather = {"pressure_hpa", "temperature_c", "humidity_pct", "date", "recorded"}
    for col in days.columns:
        if col not in weather:
            days.loc[unrecorded, col] = np.nan
    for col in DAY_COLUMNS:
        if col not in ("date", "recorded"):
            days[col] = days[col].astype("float64")
    days["recorded"] = days["recorded"].astype(bool)
    return days


def _bool_series(values: list[bool | None]) -> pd.Series:
    return pd.Series(pd.array(values, dtype="boolean"))


def attack_frame(b: _Builder) -> pd.DataFrame:
    tz = b.cfg.time_zone
    rows = b.attacks
    if not rows:
        frame = pd.DataFrame({c: pd.Series(dtype="object") for c in ATTACK_COLUMNS})
        for c in ("start", "end"):
            frame[c] = pd.Series(pd.DatetimeIndex([], tz="UTC"))
        for c in ("start_date", "end_date"):
            frame[c] = pd.Series(pd.DatetimeIndex([]))
        return frame
    starts_local = [a["start_local"] for a in rows]
    ends_local = [a["end_local"] for a in rows]
    start = _local_to_utc(starts_local, tz)
    known_end = [e for e in ends_local if e is not None]
    end_known = _local_to_utc(known_end, tz)
    end_values: list[pd.Timestamp | None] = []
    it = iter(end_known)
    for e in ends_local:
        end_values.append(next(it) if e is not None else None)
    end = pd.Series(pd.DatetimeIndex(end_values, tz="UTC").as_unit("ns"))
    frame = pd.DataFrame(
        {
            "id": [a["id"] for a in rows],
            "start": start,
            "end": end,
            "start_date": pd.DatetimeIndex([s.normalize() for s in starts_local]).as_unit("ns"),
            "end_date": pd.DatetimeIndex(
                [e.normalize() if e is not None else None for e in ends_local]
            ).as_unit("ns"),
        }
    )
    frame["duration_h"] = (frame["end"] - frame["start"]).dt.total_seconds() / 3600.0
    frame["peak_nrs"] = [float(a["peak_nrs"]) for a in rows]
    frame["peak_4pt"] = frame["peak_nrs"].map(nrs_to_4pt).astype("float64")
    frame["side"] = pd.array([a["side"] for a in rows], dtype="string")
    frame["quality"] = pd.array([a["quality"] for a in rows], dtype="string")
    for col in ATTACK_BOOL_COLUMNS:
        frame[col] = _bool_series([a[col] for a in rows])
    frame["aura_duration_min"] = [float(a["aura_duration_min"]) for a in rows]
    frame["most_bothersome"] = pd.array([a["most_bothersome"] for a in rows], dtype="string")
    frame["disability"] = [float(a["disability"]) for a in rows]
    return frame[list(ATTACK_COLUMNS)]


def dose_frame(b: _Builder) -> pd.DataFrame:
    doses = sorted(b.doses, key=lambda d: d.local)
    tz = b.cfg.time_zone
    names: list[str] = []
    classes: list[str] = []
    units: list[str] = []
    amounts: list[float] = []
    grams: list[float] = []
    mitra: list[float] = []
    products: list[str | None] = []
    batches: list[str | None] = []
    for d in doses:
        name, cls, amount, unit = SUBSTANCES[d.key]
        names.append(name)
        classes.append(cls)
        if d.key == "kratom":
            product, _v, _f, lot, _lab, mg_per_g, _oh = KRATOM_BATCHES[d.batch]
            amounts.append(d.grams)
            grams.append(d.grams)
            mitra.append(round(d.grams * mg_per_g, 1) if not math.isnan(mg_per_g) else math.nan)
            products.append(product)
            batches.append(lot)
        else:
            amounts.append(amount)
            grams.append(amount / 1000.0 if unit == "mg" else math.nan)
            mitra.append(math.nan)
            products.append(None)
            batches.append(None)
        units.append(unit)
    frame = pd.DataFrame(
        {
            "id": [d.id for d in doses],
            "taken_at": _local_to_utc([d.local for d in doses], tz),
            "date": pd.DatetimeIndex([d.local.normalize() for d in doses]).as_unit("ns"),
            "substance": pd.array(names, dtype="string"),
            "substance_class": pd.array(classes, dtype="string"),
            "is_kratom": [d.key == "kratom" for d in doses],
            "amount": pd.array(amounts, dtype="float64"),
            "unit": pd.array(units, dtype="string"),
            "amount_g": pd.array(grams, dtype="float64"),
            "mitragynine_mg": pd.array(mitra, dtype="float64"),
            "product": pd.array(products, dtype="string"),
            "batch": pd.array(batches, dtype="string"),
            "route": pd.array(
                ["other" if d.key == "dark room rest" else "oral" for d in doses], dtype="string"
            ),
            "stomach": pd.array([d.stomach for d in doses], dtype="string"),
            "reason": pd.array([d.reason for d in doses], dtype="string"),
            "attack_id": pd.array([d.attack_id for d in doses], dtype="string"),
            "estimate": [d.estimate for d in doses],
        }
    )
    for i, col in enumerate(("pain_at_dose", "pain_30m", "pain_1h", "pain_2h", "pain_24h")):
        frame[col] = pd.array([d.pains[i] for d in doses], dtype="float64")
    frame["mbs_gone_2h"] = _bool_series([d.mbs_gone for d in doses])
    frame["rescue_taken"] = _bool_series([d.rescue for d in doses])
    frame["returned_24h"] = _bool_series([d.returned for d in doses])
    frame["relief_min"] = pd.array([d.relief_min for d in doses], dtype="float64")
    frame["is_kratom"] = frame["is_kratom"].astype(bool)
    frame["estimate"] = frame["estimate"].astype(bool)
    return frame[list(DOSE_COLUMNS)]


def side_effect_frame(b: _Builder) -> pd.DataFrame:
    rows = sorted(b.effects, key=lambda e: e[1])
    return pd.DataFrame(
        {
            "id": [b.new_id() for _ in rows],
            "at": _local_to_utc([e[1] for e in rows], b.cfg.time_zone),
            "date": pd.DatetimeIndex([e[1].normalize() for e in rows]).as_unit("ns"),
            "symptom": pd.array([e[0] for e in rows], dtype="string"),
            "severity": pd.array([e[2] for e in rows], dtype="string"),
            "red_flag": [e[3] for e in rows],
            "dose_id": pd.array([e[4] for e in rows], dtype="string"),
        },
        columns=list(SIDE_EFFECT_COLUMNS),
    ).astype({"red_flag": bool})


def questionnaire_frame(b: _Builder, days: pd.DataFrame, attacks: pd.DataFrame) -> pd.DataFrame:
    r = b.r
    n = b.n
    headache = days["worst_pain"].fillna(0).to_numpy() >= 3
    disabled = days["function"].fillna(0).to_numpy() >= 2
    rows: list[tuple[str, pd.Timestamp, str, float, list[int]]] = []
    for day in range(89, n, 90):
        window = slice(day - 89, day + 1)
        dis = int(disabled[window].sum())
        q = [max(0, round(dis * w + r.uniform(-1, 1))) for w in (0.15, 0.2, 0.25, 0.2, 0.15)]
        pains = days["worst_pain"].to_numpy()[window]
        avg = round(float(np.nanmean(pains[pains >= 3]))) if np.any(pains >= 3) else 0
        answers = [*q, int(headache[window].sum()), min(10, avg)]
        rows.append(
            (b.new_id(), b.start + pd.Timedelta(days=day), "midas", score_midas(answers).score, answers)
        )
    for day in range(27, n, 30):
        m = int(headache[max(0, day - 27) : day + 1].sum())
        base = 1 + m / 4
        answers = [int(min(4, max(0, round(base + r.uniform(-1, 1))))) for _ in range(6)]
        rows.append(
            (b.new_id(), b.start + pd.Timedelta(days=day), "hit6", score_hit6(answers).score, answers)
        )
    hi = b.stretch[1]
    for offset, level in ((-30, 0.2), (1, 1.3), (3, 0.9), (7, 0.35)):
        day = hi + offset
        if 0 <= day < n:
            answers = [int(min(4, max(0, round(level + r.uniform(-0.8, 0.8))))) for _ in range(16)]
            rows.append(
                (b.new_id(), b.start + pd.Timedelta(days=day), "sows", score_sows(answers).score, answers)
            )
    rows.sort(key=lambda row: row[1])
    return pd.DataFrame(
        {
            "id": [row[0] for row in rows],
            "date": pd.DatetimeIndex([row[1] for row in rows]).as_unit("ns"),
            "instrument": pd.array([row[2] for row in rows], dtype="string"),
            "score": pd.array([row[3] for row in rows], dtype="float64"),
            "answers": [row[4] for row in rows],
        },
        columns=list(QUESTIONNAIRE_COLUMNS),
    )
