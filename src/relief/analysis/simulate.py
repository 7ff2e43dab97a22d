"""A seeded diary simulator with planted triggers, a protector and treatments.

``simulate_diary(days=365, seed=0)`` returns a :class:`SimulatedDiary` whose
``diary`` fills every column of the input contract (:mod:`.frames`) with
plausible values, and whose ``truth`` records what was planted: which
factors change the daily odds of an attack starting (and at which lag),
which factors do nothing, and which do nothing but travel with a real one.

It serves three purposes: tests and the simulation study (known truth), the
speed benchmark, and the ``relief demo`` command (realistic rows, including
kratom products with lab values in :attr:`SimulatedDiary.kratom_batches`).

The attack model is a discrete-time hazard: on every day that is not inside
an ongoing attack, an attack starts with probability
``expit(baseline + sum(log_odds * factor[t - lag]))`` where the factors are
the indicators of :func:`relief.analysis.factors.daily_factors`.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .factors import daily_factors
from .frames import ATTACK_BOOL_COLUMNS, TAG_PREFIX, Diary
from .simframes import KRATOM_BATCHES as KRATOM_BATCHES
from .simframes import SUBSTANCES as SUBSTANCES
from .simframes import attack_frame, dose_frame, finish_days, questionnaire_frame, side_effect_frame

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PlantedEffect:
    """A factor that really changes the daily log-odds of an attack starting."""

    factor: str
    lag: int
    log_odds: float


DEFAULT_EFFECTS: tuple[PlantedEffect, ...] = (
    PlantedEffect("menstrual_window", 0, 1.6),
    PlantedEffect("tag:red wine", 1, 1.5),
    PlantedEffect("sleep_below_usual", 0, 1.3),
    PlantedEffect("high_stress", 1, 1.2),
    PlantedEffect("pressure_drop", 0, 1.1),
    PlantedEffect("exercise", 1, -1.2),
)

INDEPENDENT_TAGS: tuple[tuple[str, float], ...] = (
    ("aged cheese", 0.10),
    ("citrus", 0.15),
    ("screen time", 0.30),
    ("travel", 0.06),
)


@dataclass(frozen=True)
class SimConfig:
    time_zone: str = "Europe/Berlin"
    baseline_log_odds: float = -2.5
    effects: tuple[PlantedEffect, ...] = DEFAULT_EFFECTS
    record_rate: float = 0.93
    menstruating: bool = True
    red_wine_rate: float = 0.12
    chocolate_in_window: float = 0.6
    chocolate_outside: float = 0.04
    independent_tags: tuple[tuple[str, float], ...] = INDEPENDENT_TAGS
    unknown_rate: float = 0.04
    frequent_kratom: tuple[float, float] = (0.45, 0.62)
    """Fraction of the diary during which kratom is taken on most days."""
    tolerance_per_day: float = 0.05
    """Drop in kratom log-odds of 2 h pain freedom per kratom day in the last 28."""
    stress_phi: float = 0.6
    """Day-to-day autocorrelation of stress (AR(1))."""
    pressure_phi: float = 0.75
    """Day-to-day autocorrelation of air pressure (AR(1))."""
    cycle_sd: float = 1.5
    """Standard deviation of the cycle length in days (28 on average)."""
    long_attack_rate: float = 0.0
    """Share of attacks that last 26-70 hours (so the next days are not at risk of a new onset)."""
    very_stressed_rate: float = 0.1
    """Share of days with an extra-busy spike of stress (+4)."""


@dataclass(frozen=True)
class SimTruth:
    baseline_log_odds: float
    effects: tuple[PlantedEffect, ...]
    non_triggers: tuple[str, ...]
    travels_with: dict[str, str]
    pain_free_2h: dict[str, float]
    kratom_pain_free_2h_logit: tuple[float, float]
    """Intercept and slope per gram of kratom's 2 h pain-freedom log-odds (before tolerance)."""

    def effect(self, factor: str) -> PlantedEffect | None:
        return next((e for e in self.effects if e.factor == factor), None)


@dataclass
class SimulatedDiary:
    diary: Diary
    truth: SimTruth
    kratom_batches: pd.DataFrame
    """One row per kratom batch: product, vendor, form, batch (lot), lab, tested_on,
    mitragynine_mg_per_g, hydroxymitragynine_mg_per_g (NaN when no lab report)."""
    factors: pd.DataFrame = field(repr=False)
    """The latent daily indicators used to generate attacks (before unrecorded days were blanked)."""


