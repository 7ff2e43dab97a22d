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

from .daily import attack_days, day_positions
from .exceptions import NotFittedError
from .frames import Diary, nrs_to_4pt, records
from .wording import counted

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
    return nrs_to_4pt(float(nrs))


def _known_duration(a: dict[str, Any]) -> float:
    duration = a.get("duration_h")
    if duration is None or pd.isna(duration) or float(duration) <= 0:
        return math.nan  # open, or only a date (end equal to start): not known
    return float(duration)


def _negate(value: Tri) -> Tri:
    return None if value is None else not value


def has_aura(b: dict[str, Tri]) -> Tri:
    """ICHD-3 1.2 B: at least one fully reversible aura symptom (unknown when none is recorded)."""
    return any_of([b.get(s) for s in AURA_SYMPTOMS])


def criteria_1_1(a: dict[str, Any], b: dict[str, Tri], treated: bool) -> tuple[Tri, Tri, Tri]:
    """ICHD-3 1.1 B (4-72 h untreated), C (2 of 4 pain features), D (nausea/vomiting or photo+phono)."""
    duration = _known_duration(a)
    intensity = _intensity(a)
    unilateral, _ = _side(a.get("side"))
    pulsating, _ = _quality(a.get("quality"))
    moderate = None if math.isnan(intensity) else intensity >= 2
    m_b: Tri
    if math.isnan(duration):
        m_b = None
    elif duration > 72:
        m_b = False
    elif duration >= 4:
        m_b = True
    else:
        m_b = None if treated else False  # a treated attack may have been cut short
    m_c = at_least([unilateral, pulsating, moderate, b.get("worse_with_activity")], 2)
    nausea_or_vomit = any_of([b.get("nausea"), b.get("vomiting")])
    m_d = any_of([nausea_or_vomit, all_of([b.get("photophobia"), b.get("phonophobia")])])
    return m_b, m_c, m_d


def criteria_1_2(a: dict[str, Any], b: dict[str, Tri]) -> tuple[Tri, Tri]:
    """ICHD-3 (2018) 1.2 B and C.

    C needs at least three of six characteristics (Headache Classification
    Committee of the IHS, Cephalalgia 2018;38(1):1-211, 1.2 C; the beta's
    "two of four" is not used): (1) spreads gradually over >= 5 min, (2) two or
    more symptoms in succession, (3) each symptom lasts 5-60 min (read from
    the aura's duration: 5 min up to 60 min per symptom, note 1), (4) at least
    one symptom unilateral, (5) at least one symptom positive, (6) accompanied
    or followed within 60 min by headache (true: the aura is logged with a
    headache attack).
    """
    aura_values = [b.get(s) for s in AURA_SYMPTOMS]
    a_b = any_of(aura_values)
    if a_b is not True:
        return a_b, (None if a_b is None else False)
    n_aura = sum(v is True for v in aura_values)
    aura_min = a.get("aura_duration_min")
    aura_min = math.nan if aura_min is None or pd.isna(aura_min) else float(aura_min)
    succession: Tri = True if n_aura >= 2 else (None if any(v is None for v in aura_values) else False)
    lasting = None if math.isnan(aura_min) else 5 <= aura_min <= 60 * max(1, n_aura)
    a_c = at_least(
        [
            b.get("aura_spreads_gradually"),
            succession,
            lasting,
            b.get("aura_unilateral"),
            b.get("aura_positive"),
            True,
        ],
        3,
    )
    return a_b, a_c


def criteria_2(a: dict[str, Any], b: dict[str, Tri]) -> tuple[Tri, Tri, Tri]:
    """ICHD-3 2 (tension-type) B (30 min to 7 days), C (2 of 4 features), D (no nausea, <= 1 of photo/phono)."""
    duration = _known_duration(a)
    intensity = _intensity(a)
    _, bilateral = _side(a.get("side"))
    _, pressing = _quality(a.get("quality"))
    mild_moderate = None if math.isnan(intensity) else intensity <= 2
    t_b = None if math.isnan(duration) else 0.5 <= duration <= 24 * 7
    t_c = at_least([bilateral, pressing, mild_moderate, _negate(b.get("worse_with_activity"))], 2)
    photo_phono_at_most_one = at_least([_negate(b.get("photophobia")), _negate(b.get("phonophobia"))], 1)
    t_d = all_of([_negate(b.get("nausea")), _negate(b.get("vomiting")), photo_phono_at_most_one])
    return t_b, t_c, t_d


def misses_exactly_one(values: list[Tri]) -> bool:
    """All criteria known, exactly one not met (ICHD-3 1.5: 'all but one')."""
    return sum(v is False for v in values) == 1 and all(v is not None for v in values)


