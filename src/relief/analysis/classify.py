"""ICHD-3 criteria checked against diary data (never a diagnosis).

Three layers (clinical-specs section 1): per attack, which criteria are met,
not met or not evaluable; per day (see :mod:`.frequency`); per person, which
criteria sets are met *in the diary data* over the chosen period.

Unknown answers are never read as "absent": a criterion that depends on an
unknown field is ``not_evaluable``, which differs from ``not_met``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .daily import attack_days
from .exceptions import NotFittedError
from .frames import Diary

MET, NOT_MET, NOT_EVALUABLE = "met", "not_met", "not_evaluable"
Tri = bool | None

AURA_SYMPTOMS = ("aura_visual", "aura_sensory", "aura_speech", "aura_motor", "aura_brainstem", "aura_retinal")
MIGRAINE_SPECIFIC = ("triptan", "ergot", "gepant", "ditan")
NON_OPIOID = ("nsaid", "non_opioid_analgesic")

MOH_THRESHOLDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("8.2.1 ergotamine", ("ergot",), 10),
    ("8.2.2 triptan", ("triptan",), 10),
    ("8.2.3 non-opioid analgesic", NON_OPIOID, 15),
    ("8.2.4 opioid", ("opioid",), 10),
    ("8.2.5 combination analgesic", ("combination_analgesic",), 10),
    ("kratom (project rule, counted like 8.2.4/8.2.8)", ("kratom",), 10),
)
MOH_ANY_CLASSES = ("ergot", "triptan", *NON_OPIOID, "opioid", "combination_analgesic", "kratom")

WORDING = (
    "These are findings in the diary data checked against ICHD-3 criteria, not a diagnosis. "
    "Only a clinician can diagnose a headache disorder."
)


def _tri(value: Any) -> Tri:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return bool(value)


def _status(value: Tri) -> str:
    return NOT_EVALUABLE if value is None else (MET if value else NOT_MET)


def at_least(values: list[Tri], k: int) -> Tri:
    """Three-valued 'at least k of these are true'."""
    yes = sum(v is True for v in values)
    unknown = sum(v is None for v in values)
    if yes >= k:
        return True
    if yes + unknown < k:
        return False
    return None


def any_of(values: list[Tri]) -> Tri:
    return at_least(values, 1)


def all_of(values: list[Tri]) -> Tri:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _side(value: Any) -> tuple[Tri, Tri]:
    """(unilateral, bilateral) from the side field."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None, None
    if value in ("left", "right", "alternating"):
        return True, False
    if value == "both":
        return False, True
    return None, None