KRATOM_PAIN_FREE_LOGIT = (-2.4, 0.38)
PAIN_FREE_2H = {"sumatriptan": 0.5, "ibuprofen": 0.27, "dark room rest": 0.12}
RELIEF_IF_NOT_FREE = {"sumatriptan": 0.6, "ibuprofen": 0.45, "dark room rest": 0.25, "kratom": 0.4}


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class _Ids:
    def __init__(self, r: random.Random) -> None:
        self._r = r

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._r.getrandbits(128), version=4))


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> FloatArray:
    noise = rng.normal(0.0, sd * math.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    acc = rng.normal(0.0, sd)
    for i in range(n):
        acc = phi * acc + noise[i]
        out[i] = acc
    return out


def _simulate_days(
    rng: np.random.Generator, n: int, start: date, cfg: SimConfig
) -> tuple[pd.DataFrame, npt.NDArray[np.bool_]]:
    doy = (pd.Timestamp(start).day_of_year + np.arange(n)) % 365
    # stress: persistent mood of the week plus busy days
    busy = rng.random(n) < cfg.very_stressed_rate
    stress = np.clip(np.round(3 + _ar1(rng, n, cfg.stress_phi, 1.0) + 4 * busy), 0, 10)
    high_before = np.zeros(n, dtype=bool)
    high_before[1:] = stress[:-1] >= 7
    short = rng.random(n) < 0.08 + 0.3 * high_before
    sleep = np.where(short, rng.normal(5.4, 0.5, n), rng.normal(7.4, 0.45, n))
    sleep = np.clip(np.round(sleep * 4) / 4, 2.0, 11.0)
    quality = np.clip(np.round(np.where(short, 2.3, 3.8) + rng.normal(0, 0.7, n)), 1, 5)
    caffeine_kind = rng.random(n)
    caffeine = np.where(
        caffeine_kind < 0.07,
        rng.uniform(0, 60, n),
        np.where(caffeine_kind > 0.93, rng.uniform(330, 450, n), rng.normal(200, 30, n)),
    )
    caffeine = np.clip(np.round(caffeine / 10) * 10, 0, None)
    exercise = np.where(
        rng.random(n) < 0.35, rng.uniform(20, 75, n), np.where(rng.random(n) < 0.3, rng.uniform(5, 15, n), 0)
    )
    exercise = np.round(exercise)
    skipped = (rng.random(n) < 0.08).astype(float)
    water = np.clip(np.round(rng.normal(1.9, 0.35, n), 1), 0.3, 4.0)
    water[rng.random(n) < 0.06] = np.round(rng.uniform(0.4, 0.9), 1)
    pressure = np.round(1014 + _ar1(rng, n, cfg.pressure_phi, 6.5), 1)
    temperature = np.round(10 - 9 * np.cos(2 * np.pi * (doy - 15) / 365) + _ar1(rng, n, 0.7, 3.0), 1)
    humidity = np.round(np.clip(72 + 8 * np.cos(2 * np.pi * doy / 365) + rng.normal(0, 9, n), 25, 100))

    bleeding = np.zeros(n)
    window = np.zeros(n, dtype=bool)
    if cfg.menstruating:
        day = int(rng.integers(0, 28))
        pattern = (2.0, 3.0, 4.0, 2.0, 1.0)
        while day < n:
            for k, level in enumerate(pattern):
                if day + k < n:
                    bleeding[day + k] = level
            window[max(0, day - 2) : min(n, day + 3)] = True
            day += max(21, round(float(rng.normal(28, cfg.cycle_sd))))
        # a day of spotting before some periods
        spot = np.flatnonzero((bleeding[1:] >= 2) & (bleeding[:-1] == 0) & (rng.random(n - 1) < 0.3))
        bleeding[spot] = 1.0

    red_wine = rng.random(n) < cfg.red_wine_rate
    other_alcohol = rng.random(n) < 0.04
    alcohol = np.where(red_wine, rng.choice([1.5, 2.0, 3.0], n), 0.0) + np.where(
        other_alcohol, rng.choice([1.0, 2.0], n), 0.0
    )
    chocolate = rng.random(n) < np.where(window, cfg.chocolate_in_window, cfg.chocolate_outside)

    days = pd.DataFrame(
        {
            "date": pd.date_range(pd.Timestamp(start), periods=n, freq="D").as_unit("ns"),
            "recorded": rng.random(n) < cfg.record_rate,
            "worst_pain": np.zeros(n),
            "function": np.zeros(n),
            "sleep_hours": sleep,
            "sleep_quality": quality,
            "stress": stress,
            "mood": np.clip(np.round(7 - 0.3 * (stress - 3) + rng.normal(0, 1, n)), 0, 10),
            "water_l": water,
            "caffeine_mg": caffeine,
            "alcohol_units": alcohol,
            "exercise_min": exercise,
            "menstrual_bleeding": bleeding if cfg.menstruating else np.full(n, np.nan),
            "skipped_meals": skipped,
            "pressure_hpa": pressure,
            "temperature_c": temperature,
            "humidity_pct": humidity,
            f"{TAG_PREFIX}red wine": np.where(red_wine, rng.choice([1.0, 2.0], n), 0.0),
            f"{TAG_PREFIX}chocolate": chocolate.astype(float),
        }
    )
    for tag, rate in cfg.independent_tags:
        days[f"{TAG_PREFIX}{tag}"] = (rng.random(n) < rate).astype(float)
    return days, window


@dataclass
class _Dose:
    id: str
    local: pd.Timestamp
    key: str
    reason: str
    attack_id: str | None
    grams: float = math.nan
    batch: int = -1
    estimate: bool = False
    stomach: str | None = None
    pains: tuple[float, float, float, float, float] = (math.nan,) * 5
    mbs_gone: bool | None = None
    rescue: bool | None = None
    returned: bool | None = None
    relief_min: float = math.nan


class _Builder:
    """Holds the per-diary random state while attacks and doses are generated."""

    def __init__(self, seed: int, n: int, start: date, cfg: SimConfig) -> None:
        self.r = random.Random(seed * 7919 + 17)
        self.new_id = _Ids(self.r)
        self.n = n
        self.start = pd.Timestamp(start)
        self.cfg = cfg
        self.attacks: list[dict[str, Any]] = []
        self.doses: list[_Dose] = []
        self.effects: list[tuple[str, pd.Timestamp, str, bool, str]] = []
        lo, hi = cfg.frequent_kratom
        self.stretch = (int(lo * n), int(hi * n))

    def local(self, day: int, hours: float) -> pd.Timestamp:
        return self.start + pd.Timedelta(days=day) + pd.Timedelta(minutes=round(hours * 60))

    def maybe(self, p: float) -> bool | None:
        """A yes/no answer that is unknown with the configured probability."""
        if self.r.random() < self.cfg.unknown_rate:
            return None
        return self.r.random() < p

    def kratom_grams(self) -> float:
        g = self.r.choice((1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0))
        return float(g)

    def kratom_batch(self, day: int) -> int:
        # Red Bali early, the second lot later; others now and then
        if self.r.random() < 0.25:
            return self.r.choice((2, 3))
        return 0 if day < self.n // 2 else 1


def _attack_features(b: _Builder, migraine_like: bool, aura: bool) -> dict[str, object]:
    r = b.r
    f: dict[str, object] = {}
    if migraine_like:
        f["side"] = r.choices(["left", "right", "both", "alternating"], [0.35, 0.3, 0.25, 0.1])[0]
        f["quality"] = r.choices(["pulsating", "pressing", "stabbing", "other"], [0.7, 0.2, 0.05, 0.05])[0]
        probs = {
            "worse_with_activity": 0.75,
            "nausea": 0.65,
            "photophobia": 0.8,
            "phonophobia": 0.7,
            "osmophobia": 0.35,
            "dizziness": 0.2,
            "allodynia": 0.3,
            "neck_pain": 0.4,
        }
    else:
        f["side"] = r.choices(["both", "left", "right"], [0.8, 0.1, 0.1])[0]
        f["quality"] = r.choices(["pressing", "pulsating", "other"], [0.8, 0.1, 0.1])[0]
        probs = {
            "worse_with_activity": 0.15,
            "nausea": 0.04,
            "photophobia": 0.2,
            "phonophobia": 0.15,
            "osmophobia": 0.05,
            "dizziness": 0.05,
            "allodynia": 0.05,
            "neck_pain": 0.5,
        }
    for name, p in probs.items():
        f[name] = b.maybe(p)
    f["vomiting"] = (r.random() < 0.2) if f["nausea"] is True else (False if f["nausea"] is False else None)
    for name in ATTACK_BOOL_COLUMNS:
        if name.startswith("aura_"):
            f[name] = False
    f["aura_duration_min"] = math.nan
    if aura:
        f["aura_visual"] = True
        f["aura_sensory"] = r.random() < 0.3
        f["aura_speech"] = r.random() < 0.08
        f["aura_spreads_gradually"] = b.maybe(0.8)
        f["aura_positive"] = b.maybe(0.85)
        f["aura_unilateral"] = b.maybe(0.9)
        f["aura_duration_min"] = float(r.randint(10, 50))
    f["believed_migraine"] = b.maybe(0.85 if migraine_like else 0.15)
    present = [s for s in ("nausea", "photophobia", "phonophobia") if f[s] is True]
    f["most_bothersome"] = r.choice(present) if present else ("other" if r.random() < 0.5 else None)
    return f


def _choose_treatment(b: _Builder, day: int, migraine_like: bool) -> str:
    in_stretch = b.stretch[0] <= day < b.stretch[1]
    options = ["untreated", "kratom", "sumatriptan", "ibuprofen", "dark room rest"]
    weights = [0.15, 0.45 if in_stretch else 0.3, 0.27 if migraine_like else 0.05, 0.18, 0.1]
    return b.r.choices(options, weights)[0]


def _treat(
    b: _Builder, day: int, onset_h: float, attack_id: str, pain: float, kratom_recent: int
) -> tuple[float, bool, bool]:
    """Add the doses of one treated attack; return (end hour, pain free at 2 h, returned)."""
    r = b.r
    key = _choose_treatment(b, day, pain >= 5)
    if key == "untreated":
        if r.random() < 0.06:
            return onset_h + r.uniform(1.0, 2.0), True, False
        return onset_h + min(70.0, max(4.0, r.lognormvariate(math.log(14), 0.6))), False, False
    delay = r.uniform(0.3, 2.0)
    dose_h = onset_h + delay
    dose = _Dose(b.new_id(), b.local(day, dose_h), key, "acute", attack_id)
    dose.stomach = r.choice(("empty", "light", "full"))
    if key == "kratom":
        dose.grams = b.kratom_grams()
        dose.batch = b.kratom_batch(day)
        dose.estimate = r.random() < 0.1
        a, s = KRATOM_PAIN_FREE_LOGIT
        p_free = _expit(a + s * dose.grams - b.cfg.tolerance_per_day * kratom_recent)
        p_relief = RELIEF_IF_NOT_FREE["kratom"] + 0.04 * dose.grams
    else:
        p_free = PAIN_FREE_2H[key]
        p_relief = RELIEF_IF_NOT_FREE[key]
    free = r.random() < p_free
    relieved = free or r.random() < p_relief
    if free:
        p2 = 0.0
    elif relieved:
        p2 = float(r.randint(1, 3))
    else:
        p2 = float(max(4, min(10, pain - r.randint(0, 2) + r.randint(0, 1))))
    p30 = float(round(pain - 0.3 * (pain - p2)))
    p1h = float(round(pain - 0.65 * (pain - p2)))
    returned = free and r.random() < (0.3 if key == "kratom" else 0.2)
    rescue = (not free) and r.random() < 0.5
    if free and not returned:
        end_h = dose_h + r.uniform(1.3, 2.0)
        p24 = 0.0
    elif free:
        end_h = dose_h + r.uniform(8.0, 30.0)
        p24 = float(r.randint(0, 4))
    else:
        end_h = onset_h + min(70.0, max(4.0, r.lognormvariate(math.log(12 if relieved else 18), 0.5)))
        p24 = 0.0 if end_h - dose_h < 24 else float(r.randint(2, 5))
    dose.pains = (pain, p30, p1h, p2, p24)
    dose.mbs_gone = True if free else (r.random() < (0.5 if relieved else 0.15))
    dose.rescue = rescue
    dose.returned = returned if free else None
    dose.relief_min = float(r.randint(20, 110)) if relieved else math.nan
    b.doses.append(dose)
    if rescue:
        rescue_key = "ibuprofen" if key != "ibuprofen" else "sumatriptan"
        rescue_h = dose_h + r.uniform(2.0, 3.0)
        rd = _Dose(b.new_id(), b.local(day, rescue_h), rescue_key, "acute", attack_id)
        rd.stomach = r.choice(("empty", "light", "full"))
        after = float(r.randint(0, 3))
        rd.pains = (p2, float(round((p2 + after) / 2)), after, after, 0.0)
        rd.mbs_gone = after <= 1
        rd.rescue = False
        rd.returned = False if after == 0 else None
        rd.relief_min = float(r.randint(30, 90)) if after <= 2 else math.nan
        b.doses.append(rd)
        end_h = max(end_h, rescue_h + 0.5)
    return end_h, free, returned


def _chronic_kratom_days(b: _Builder) -> set[int]:
    r = b.r
    lo, hi = b.stretch
    chosen: set[int] = set()
    for day in range(b.n):
        if lo <= day < hi:
            p = 0.75
        elif hi <= day < hi + 12:
            p = 0.0  # a break after the stretch of frequent use
        else:
            p = 0.05
        if r.random() < p:
            chosen.add(day)
    return chosen


def simulate_diary(
    days: int = 365, seed: int = 0, start: date | None = None, config: SimConfig | None = None
) -> SimulatedDiary:
    """Simulate ``days`` days of one person's diary; same seed, same diary."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cfg = config or SimConfig()
    start = start or date(2025, 1, 6)
    n = days
    rng = np.random.default_rng(seed)
    day_frame, _window = _simulate_days(rng, n, start, cfg)
    factors = daily_factors(day_frame)
    p_onset = _onset_probability(factors, cfg, n)
    u = rng.random(n)

    b = _Builder(seed, n, start, cfg)
    chronic = _chronic_kratom_days(b)
    kratom_days = np.zeros(n)
    for d in chronic:
        kratom_days[d] = 1.0
    worst = np.zeros(n)
    function = np.zeros(n)
    t = 0
    while t < n:
        if u[t] >= p_onset[t]:
            t += 1
            continue
        t = _add_attack(b, t, kratom_days, worst, function) + 1

    _add_chronic_and_preventive(b, chronic)
    _add_side_effects(b)
    days_frame = finish_days(day_frame, worst, function, rng)
    attacks = attack_frame(b)
    diary = Diary(
        days=days_frame,
        attacks=attacks,
        doses=dose_frame(b),
        side_effects=side_effect_frame(b),
        questionnaires=questionnaire_frame(b, days_frame, attacks),
        time_zone=cfg.time_zone,
    )
    return SimulatedDiary(diary=diary, truth=_truth(cfg), kratom_batches=_batch_frame(b), factors=factors)


def _onset_probability(factors: pd.DataFrame, cfg: SimConfig, n: int) -> FloatArray:
    """The daily probability of an attack starting: expit(baseline + planted log-odds of the lagged factors)."""
    eta = np.full(n, cfg.baseline_log_odds)
    for eff in cfg.effects:
        if eff.factor not in factors.columns:
            raise ValueError(f"unknown planted factor {eff.factor!r}")
        x = np.nan_to_num(factors[eff.factor].to_numpy(dtype=np.float64), nan=0.0)
        if eff.lag:
            x = np.concatenate([np.zeros(eff.lag), x[: -eff.lag]])
        eta += eff.log_odds * x
    return np.asarray(1.0 / (1.0 + np.exp(-eta)), dtype=np.float64)


def _add_attack(b: _Builder, t: int, kratom_days: FloatArray, worst: FloatArray, function: FloatArray) -> int:
    """Add the attack starting on day ``t`` with its doses, mark its days; return the day it ends."""
    r = b.r
    n = b.n
    migraine_like = r.random() < 0.72
    aura = migraine_like and r.random() < 0.18
    onset_h = r.uniform(5.0, 22.0)
    pain = float(r.randint(5, 9) if migraine_like else r.randint(3, 6))
    attack_id = b.new_id()
    recent = int(kratom_days[max(0, t - 28) : t].sum())
    n_before = len(b.doses)
    end_h, _free, _returned = _treat(b, t, onset_h, attack_id, pain, recent)
    if not migraine_like and end_h - onset_h > 30:
        end_h = onset_h + r.uniform(2.0, 20.0)
    if b.cfg.long_attack_rate and r.random() < b.cfg.long_attack_rate:
        end_h = max(end_h, onset_h + r.uniform(26.0, 70.0))
    for dose in b.doses[n_before:]:
        if dose.key == "kratom":
            kratom_days[t] = 1.0
    peak = max([pain] + [max(d.pains[:4]) for d in b.doses[n_before:] if not math.isnan(d.pains[0])])
    start_local = b.local(t, onset_h)
    end_local = b.local(t, end_h)
    end_day = (end_local.normalize() - b.start).days
    disability = float(r.randint(1, 3) if migraine_like else r.randint(0, 1))
    attack: dict[str, Any] = {
        "id": attack_id,
        "start_local": start_local,
        "end_local": end_local if end_local < b.local(n, 0.0) else None,
        "peak_nrs": peak,
        "disability": disability,
    }
    attack.update(_attack_features(b, migraine_like, aura))
    b.attacks.append(attack)
    last = min(end_day, n - 1)
    worst[t : last + 1] = np.maximum(worst[t : last + 1], peak)
    function[t : last + 1] = np.maximum(function[t : last + 1], disability)
    return int(end_day)


def _truth(cfg: SimConfig) -> SimTruth:
    return SimTruth(
        baseline_log_odds=cfg.baseline_log_odds,
        effects=cfg.effects,
        non_triggers=(f"{TAG_PREFIX}chocolate", *(f"{TAG_PREFIX}{t}" for t, _ in cfg.independent_tags)),
        travels_with={f"{TAG_PREFIX}chocolate": "menstrual_window", "alcohol": f"{TAG_PREFIX}red wine"},
        pain_free_2h=dict(PAIN_FREE_2H),
        kratom_pain_free_2h_logit=KRATOM_PAIN_FREE_LOGIT,
    )


def _batch_frame(b: _Builder) -> pd.DataFrame:
    """The kratom batches; a lab-tested one gets a test date near the start of the diary."""
    batches = pd.DataFrame(
        KRATOM_BATCHES,
        columns=[
            "product",
            "vendor",
            "form",
            "batch",
            "lab",
            "mitragynine_mg_per_g",
            "hydroxymitragynine_mg_per_g",
        ],
    )
    batches["tested_on"] = [
        (b.start - pd.Timedelta(days=30 - 20 * i)).date() if lab else None
        for i, lab in enumerate(batches["lab"])
    ]
    return batches


def _add_chronic_and_preventive(b: _Builder, chronic: set[int]) -> None:
    r = b.r
    attack_days = {(a["start_local"].normalize() - b.start).days for a in b.attacks}
    for day in sorted(chronic - attack_days):
        for k in range(1 if r.random() < 0.6 else 2):
            dose = _Dose(b.new_id(), b.local(day, 8.5 + 7 * k + r.uniform(-1, 1)), "kratom", "chronic", None)
            dose.grams = float(r.choice((2.0, 2.5, 3.0, 3.5, 4.0, 5.0)))
            dose.batch = b.kratom_batch(day)
            dose.estimate = r.random() < 0.1
            dose.stomach = r.choice(("empty", "light", "full"))
            before = float(r.randint(3, 6))
            after = float(max(0, before - r.randint(1, 3)))
            dose.pains = (before, math.nan, math.nan, after, math.nan)
            b.doses.append(dose)
    first = int(b.n * 0.2)
    for day in range(first, min(b.n, first + 40)):
        if r.random() < 0.9:
            b.doses.append(
                _Dose(b.new_id(), b.local(day, 21.0 + r.uniform(0, 1)), "magnesium", "preventive", None)
            )


def _add_side_effects(b: _Builder) -> None:
    r = b.r
    for dose in b.doses:
        at = dose.local + pd.Timedelta(minutes=r.randint(20, 150))
        if dose.key == "kratom" and not math.isnan(dose.grams):
            g = dose.grams
            for symptom, a, s in (
                ("nausea", -4.0, 0.45),
                ("constipation", -3.6, 0.38),
                ("drowsiness", -3.4, 0.3),
            ):
                if r.random() < _expit(a + s * g):
                    severity = "mild" if g < 4 else r.choice(("mild", "moderate"))
                    b.effects.append((symptom, at, severity, False, dose.id))
            if g >= 7 and r.random() < 0.05:
                b.effects.append(("fainting", at, "severe", True, dose.id))
        elif dose.key == "sumatriptan":
            if r.random() < 0.15:
                b.effects.append(("tingling", at, "mild", False, dose.id))
            if r.random() < 0.06:
                b.effects.append(("chest tightness", at, "moderate", False, dose.id))
        elif dose.key == "ibuprofen" and r.random() < 0.06:
            b.effects.append(("stomach upset", at, "mild", False, dose.id))