def _label(without_aura: Tri, ma: Tri, tth: Tri, probable: bool) -> str:
    if without_aura is True:
        return "1.1 migraine without aura (attack features)"
    if ma is True:
        return "1.2 migraine with aura (attack features)"
    if tth is True:
        return "2 tension-type-like"
    if probable:
        return "1.5 probable migraine (attack features)"
    return "unclassified"


def _attack_row(a: dict[Any, Any], treated: bool) -> dict[str, Any]:
    b = {k: _tri(a.get(k)) for k in _BOOL_FIELDS if k in a}
    m_b, m_c, m_d = criteria_1_1(a, b, treated)
    a_b, a_c = criteria_1_2(a, b)
    t_b, t_c, t_d = criteria_2(a, b)
    mo, ma, tth = all_of([m_b, m_c, m_d]), all_of([a_b, a_c]), all_of([t_b, t_c, t_d])
    # an attack with aura counts for 1.2 and never for 1.1; unknown aura leaves 1.1 not evaluable
    without_aura = all_of([mo, _negate(a_b)])
    probable_mo = a_b is not True and misses_exactly_one([m_b, m_c, m_d])
    probable_ma = a_b is True and a_c is False
    return {
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
        "aura": _status(a_b),
        "meets_1.1_BD": _status(mo),
        "counts_1.1": _status(without_aura),
        "meets_1.2_BC": _status(ma),
        "meets_2_BD": _status(tth),
        "probable_1.5": bool(probable_mo and tth is not True),
        "probable_1.5_aura": bool(probable_ma),
        "label": _label(without_aura, ma, tth, probable_mo or probable_ma),
        "believed_migraine": b.get("believed_migraine"),
    }


ATTACK_CRITERIA_COLUMNS = (
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
    "aura",
    "meets_1.1_BD",
    "counts_1.1",
    "meets_1.2_BC",
    "meets_2_BD",
    "probable_1.5",
    "probable_1.5_aura",
    "label",
    "believed_migraine",
)


def attack_criteria(attacks: pd.DataFrame, treated_ids: set[str] | None = None) -> pd.DataFrame:
    """Per attack: status of ICHD-3 1.1 B-D, 1.2 B-C, 2 (TTH) B-D, and a label.

    ``treated_ids`` are attacks with an acute dose; their short duration does
    not count against criterion 1.1 B (ICHD: "untreated or unsuccessfully
    treated"), it is not evaluable instead.  ``counts_1.1`` is met only for an
    attack meeting B-D *without* aura (an attack with aura counts for 1.2).
    """
    treated_ids = treated_ids or set()
    rows = [_attack_row(a, a["id"] in treated_ids) for a in records(attacks)]
    return pd.DataFrame(rows, columns=list(ATTACK_CRITERIA_COLUMNS))


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


def wording(code: str, name: str, status: str, suffix: str = "") -> str:
    """The one sentence for a finding; it always says what ``status`` says."""
    verb = {MET: "are met", NOT_MET: "are not met", NOT_EVALUABLE: "cannot be checked yet"}[status]
    return f"Criteria for ICHD-3 {code} {name} {verb} in the diary data{suffix}."


def _count_status(met: int, unknown: int, needed: int) -> str:
    """Criterion A style count: met with ``needed`` attacks, not evaluable while unknowns could reach it."""
    if met >= needed:
        return MET
    return NOT_EVALUABLE if met + unknown >= needed else NOT_MET


def finding_1_1(att: pd.DataFrame) -> Finding:
    n = int((att["counts_1.1"] == MET).sum())
    unknown = int((att["counts_1.1"] == NOT_EVALUABLE).sum())
    aura_unknown = int(((att["meets_1.1_BD"] == MET) & (att["aura"] == NOT_EVALUABLE)).sum())
    with_aura = int((att["aura"] == MET).sum())
    status = _count_status(n, unknown, 5)
    evidence = (
        f"{counted(n, 'attack')} without aura {'meets' if n == 1 else 'meet'} B-D ({unknown} not evaluable"
    )
    evidence += (
        f", {aura_unknown} of them because whether there was an aura is not recorded" if aura_unknown else ""
    )
    evidence += f"); {counted(with_aura, 'attack')} with aura {'counts' if with_aura == 1 else 'count'} for 1.2 instead; criterion A needs 5"
    return Finding(
        "1.1", "migraine without aura", status, evidence, wording("1.1", "migraine without aura", status)
    )


