"""ICHD-3 criteria in diary data: per attack and per person, worded as findings."""

from __future__ import annotations

import pandas as pd
import pytest

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


def _with_aura(day: int, **fields):  # type: ignore[no-untyped-def]
    aura = dict(
        aura_visual=True,
        aura_duration_min=20.0,
        aura_spreads_gradually=True,
        aura_positive=True,
        aura_unilateral=True,
    )
    aura.update(fields)
    return _migraine(day, **aura)


def test_attacks_with_aura_count_for_1_2_and_never_for_1_1() -> None:
    c = DiaryClassification().fit(make_diary(make_days(80), [_with_aura(d) for d in range(0, 70, 10)]))
    assert _finding(c, "1.2").status == "met"
    assert _finding(c, "1.1").status == "not_met"
    assert "7 attacks with aura count for 1.2" in _finding(c, "1.1").evidence
    assert (c.attacks_ is not None) and set(c.attacks_["label"]) == {
        "1.2 migraine with aura (attack features)"
    }


def test_an_attack_whose_aura_is_not_recorded_leaves_1_1_not_evaluable() -> None:
    unknown_aura = {
        s: pd.NA
        for s in (
            "aura_visual",
            "aura_sensory",
            "aura_speech",
            "aura_motor",
            "aura_brainstem",
            "aura_retinal",
        )
    }
    attacks = [_migraine(d, **unknown_aura) for d in range(0, 60, 10)]
    c = DiaryClassification().fit(make_diary(make_days(70), attacks))
    f = _finding(c, "1.1")
    assert f.status == "not_evaluable"
    assert "whether there was an aura is not recorded" in f.evidence


def test_probable_migraine_is_not_met_while_1_1_is_only_not_evaluable() -> None:
    attacks = [_migraine(d) for d in range(0, 30, 10)]
    attacks += [
        _migraine(d, nausea=pd.NA, vomiting=pd.NA, photophobia=pd.NA, phonophobia=pd.NA) for d in (35, 45)
    ]
    c = DiaryClassification().fit(make_diary(make_days(60), attacks))
    assert _finding(c, "1.1").status == "not_evaluable"
    assert _finding(c, "1.5").status == "not_evaluable"


def test_probable_migraine_is_not_met_when_1_1_is_met() -> None:
    attacks = [_migraine(d) for d in range(0, 50, 10)]
    attacks += [make_attack(d, hours=2.0) for d in range(52, 110, 6)]  # untreated, too short: miss B only
    c = DiaryClassification().fit(make_diary(make_days(120), attacks))
    assert _finding(c, "1.1").status == "met"
    assert _finding(c, "1.5").status == "not_met"
    assert "fewer than 5" not in _finding(c, "1.5").evidence


def test_chronic_migraine_is_not_evaluable_when_every_attack_s_features_are_unknown() -> None:
    unknown = {
        "side": pd.NA,
        "quality": pd.NA,
        "peak_nrs": float("nan"),
        "peak_4pt": float("nan"),
        "worse_with_activity": pd.NA,
        "nausea": pd.NA,
        "vomiting": pd.NA,
        "photophobia": pd.NA,
        "phonophobia": pd.NA,
    }
    attacks = [make_attack(w * 30 + k, hours=8.0, **unknown) for w in range(3) for k in range(16)]
    c = DiaryClassification().fit(make_diary(make_days(90), attacks))
    f = _finding(c, "1.3")
    assert f.status == "not_evaluable"
    assert "cannot be checked" in f.wording


@pytest.mark.parametrize(
    "attacks",
    [
        [],
        [_migraine(d) for d in range(0, 40, 10)],
        [_migraine(d) for d in range(0, 60, 10)],
        [_with_aura(d) for d in range(0, 60, 10)],
        [
            _migraine(d, nausea=pd.NA, vomiting=pd.NA, photophobia=pd.NA, phonophobia=pd.NA)
            for d in range(0, 90, 2)
        ],
        [_tth(d) for d in range(0, 90, 3)],
    ],
)
def test_the_wording_of_every_finding_always_says_what_its_status_says(attacks) -> None:  # type: ignore[no-untyped-def]
    c = DiaryClassification().fit(make_diary(make_days(95), attacks))
    expected = {"met": " are met ", "not_met": " are not met ", "not_evaluable": " cannot be checked yet "}
    for f in c.findings_:
        assert expected[f.status] in f.wording, (f.code, f.status, f.wording)
        others = [v for k, v in expected.items() if k != f.status]
        assert not any(o in f.wording for o in others), (f.code, f.status, f.wording)


def test_no_function_in_the_classifier_is_longer_than_80_lines() -> None:
    import ast
    import inspect

    from relief.analysis import classify

    tree = ast.parse(inspect.getsource(classify))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno is not None
            assert node.end_lineno - node.lineno + 1 <= 80, node.name


def test_a_count_of_one_reads_in_the_singular():
    from relief.analysis.wording import counted

    assert counted(1, "attack") == "1 attack"
    assert counted(0, "attack") == "0 attacks"
    assert counted(2, "day") == "2 days"
