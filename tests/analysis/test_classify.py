"""ICHD-3 criteria in diary data: per attack and per person, worded as findings."""

from __future__ import annotations

import pandas as pd

from relief.analysis.classify import DiaryClassification, attack_criteria

from .helpers import attack_frame, make_attack, make_days, make_diary, make_dose


def _migraine(day: int, **fields):  # type: ignore[no-untyped-def]
    return make_attack(day, hours=8.0, **fields)


def _tth(day: int, **fields):  # type: ignore[no-untyped-def]
    base = dict(
        side="both",
        quality="pressing",
        peak_nrs=4.0,
        peak_4pt=2.0,
        worse_with_activity=False,
        nausea=False,
        photophobia=True,
        phonophobia=False,
    )
    base.update(fields)
    return make_attack(day, hours=5.0, **base)


def _finding(c: DiaryClassification, code: str):  # type: ignore[no-untyped-def]
    return next(f for f in c.findings_ if f.code == code)


def test_a_typical_migraine_attack_meets_b_to_d() -> None:
    row = attack_criteria(attack_frame([_migraine(0)])).iloc[0]
    assert (row["1.1_B"], row["1.1_C"], row["1.1_D"]) == ("met", "met", "met")
    assert row["label"].startswith("1.1")


def test_unknown_symptoms_make_d_not_evaluable_rather_than_not_met() -> None:
    attack = _migraine(0, nausea=pd.NA, vomiting=pd.NA, photophobia=pd.NA, phonophobia=pd.NA)
    row = attack_criteria(attack_frame([attack])).iloc[0]
    assert row["1.1_D"] == "not_evaluable"


def test_photophobia_alone_does_not_meet_d() -> None:
    attack = _migraine(0, nausea=False, vomiting=False, photophobia=True, phonophobia=False)
    assert attack_criteria(attack_frame([attack])).iloc[0]["1.1_D"] == "not_met"


def test_a_short_treated_attack_leaves_duration_not_evaluable_but_an_untreated_one_fails_it() -> None:
    short = make_attack(0, hours=2.0)
    treated = attack_criteria(attack_frame([short]), treated_ids={short["id"]}).iloc[0]
    untreated = attack_criteria(attack_frame([short])).iloc[0]
    assert treated["1.1_B"] == "not_evaluable"
    assert untreated["1.1_B"] == "not_met"


def test_an_aura_with_three_characteristics_meets_1_2() -> None:
    attack = _migraine(
        0,
        aura_visual=True,
        aura_sensory=True,
        aura_duration_min=25.0,
        aura_spreads_gradually=True,
        aura_positive=False,
        aura_unilateral=False,
    )
    row = attack_criteria(attack_frame([attack])).iloc[0]
    assert (row["1.2_B"], row["1.2_C"]) == ("met", "met")


def test_a_tension_type_like_attack_is_labelled_as_such() -> None:
    row = attack_criteria(attack_frame([_tth(0)])).iloc[0]
    assert row["meets_2_BD"] == "met"
    assert row["label"] == "2 tension-type-like"


def test_five_migraine_attacks_meet_1_1_but_four_only_probable_migraine() -> None:
    five = DiaryClassification().fit(make_diary(make_days(60), [_migraine(d) for d in range(0, 50, 10)]))
    four = DiaryClassification().fit(make_diary(make_days(60), [_migraine(d) for d in range(0, 40, 10)]))
    assert _finding(five, "1.1").status == "met"
    assert _finding(four, "1.1").status == "not_met"
    assert _finding(four, "1.5").status == "met"


def test_unknown_answers_can_make_the_person_level_finding_not_evaluable() -> None:
    attacks = [_migraine(d) for d in range(0, 30, 10)]
    attacks += [
        _migraine(d, nausea=pd.NA, vomiting=pd.NA, photophobia=pd.NA, phonophobia=pd.NA) for d in (35, 45)
    ]
    c = DiaryClassification().fit(make_diary(make_days(60), attacks))
    assert _finding(c, "1.1").status == "not_evaluable"


def test_chronic_migraine_needs_three_consecutive_windows() -> None:
    # headache on 16 of every 30 days, 9 of them migraine-like, for 3 windows
    attacks = []
    for w in range(3):
        for k in range(16):
            day = w * 30 + k
            attacks.append(_migraine(day) if k < 9 else _tth(day))
    c = DiaryClassification().fit(make_diary(make_days(90), attacks))
    assert _finding(c, "1.3").status == "met"
    two_windows = DiaryClassification().fit(
        make_diary(make_days(90), [a for a in attacks if a["start_date"] < pd.Timestamp("2025-05-02")])
    )
    assert _finding(two_windows, "1.3").status == "not_met"
    short = DiaryClassification().fit(make_diary(make_days(80), attacks[:30]))
    assert _finding(short, "1.3").status == "not_evaluable"


def test_triptans_on_ten_days_a_month_with_fifteen_headache_days_meet_triptan_overuse() -> None:
    attacks, doses = [], []
    for w in range(3):
        for k in range(15):
            attack = _migraine(w * 30 + k * 2)
            attacks.append(attack)
            if k < 10:
                doses.append(make_dose(w * 30 + k * 2, "Sumatriptan", "triptan", attack_id=attack["id"]))
    c = DiaryClassification().fit(make_diary(make_days(90), attacks, doses))
    moh = _finding(c, "8.2")
    assert moh.status == "met"
    assert "8.2.2 triptan" in moh.evidence


def test_nine_triptan_days_do_not_meet_triptan_overuse() -> None:
    attacks, doses = [], []
    for w in range(3):
        for k in range(15):
            attack = _migraine(w * 30 + k * 2)
            attacks.append(attack)
            if k < 9:
                doses.append(make_dose(w * 30 + k * 2, "Sumatriptan", "triptan", attack_id=attack["id"]))
    c = DiaryClassification().fit(make_diary(make_days(90), attacks, doses))
    assert _finding(c, "8.2").status == "not_met"


def test_every_finding_is_worded_as_a_diary_finding_not_a_diagnosis() -> None:
    c = DiaryClassification().fit(make_diary(make_days(60), [_migraine(d) for d in range(0, 50, 10)]))
    doc = c.as_dict()
    assert "not a diagnosis" in doc["wording"]
    for f in doc["findings"]:
        assert "in the diary data" in f["wording"]
        assert "diagnosed" not in f["wording"].lower()