def finding_1_2(att: pd.DataFrame) -> Finding:
    n = int((att["meets_1.2_BC"] == MET).sum())
    unknown = int((att["meets_1.2_BC"] == NOT_EVALUABLE).sum())
    status = _count_status(n, unknown, 2)
    evidence = f"{counted(n, 'attack')} with aura {'meets' if n == 1 else 'meet'} B-C ({unknown} not evaluable); criterion A needs 2"
    return Finding(
        "1.2", "migraine with aura", status, evidence, wording("1.2", "migraine with aura", status)
    )


def finding_1_5(att: pd.DataFrame, s11: str, s12: str) -> Finding:
    """1.5 needs probable-migraine attacks *and* 1.1 and 1.2 both not met (a definite diagnosis trumps it)."""
    n_mo = int((att["counts_1.1"] == MET).sum())
    n_prob = int(att["probable_1.5"].sum())
    n_ma = int((att["meets_1.2_BC"] == MET).sum())
    n_prob_aura = int(att["probable_1.5_aura"].sum())
    evidence_present = (1 <= n_mo < 5) or n_prob >= 5 or n_ma == 1 or n_prob_aura >= 2
    if not evidence_present or MET in (s11, s12):
        status = NOT_MET
    elif s11 == NOT_MET and s12 == NOT_MET:
        status = MET
    else:
        status = NOT_EVALUABLE
    evidence = (
        f"{counted(n_mo, 'attack')} without aura {'meets' if n_mo == 1 else 'meet'} 1.1 B-D (1.1 needs 5), {n_prob} miss exactly one of B-D; "
        f"{counted(n_ma, 'attack')} with aura {'meets' if n_ma == 1 else 'meet'} 1.2 B-C (1.2 needs 2), {n_prob_aura} miss only C; "
        f"1.1 is {s11.replace('_', ' ')} and 1.2 is {s12.replace('_', ' ')}"
    )
    return Finding(
        "1.5",
        "probable migraine",
        status,
        evidence,
        wording("1.5", "probable migraine", status, " (it applies only when 1.1 and 1.2 are not met)"),
    )


def finding_2(att: pd.DataFrame, windows: list[dict[str, Any]]) -> Finding:
    n = int((att["meets_2_BD"] == MET).sum())
    unknown = int((att["meets_2_BD"] == NOT_EVALUABLE).sum())
    status = _count_status(n, unknown, 10)
    if status == MET:
        per_window = [wd["headache_days"] for wd in windows]
        mean_days = float(np.mean(per_window)) if per_window else math.nan
        subtype = (
            "2.3 chronic"
            if longest_run([d >= 15 for d in per_window]) >= 3
            else ("2.1 infrequent episodic" if mean_days < 1 else "2.2 frequent episodic")
        )
        evidence = f"{n} tension-type-like episodes; pattern like {subtype}"
    else:
        evidence = f"{n} tension-type-like episodes ({unknown} not evaluable; criterion A needs 10)"
    return Finding(
        "2", "tension-type headache", status, evidence, wording("2", "tension-type headache", status)
    )


def finding_1_3(att: pd.DataFrame, windows: list[dict[str, Any]], window_days: int) -> Finding:
    """1.3: >= 15 headache days and >= 8 migraine-like days in each of 3 consecutive windows, plus B."""
    suffix = f" ({window_days}-day windows)"
    if len(windows) < 3:
        text = f"only {len(windows)} full {window_days}-day windows (need 3)"
        return Finding(
            "1.3",
            "chronic migraine",
            NOT_EVALUABLE,
            text,
            wording("1.3", "chronic migraine", NOT_EVALUABLE, suffix),
        )
    hd = [wd["headache_days"] >= 15 for wd in windows]
    surely = [h and wd["migraine_like_days"] >= 8 for h, wd in zip(hd, windows, strict=True)]
    maybe = [
        h and wd["migraine_like_days"] + wd["unknown_days"] >= 8 for h, wd in zip(hd, windows, strict=True)
    ]
    n_hist = int(((att["counts_1.1"] == MET) | (att["meets_1.2_BC"] == MET)).sum())
    n_hist_unknown = int(
        ((att["counts_1.1"] == NOT_EVALUABLE) | (att["meets_1.2_BC"] == NOT_EVALUABLE)).sum()
    )
    history = _count_status(n_hist, n_hist_unknown, 5)
    if longest_run(hd) < 3 or longest_run(maybe) < 3 or history == NOT_MET:
        status = NOT_MET
    elif longest_run(surely) >= 3 and history == MET:
        status = MET
    else:
        status = NOT_EVALUABLE
    text = (
        f"longest run of windows with >=15 headache days: {longest_run(hd)}; with also >=8 migraine-like days: "
        f"{longest_run(surely)} ({longest_run(maybe)} counting days whose features are unknown); "
        f"attacks meeting 1.1 B-D or 1.2 B-C: {n_hist} ({n_hist_unknown} not evaluable)"
    )
    return Finding(
        "1.3", "chronic migraine", status, text, wording("1.3", "chronic migraine", status, suffix)
    )