def _quality(value: Any) -> tuple[Tri, Tri]:
    """(pulsating, pressing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None, None
    return value == "pulsating", value == "pressing"


_BOOL_FIELDS = frozenset(
    (
        "worse_with_activity",
        "nausea",
        "vomiting",
        "photophobia",
        "phonophobia",
        *AURA_SYMPTOMS,
        "aura_spreads_gradually",
        "aura_positive",
        "aura_unilateral",
        "believed_migraine",
    )
)


def _intensity(row: Any) -> float:
    four = row.get("peak_4pt")
    if four is not None and not pd.isna(four):
        return float(four)
    nrs = row.get("peak_nrs")
    if nrs is None or pd.isna(nrs):
        return math.nan
    from .frames import nrs_to_4pt

    return nrs_to_4pt(float(nrs))


def attack_criteria(attacks: pd.DataFrame, treated_ids: set[str] | None = None) -> pd.DataFrame:
    """Per attack: status of ICHD-3 1.1 B-D, 1.2 B-C, 2 (TTH) B-D, and a label.

    ``treated_ids`` are attacks with an acute dose; their short duration does
    not count against criterion 1.1 B (ICHD: "untreated or unsuccessfully
    treated"), it is not evaluable instead.
    """
    treated_ids = treated_ids or set()
    rows: list[dict[str, Any]] = []
    bool_cols = [c for c in attacks.columns if c in _BOOL_FIELDS]
    for a in attacks.to_dict("records"):
        b = {k: _tri(a.get(k)) for k in bool_cols}
        duration = a.get("duration_h")
        duration = math.nan if duration is None or pd.isna(duration) else float(duration)
        treated = a["id"] in treated_ids
        intensity = _intensity(a)
        moderate = None if math.isnan(intensity) else intensity >= 2
        mild_moderate = None if math.isnan(intensity) else intensity <= 2
        unilateral, bilateral = _side(a.get("side"))
        pulsating, pressing = _quality(a.get("quality"))
        activity = b.get("worse_with_activity")

        if math.isnan(duration):
            m_b: Tri = None
        elif duration > 72:
            m_b = False
        elif duration >= 4:
            m_b = True
        else:
            m_b = None if treated else False
        m_c = at_least([unilateral, pulsating, moderate, activity], 2)
        nausea_or_vomit = any_of([b.get("nausea"), b.get("vomiting")])
        m_d = any_of([nausea_or_vomit, all_of([b.get("photophobia"), b.get("phonophobia")])])

        aura_values = [b.get(s) for s in AURA_SYMPTOMS]
        a_b = any_of(aura_values)
        n_aura = sum(v is True for v in aura_values)
        aura_min = a.get("aura_duration_min")
        aura_min = math.nan if aura_min is None or pd.isna(aura_min) else float(aura_min)
        if a_b is True:
            succession: Tri = (
                True if n_aura >= 2 else (None if any(v is None for v in aura_values) else False)
            )
            lasting = None if math.isnan(aura_min) else 5 <= aura_min <= 60 * max(1, n_aura)
            a_c = at_least(
                [
                    b.get("aura_spreads_gradually"),
                    succession,
                    lasting,
                    b.get("aura_unilateral"),
                    b.get("aura_positive"),
                    True,  # the aura is logged with this headache attack
                ],
                3,
            )
        else:
            a_c = None if a_b is None else False

        t_b = None if math.isnan(duration) else 0.5 <= duration <= 24 * 7
        not_activity = None if activity is None else not activity
        t_c = at_least([bilateral, pressing, mild_moderate, not_activity], 2)
        no_nausea = None if b.get("nausea") is None else not b.get("nausea")
        no_vomit = None if b.get("vomiting") is None else not b.get("vomiting")
        photo_phono_at_most_one = at_least(
            [
                None if b.get("photophobia") is None else not b.get("photophobia"),
                None if b.get("phonophobia") is None else not b.get("phonophobia"),
            ],
            1,
        )
        t_d = all_of([no_nausea, no_vomit, photo_phono_at_most_one])

        mo = all_of([m_b, m_c, m_d])
        ma = all_of([a_b, a_c])
        tth = all_of([t_b, t_c, t_d])
        mo_statuses = [m_b, m_c, m_d]
        probable = sum(v is True for v in mo_statuses) == 2 and mo is not True
        if mo is True:
            label = "1.1 migraine without aura (attack features)"
        elif ma is True:
            label = "1.2 migraine with aura (attack features)"
        elif tth is True:
            label = "2 tension-type-like"
        elif probable:
            label = "1.5 probable migraine (attack features)"
        else:
            label = "unclassified"
        rows.append(
            {
                "id": a["id"],
                "start_date": a.get("start_date"),
                "1.1_B": _status(m_b),
                "1.1_C": _status(m_c),
                "1.1_D": _status(m_d),
                "1.2_B": _status(a_b),
                "1.2_C": _status(a_c),
                "2_B": _status(t_b),
                "2_C": _status(t_c),
                "2_D": _status(t_d),
                "meets_1.1_BD": _status(mo),
                "meets_1.2_BC": _status(ma),
                "meets_2_BD": _status(tth),
                "probable_1.5": bool(probable),
                "label": label,
                "believed_migraine": b.get("believed_migraine"),
            }
        )
    columns = [
        "id",
        "start_date",
        "1.1_B",
        "1.1_C",
        "1.1_D",
        "1.2_B",
        "1.2_C",
        "2_B",
        "2_C",
        "2_D",
        "meets_1.1_BD",
        "meets_1.2_BC",
        "meets_2_BD",
        "probable_1.5",
        "label",
        "believed_migraine",
    ]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    status: str
    evidence: str
    wording: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "evidence": self.evidence,
            "wording": self.wording,
        }


def longest_run(flags: list[bool]) -> int:
    best = run = 0
    for f in flags:
        run = run + 1 if f else 0
        best = max(best, run)
    return best


@dataclass
class DiaryClassification:
    """Per-person ICHD-3 findings in diary data.  ``fit(diary)`` returns self."""

    window_days: int = 30
    attacks_: pd.DataFrame | None = None
    findings_: list[Finding] = field(default_factory=list)
    windows_: list[dict[str, Any]] = field(default_factory=list)

    def fit(self, diary: Diary) -> DiaryClassification:
        doses = diary.doses
        acute = doses[doses["reason"].astype("string").fillna("") != "preventive"] if len(doses) else doses
        treated = set(acute["attack_id"].dropna().astype(str)) if len(acute) else set()
        self.attacks_ = attack_criteria(diary.attacks, treated)
        att = self.attacks_
        n_days = len(diary.days)
        ad = attack_days(diary)
        migraine_like_day = np.zeros(n_days, dtype=bool)
        relieved = _relieved_by_specific(diary)
        for k in range(len(att)):
            row = att.iloc[k]
            first, last = int(ad.first_day[k]), int(ad.last_day[k])
            if first < 0:
                continue
            # ICHD-3 1.3 C: C and D of 1.1, or B and C of 1.2, or believed migraine relieved by a triptan/ergot
            c1 = row["1.1_C"] == MET and row["1.1_D"] == MET
            c3 = row["believed_migraine"] is True and row["id"] in relieved
            if c1 or row["meets_1.2_BC"] == MET or c3:
                migraine_like_day[first : last + 1] = True
        med = _medication_days(diary, n_days)
        w = self.window_days
        n_windows = n_days // w
        self.windows_ = []
        for i in range(n_windows):
            sl = slice(i * w, (i + 1) * w)
            entry: dict[str, Any] = {
                "start": str(pd.Timestamp(diary.days["date"].iloc[i * w]).date()),
                "headache_days": int(ad.covered[sl].sum()),
                "migraine_like_days": int(migraine_like_day[sl].sum()),
            }
            for cls, arr in med.items():
                entry[f"days_{cls}"] = int(arr[sl].sum())
            self.windows_.append(entry)
        self.findings_ = self._findings(att, n_windows)
        return self

    def _findings(self, att: pd.DataFrame, n_windows: int) -> list[Finding]:
        out: list[Finding] = []
        n_mo = int((att["meets_1.1_BD"] == MET).sum())
        n_mo_unknown = int((att["meets_1.1_BD"] == NOT_EVALUABLE).sum())
        status = MET if n_mo >= 5 else (NOT_EVALUABLE if n_mo + n_mo_unknown >= 5 else NOT_MET)
        out.append(
            Finding(
                "1.1",
                "migraine without aura",
                status,
                f"{n_mo} attacks meet B-D ({n_mo_unknown} not evaluable); criterion A needs 5",
                f"Criteria for ICHD-3 1.1 migraine without aura {'are' if status == MET else 'are not'} met "
                "in the diary data."
                + (" Some attacks could not be evaluated." if status == NOT_EVALUABLE else ""),
            )
        )
        n_ma = int((att["meets_1.2_BC"] == MET).sum())
        n_ma_unknown = int((att["meets_1.2_BC"] == NOT_EVALUABLE).sum())
        status_a = MET if n_ma >= 2 else (NOT_EVALUABLE if n_ma + n_ma_unknown >= 2 else NOT_MET)
        out.append(
            Finding(
                "1.2",
                "migraine with aura",
                status_a,
                f"{n_ma} attacks meet B-C ({n_ma_unknown} not evaluable); criterion A needs 2",
                f"Criteria for ICHD-3 1.2 migraine with aura {'are' if status_a == MET else 'are not'} met "
                "in the diary data.",
            )
        )
        n_prob = int(att["probable_1.5"].sum())
        probable = status != MET and status_a != MET and (1 <= n_mo < 5 or n_prob >= 5)
        out.append(
            Finding(
                "1.5",
                "probable migraine",
                MET if probable else NOT_MET,
                f"{n_mo} attacks meet 1.1 B-D (fewer than 5) and {n_prob} attacks miss exactly one of B-D",
                "Criteria for ICHD-3 1.5 probable migraine "
                + ("are met" if probable else "are not met")
                + " in the diary data (only when 1.1 and 1.2 are not).",
            )
        )
        n_tth = int((att["meets_2_BD"] == MET).sum())
        per_window = [wd["headache_days"] for wd in self.windows_]
        if n_tth >= 10:
            mean_days = float(np.mean(per_window)) if per_window else math.nan
            subtype = (
                "2.3 chronic"
                if longest_run([d >= 15 for d in per_window]) >= 3
                else ("2.1 infrequent episodic" if mean_days < 1 else "2.2 frequent episodic")
            )
            tth_status, tth_text = MET, f"{n_tth} tension-type-like episodes; pattern like {subtype}"
        else:
            tth_status, tth_text = NOT_MET, f"{n_tth} tension-type-like episodes (criterion A needs 10)"
        out.append(
            Finding(
                "2",
                "tension-type headache",
                tth_status,
                tth_text,
                f"Criteria for ICHD-3 2 tension-type headache {'are' if tth_status == MET else 'are not'} met "
                "in the diary data.",
            )
        )
        if n_windows < 3:
            cm_status, cm_text = (
                NOT_EVALUABLE,
                f"only {n_windows} full {self.window_days}-day windows (need 3)",
            )
        else:
            hd_run = longest_run([wd["headache_days"] >= 15 for wd in self.windows_])
            both_run = longest_run(
                [wd["headache_days"] >= 15 and wd["migraine_like_days"] >= 8 for wd in self.windows_]
            )
            history = n_mo + n_ma >= 5
            cm_status = MET if both_run >= 3 and history else NOT_MET
            cm_text = (
                f"longest run of windows with >=15 headache days: {hd_run}; with also >=8 migraine-like days: "
                f"{both_run}; attacks meeting 1.1 B-D or 1.2 B-C: {n_mo + n_ma}"
            )
        out.append(
            Finding(
                "1.3",
                "chronic migraine",
                cm_status,
                cm_text,
                "Criteria for ICHD-3 1.3 chronic migraine "
                + {MET: "are met", NOT_MET: "are not met", NOT_EVALUABLE: "cannot be checked yet"}[cm_status]
                + f" in the diary data ({self.window_days}-day windows).",
            )
        )
        out.append(self._moh(n_windows))
        return out

    def _moh(self, n_windows: int) -> Finding:
        if n_windows < 3:
            return Finding(
                "8.2",
                "medication-overuse headache",
                NOT_EVALUABLE,
                f"only {n_windows} full {self.window_days}-day windows (need 3)",
                "Criteria for ICHD-3 8.2 cannot be checked yet in the diary data.",
            )
        headache = [wd["headache_days"] >= 15 for wd in self.windows_]
        subtypes: list[str] = []
        individually = False
        for name, classes, threshold in MOH_THRESHOLDS:
            key = "days_" + "+".join(classes)
            flags = [h and wd.get(key, 0) >= threshold for h, wd in zip(headache, self.windows_, strict=True)]
            if longest_run(flags) >= 3:
                subtypes.append(name)
                individually = True
        if not individually:
            flags = [h and wd.get("days_any", 0) >= 10 for h, wd in zip(headache, self.windows_, strict=True)]
            if longest_run(flags) >= 3:
                subtypes.append("8.2.6 multiple drug classes not individually overused")
        status = MET if subtypes else NOT_MET
        return Finding(
            "8.2",
            "medication-overuse headache",
            status,
            ("subtypes: " + ", ".join(subtypes))
            if subtypes
            else "no class above its threshold for 3 windows",
            "Criteria for ICHD-3 8.2 medication-overuse headache "
            + ("are met" if status == MET else "are not met")
            + " in the diary data (days with intake, >3 months as 3 consecutive windows).",
        )

    def summary(self) -> pd.DataFrame:
        if self.attacks_ is None:
            raise NotFittedError("call fit() first")
        return pd.DataFrame([f.as_dict() for f in self.findings_])

    def as_dict(self) -> dict[str, Any]:
        att = self.attacks_ if self.attacks_ is not None else pd.DataFrame()
        return {
            "wording": WORDING,
            "window_days": self.window_days,
            "findings": [f.as_dict() for f in self.findings_],
            "attack_labels": {str(k): int(v) for k, v in att["label"].value_counts().items()}
            if len(att)
            else {},
            "attacks": [
                {
                    "id": str(r["id"]),
                    "label": r["label"],
                    "criteria": {
                        c: r[c] for c in ("1.1_B", "1.1_C", "1.1_D", "1.2_B", "1.2_C", "2_B", "2_C", "2_D")
                    },
                }
                for r in att.to_dict("records")
            ],
        }


def _relieved_by_specific(diary: Diary) -> set[str]:
    d = diary.doses
    if len(d) == 0:
        return set()
    specific = d[d["substance_class"].astype("string").isin(["triptan", "ergot"]).fillna(False)]
    ok = specific[pd.to_numeric(specific["pain_2h"], errors="coerce") <= 3]
    return set(ok["attack_id"].dropna().astype(str))


def _medication_days(diary: Diary, n_days: int) -> dict[str, np.ndarray]:
    """Per class group: 0/1 per diary day with an intake taken for pain (not preventive)."""
    from .daily import day_positions

    d = diary.doses
    out: dict[str, np.ndarray] = {}
    groups = [classes for _, classes, _ in MOH_THRESHOLDS] + [MOH_ANY_CLASSES]
    names = ["+".join(c) for _, c, _ in MOH_THRESHOLDS] + ["any"]
    if len(d) == 0:
        return {name: np.zeros(n_days, dtype=bool) for name in names}
    pos = day_positions(diary.days, d["date"])
    cls = d["substance_class"].astype("string").fillna("").to_numpy()
    reason = d["reason"].astype("string").fillna("").to_numpy()
    for name, classes in zip(names, groups, strict=True):
        arr = np.zeros(n_days, dtype=bool)
        sel = np.isin(cls, classes) & (reason != "preventive") & (pos >= 0)
        arr[pos[sel]] = True
        out[name] = arr
    return out
