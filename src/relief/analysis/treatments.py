"""Acute treatment response with IHS endpoints, kratom dose bands and side effects.

The unit is a treated attack: its *first* acute dose is the treatment; later
doses for the same attack count as rescue.  Endpoints follow the IHS
guidelines for controlled trials of acute treatment (Diener et al. 2019):

* pain freedom at 2 h: pain 0 at 2 h, no rescue before 2 h
* pain relief at 2 h: moderate/severe at dosing -> none/mild at 2 h (4-point
  scale, mapped from 0-10 with :func:`frames.nrs_to_4pt`)
* freedom from the most bothersome symptom at 2 h
* sustained pain freedom 2-24 h: pain free at 2 h, no rescue, no return
* rescue medication within 24 h; time to relief (minutes)

Rates carry Wilson 95 % intervals, differences Newcombe hybrid score intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .exceptions import NotFittedError
from .frames import Diary, known_durations, nrs_to_4pt, records
from .results import FEWEST_FOR_A_RATE, DoseResponseResult, Rate, SideEffectResult, TreatmentResult
from .stats import Z95, fit_logistic, lr_pvalue, newcombe_difference, wilson_interval

_BELOW_ONE = 1.0 - 1e-9

DEFAULT_BANDS: tuple[tuple[str, float, float], ...] = (
    ("<1 g", -math.inf, _BELOW_ONE),
    ("1-3 g", _BELOW_ONE, 3.0),
    ("3-5 g", 3.0, 5.0),
    (">5 g", 5.0, math.inf),
)
"""Kratom dose bands (label, low, high): a dose belongs where low < grams <= high,
so 1 g and 3 g fall in "1-3 g" and 5 g in "3-5 g"."""

ENDPOINTS = ("pain_free_2h", "pain_relief_2h", "mbs_free_2h", "sustained_pain_free_24h", "rescue")


def dose_band(grams: float, bands: tuple[tuple[str, float, float], ...] = DEFAULT_BANDS) -> str | None:
    if grams is None or math.isnan(grams):
        return None
    for label, low, high in bands:
        if low < grams <= high:
            return label
    return None


def rate(values: npt.NDArray[np.float64]) -> Rate:
    """Proportion of 1.0 among the non-missing values, with a Wilson interval."""
    known = values[~np.isnan(values)]
    n = len(known)
    k = int(known.sum())
    low, high = wilson_interval(k, n)
    return Rate(k=k, n=n, rate=k / n if n else math.nan, ci=(low, high))


def _b(value: Any) -> float:
    if value is None or value is pd.NA:
        return math.nan
    if isinstance(value, float) and math.isnan(value):
        return math.nan
    return 1.0 if bool(value) else 0.0


def _f(value: Any) -> float:
    if value is None or value is pd.NA:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def treated_attack_table(
    diary: Diary, bands: tuple[tuple[str, float, float], ...] = DEFAULT_BANDS
) -> pd.DataFrame:
    """One row per treated attack with its first acute dose and endpoint values (1/0/NaN)."""
    doses = diary.doses
    if len(doses) == 0:
        return pd.DataFrame(columns=["attack_id", "treatment", "dose_band", "product", *ENDPOINTS])
    acute = doses[
        doses["attack_id"].notna() & (doses["reason"].astype("string").fillna("acute") != "preventive")
    ]
    acute = acute.assign(_aid=acute["attack_id"].astype(str)).sort_values(["_aid", "taken_at"])
    rows_in = records(acute)
    seconds = (acute["taken_at"].astype("int64") // 10**9).to_numpy()
    rows: list[dict[str, Any]] = []
    i = 0
    while i < len(rows_in):
        j = i + 1
        while j < len(rows_in) and rows_in[j]["_aid"] == rows_in[i]["_aid"]:
            j += 1
        first = rows_in[i]
        hours_after = (seconds[i + 1 : j] - seconds[i]) / 3600.0
        i_next = j
        rescue_before_2h = bool((hours_after < 2).any())
        rescue_within_24h = bool(((hours_after >= 0) & (hours_after <= 24)).any())
        flagged = _b(first.get("rescue_taken"))
        rescue = 1.0 if (rescue_within_24h or flagged == 1.0) else flagged
        p0, p2 = _f(first.get("pain_at_dose")), _f(first.get("pain_2h"))
        free = math.nan if math.isnan(p2) else float(p2 == 0 and not rescue_before_2h)
        if math.isnan(p0) or math.isnan(p2) or nrs_to_4pt(p0) < 2:
            relief = math.nan
        else:
            relief = float(nrs_to_4pt(p2) <= 1 and not rescue_before_2h)
        returned = _b(first.get("returned_24h"))
        if math.isnan(free):
            sustained = math.nan
        elif free == 0.0 or rescue == 1.0 or returned == 1.0:
            sustained = 0.0
        elif math.isnan(returned) or math.isnan(rescue):
            sustained = math.nan
        else:
            sustained = 1.0
        grams = _f(first.get("amount_g"))
        is_kratom = bool(first.get("is_kratom"))
        product = first.get("product")
        rows.append(
            {
                "attack_id": first["_aid"],
                "dose_id": str(first["id"]),
                "taken_at": first["taken_at"],
                "treatment": str(first["substance"]),
                "substance_class": str(first.get("substance_class")),
                "is_kratom": is_kratom,
                "grams": grams,
                "mitragynine_mg": _f(first.get("mitragynine_mg")),
                "dose_band": dose_band(grams, bands) if is_kratom else None,
                "product": None if product is None or pd.isna(product) else str(product),
                "pain_free_2h": free,
                "pain_relief_2h": relief,
                "mbs_free_2h": _b(first.get("mbs_gone_2h")),
                "sustained_pain_free_24h": sustained,
                "rescue": rescue,
                "relief_min": _f(first.get("relief_min")),
                "pain_drop_2h": p0 - p2,
            }
        )
        i = i_next
    return pd.DataFrame(rows)


def untreated_attack_table(diary: Diary) -> pd.DataFrame:
    """Untreated attacks; 2 h pain freedom = the attack ended within 2 h of its start.

    An attack without a known duration (still open, or only a date) has both
    endpoints unknown (NaN): it is left out of the rates, never counted as relieved.
    """
    attacks = diary.attacks
    treated = set(diary.doses["attack_id"].dropna().astype(str)) if len(diary.doses) else set()
    untreated = attacks[~attacks["id"].astype(str).isin(treated)].sort_values("start")
    starts = attacks.sort_values("start")["start"]
    durations = known_durations(untreated)
    rows = []
    for k, (_, a) in enumerate(untreated.iterrows()):
        duration = float(durations[k])
        free = math.nan if math.isnan(duration) else float(duration <= 2.0)
        if math.isnan(free) or free == 0.0:
            sustained = free
        else:
            end = a["end"]
            next_start = starts[starts > a["start"]]
            recurred = len(next_start) > 0 and (next_start.iloc[0] - end) <= pd.Timedelta(hours=24)
            sustained = 0.0 if recurred else 1.0
        rows.append({"attack_id": str(a["id"]), "pain_free_2h": free, "sustained_pain_free_24h": sustained})
    return pd.DataFrame(rows, columns=["attack_id", "pain_free_2h", "sustained_pain_free_24h"])


def _result(
    table: pd.DataFrame, treatment: str, band: str | None, product: str | None = None
) -> TreatmentResult:
    def col(name: str) -> npt.NDArray[np.float64]:
        if name not in table:
            return np.full(len(table), np.nan)
        return table[name].to_numpy(dtype=np.float64)

    relief = col("relief_min")
    relief = relief[~np.isnan(relief)]
    note = None
    if len(table) < FEWEST_FOR_A_RATE:
        note = (
            f"not enough data yet: {len(table)} treated attacks "
            f"(rates need at least {FEWEST_FOR_A_RATE} to mean much)"
        )
    return TreatmentResult(
        treatment=treatment,
        dose_band=band,
        treated_attacks=len(table),
        pain_free_2h=rate(col("pain_free_2h")),
        pain_relief_2h=rate(col("pain_relief_2h")),
        mbs_free_2h=rate(col("mbs_free_2h")),
        sustained_pain_free_24h=rate(col("sustained_pain_free_24h")),
        rescue=rate(col("rescue")),
        median_relief_min=float(np.median(relief)) if len(relief) else None,
        product=product,
        note=note,
    )


@dataclass
class TreatmentAnalysis:
    """Per-treatment IHS acute endpoints, kratom dose bands and products, dose-response, side effects."""

    bands: tuple[tuple[str, float, float], ...] = DEFAULT_BANDS
    treated_: pd.DataFrame | None = None
    results_: list[TreatmentResult] = field(default_factory=list)
    untreated_: TreatmentResult | None = None
    comparisons_: list[dict[str, Any]] = field(default_factory=list)
    dose_response_: list[DoseResponseResult] = field(default_factory=list)
    side_effects_: list[SideEffectResult] = field(default_factory=list)
    notes_: list[str] = field(default_factory=list)

    def fit(self, diary: Diary) -> TreatmentAnalysis:
        table = treated_attack_table(diary, self.bands)
        self.treated_ = table
        self.notes_ = []
        self.results_ = []
        if len(table):
            for name, group in table.groupby("treatment", sort=True):
                self.results_.append(_result(group, str(name), None))
                if bool(group["is_kratom"].iloc[0]):
                    for label, _, _ in self.bands:
                        sub = group[group["dose_band"] == label]
                        if len(sub):
                            self.results_.append(_result(sub, str(name), label))
                    for product, sub in group.groupby(group["product"].fillna("unknown product")):
                        self.results_.append(_result(sub, str(name), None, product=str(product)))
        untreated = untreated_attack_table(diary)
        self.untreated_ = _result(untreated, "untreated", None)
        reference = self.untreated_.pain_free_2h
        self.results_ = [
            replace(
                r,
                difference_vs_untreated_pain_free_2h=newcombe_difference(
                    r.pain_free_2h.k, r.pain_free_2h.n, reference.k, reference.n
                ),
            )
            for r in self.results_
        ]
        self.comparisons_ = self._comparisons(table, untreated)
        self.dose_response_ = kratom_dose_response(table)
        self.side_effects_ = side_effect_rates(diary, self.bands)
        if any(r.note for r in self.results_):
            self.notes_.append(
                f"Some treatments have fewer than {FEWEST_FOR_A_RATE} treated attacks: their rates are shown "
                "but not enough data yet."
            )
        self.notes_.append(
            "Untreated attacks have no pain scores at 2 h: their 2 h pain freedom is read as "
            "'the attack ended within 2 h'; relief, symptom freedom and rescue are not available for them."
        )
        unknown = int(untreated["pain_free_2h"].isna().sum()) if len(untreated) else 0
        if unknown:
            self.notes_.append(
                f"{unknown} of {len(untreated)} untreated attacks were left out of the 2 h comparison: "
                "they have only a date or no end time, so whether the pain was gone at 2 h is not known."
            )
        missing = {e: int(table[e].isna().sum()) for e in ("pain_free_2h",)} if len(table) else {}
        if missing.get("pain_free_2h"):
            self.notes_.append(
                f"{missing['pain_free_2h']} of {len(table)} treated attacks have no pain score at 2 h and are "
                "left out of the 2 h pain-freedom rates (unknown, not counted as success or failure)."
            )
        return self

    def _comparisons(self, table: pd.DataFrame, untreated: pd.DataFrame) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        arms: dict[str, npt.NDArray[np.float64]] = {}
        if len(table):
            for name, group in table.groupby("treatment", sort=True):
                arms[str(name)] = group["pain_free_2h"].to_numpy(dtype=np.float64)
        arms_untreated = untreated["pain_free_2h"].to_numpy(dtype=np.float64)
        names = sorted(arms)
        pairs = [(a, "untreated") for a in names] + [
            (a, b) for i, a in enumerate(names) for b in names[i + 1 :]
        ]
        for a, b in pairs:
            xa = arms[a]
            xb = arms_untreated if b == "untreated" else arms[b]
            xa, xb = xa[~np.isnan(xa)], xb[~np.isnan(xb)]
            d, low, high = newcombe_difference(int(xa.sum()), len(xa), int(xb.sum()), len(xb))
            out.append(
                {
                    "endpoint": "pain_free_2h",
                    "treatment": a,
                    "versus": b,
                    "difference": d,
                    "ci": [low, high],
                    "n": [len(xa), len(xb)],
                }
            )
        return out

    def summary(self) -> pd.DataFrame:
        if self.treated_ is None:
            raise NotFittedError("call fit() first")
        rows = []
        for r in [*self.results_, *([self.untreated_] if self.untreated_ else [])]:
            row: dict[str, Any] = {
                "treatment": r.treatment,
                "dose_band": r.dose_band,
                "product": r.product,
                "n": r.treated_attacks,
            }
            for e in ENDPOINTS:
                row[e] = getattr(r, e).rate
            rows.append(row)
        return pd.DataFrame(rows)


def kratom_dose_response(table: pd.DataFrame, firth: bool = True) -> list[DoseResponseResult]:
    """Firth logistic regression of each endpoint on grams (per g) and mitragynine (per 10 mg)."""
    out: list[DoseResponseResult] = []
    if len(table) == 0:
        return out
    kratom = table[table["is_kratom"].astype(bool)]
    for exposure, column, scale in (
        ("grams", "grams", 1.0),
        ("mitragynine_mg_per_10", "mitragynine_mg", 10.0),
    ):
        for endpoint in ("pain_free_2h", "pain_relief_2h"):
            x = kratom[column].to_numpy(dtype=np.float64) / scale
            y = kratom[endpoint].to_numpy(dtype=np.float64)
            ok = ~(np.isnan(x) | np.isnan(y))
            x, y = x[ok], y[ok]
            n = int(ok.sum())
            if n < 10 or np.ptp(x) == 0 or y.sum() in (0, n):
                out.append(
                    DoseResponseResult(
                        exposure=exposure,
                        endpoint=endpoint,
                        doses=n,
                        odds_ratio_per_unit=math.nan,
                        ci=(math.nan, math.nan),
                        p_value=math.nan,
                        note="not enough data yet: needs at least 10 kratom-treated attacks with the dose known, "
                        "both outcomes present and more than one dose",
                    )
                )
                continue
            X = np.column_stack([np.ones(n), x])
            full = fit_logistic(X, y, firth=firth)
            reduced = fit_logistic(X, y, firth=firth, fixed_zero=1, start=np.array([full.coef[0], 0.0]))
            b, se = float(full.coef[1]), float(full.se[1])
            out.append(
                DoseResponseResult(
                    exposure=exposure,
                    endpoint=endpoint,
                    doses=n,
                    odds_ratio_per_unit=math.exp(b),
                    ci=(math.exp(b - Z95 * se), math.exp(b + Z95 * se)),
                    p_value=lr_pvalue(full, reduced),
                )
            )
    return out


def side_effect_rates(
    diary: Diary, bands: tuple[tuple[str, float, float], ...] = DEFAULT_BANDS
) -> list[SideEffectResult]:
    doses = diary.doses
    if len(doses) == 0:
        return []
    effects = diary.side_effects
    by_dose: dict[str, list[tuple[str, bool]]] = {}
    if len(effects):
        for e in effects.dropna(subset=["dose_id"]).to_dict("records"):
            by_dose.setdefault(str(e["dose_id"]), []).append((str(e["symptom"]), bool(e["red_flag"])))
    band_values = [
        dose_band(_f(g), bands) if bool(k) else None
        for g, k in zip(doses["amount_g"], doses["is_kratom"], strict=True)
    ]
    frame = doses.assign(_band=pd.Series(band_values, index=doses.index, dtype="object"))
    out: list[SideEffectResult] = []
    groups: list[tuple[str, str | None, pd.DataFrame]] = []
    for name, group in frame.groupby(frame["substance"].astype(str), sort=True):
        groups.append((str(name), None, group))
        if bool(group["is_kratom"].iloc[0]):
            for label, _, _ in bands:
                sub = group[group["_band"] == label]
                if len(sub):
                    groups.append((str(name), label, sub))
    for name, band, group in groups:
        ids = group["id"].astype(str).tolist()
        with_effect = np.array([1.0 if by_dose.get(i) else 0.0 for i in ids])
        symptoms: dict[str, int] = {}
        red = 0
        for i in ids:
            for symptom, flag in by_dose.get(i, []):
                symptoms[symptom] = symptoms.get(symptom, 0) + 1
                red += int(flag)
        out.append(
            SideEffectResult(
                treatment=name,
                dose_band=band,
                doses=len(ids),
                doses_with_side_effect=rate(with_effect),
                by_symptom=dict(sorted(symptoms.items())),
                red_flags=red,
            )
        )
    return out