def finding_8_2(windows: list[dict[str, Any]], window_days: int) -> Finding:
    suffix = " (days with intake, >3 months as 3 consecutive windows)"
    name = "medication-overuse headache"
    if len(windows) < 3:
        text = f"only {len(windows)} full {window_days}-day windows (need 3)"
        return Finding("8.2", name, NOT_EVALUABLE, text, wording("8.2", name, NOT_EVALUABLE, suffix))
    headache = [wd["headache_days"] >= 15 for wd in windows]
    subtypes: list[str] = []
    for label, classes, threshold in MOH_THRESHOLDS:
        key = "days_" + "+".join(classes)
        flags = [h and wd.get(key, 0) >= threshold for h, wd in zip(headache, windows, strict=True)]
        if longest_run(flags) >= 3:
            subtypes.append(label)
    if not subtypes:
        flags = [h and wd.get("days_any", 0) >= 10 for h, wd in zip(headache, windows, strict=True)]
        if longest_run(flags) >= 3:
            subtypes.append("8.2.6 multiple drug classes not individually overused")
    status = MET if subtypes else NOT_MET
    text = ("subtypes: " + ", ".join(subtypes)) if subtypes else "no class above its threshold for 3 windows"
    return Finding("8.2", name, status, text, wording("8.2", name, status, suffix))


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
        self.windows_ = self._windows(diary, self.attacks_)
        self.findings_ = self._findings(self.attacks_)
        return self

    def _windows(self, diary: Diary, att: pd.DataFrame) -> list[dict[str, Any]]:
        n_days = len(diary.days)
        ad = attack_days(diary)
        migraine_like = np.zeros(n_days, dtype=bool)
        unknown = np.zeros(n_days, dtype=bool)
        relieved = _relieved_by_specific(diary)
        for k, row in enumerate(records(att)):
            first, last = int(ad.first_day[k]), int(ad.last_day[k])
            if first < 0:
                continue
            # ICHD-3 1.3 C: C and D of 1.1, or B and C of 1.2, or believed migraine relieved by a triptan/ergot
            c1 = all_of([_tri_status(row["1.1_C"]), _tri_status(row["1.1_D"])])
            c2 = _tri_status(row["meets_1.2_BC"])
            c3: Tri = bool(row["believed_migraine"] is True and row["id"] in relieved)
            c = any_of([c1, c2, c3])
            if c is True:
                migraine_like[first : last + 1] = True
            elif c is None:
                unknown[first : last + 1] = True
        unknown &= ~migraine_like
        med = _medication_days(diary, n_days)
        w = self.window_days
        out: list[dict[str, Any]] = []
        for i in range(n_days // w):
            sl = slice(i * w, (i + 1) * w)
            entry: dict[str, Any] = {
                "start": str(pd.Timestamp(diary.days["date"].iloc[i * w]).date()),
                "headache_days": int(ad.covered[sl].sum()),
                "migraine_like_days": int(migraine_like[sl].sum()),
                "unknown_days": int(unknown[sl].sum()),
            }
            for cls, arr in med.items():
                entry[f"days_{cls}"] = int(arr[sl].sum())
            out.append(entry)
        return out

    def _findings(self, att: pd.DataFrame) -> list[Finding]:
        f11 = finding_1_1(att)
        f12 = finding_1_2(att)
        return [
            f11,
            f12,
            finding_1_5(att, f11.status, f12.status),
            finding_2(att, self.windows_),
            finding_1_3(att, self.windows_, self.window_days),
            finding_8_2(self.windows_, self.window_days),
        ]

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


def _tri_status(status: str) -> Tri:
    return None if status == NOT_EVALUABLE else status == MET


def _relieved_by_specific(diary: Diary) -> set[str]:
    d = diary.doses
    if len(d) == 0:
        return set()
    specific = d[d["substance_class"].astype("string").isin(["triptan", "ergot"]).fillna(False)]
    ok = specific[pd.to_numeric(specific["pain_2h"], errors="coerce") <= 3]
    return set(ok["attack_id"].dropna().astype(str))


def _medication_days(diary: Diary, n_days: int) -> dict[str, np.ndarray]:
    """Per class group: 0/1 per diary day with an intake taken for pain (not preventive)."""
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
