"""The knowledge base: every entry is sourced and dated, validated by its schema, and complete."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest
import yaml

from relief.safety import kb
from relief.treatments.classes import OVERUSE_GROUPS, SUBSTANCE_CLASSES, SUBSTANCE_PROPERTIES

REQUIRED_CLASS_TARGETS = [
    "opioid", "benzodiazepine", "z_drug", "alcohol", "gabapentinoid", "antitussive", "ssri", "snri", "tca",
    "maoi", "triptan", "antiemetic", "antipsychotic", "stimulant", "food",
]  # fmt: skip
REQUIRED_PROPERTY_TARGETS = [
    "tramadol",
    "dextromethorphan",
    "cyp3a_substrate",
    "cyp2d6_substrate",
    "qt_prolonging",
]


@pytest.fixture
def knowledge():
    return kb.read_knowledge()


def test_every_entry_has_at_least_one_source_with_an_address_and_an_as_of_date(knowledge):
    entries = list(knowledge)
    assert len(entries) > 100
    for entry in entries:
        assert entry.sources, entry.key
        assert isinstance(entry.as_of, dt.date), entry.key
        for source in entry.sources:
            assert source.title and (source.url or source.locator), (entry.key, source.key)


def test_every_entry_carries_a_certainty_label(knowledge):
    for entry in knowledge:
        assert entry.certainty in kb.CERTAINTY_LABELS, entry.key


def test_items_the_reference_marks_uncertain_are_not_labelled_established(knowledge):
    assert knowledge.get("dose_bands", "psychonautwiki").certainty == "uncertain"
    assert knowledge.get("dose_bands", "tripsit").certainty == "uncertain"
    assert knowledge.get("product_limits", "aka_gmp").certainty == "verify"
    assert knowledge.get("legal_status", "us-7oh").certainty == "verify"
    assert knowledge.get("interactions", "kratom+food").is_uncertain
    kratom = knowledge.overuse("kratom")
    assert kratom["project_decision"] is True and kratom.certainty == "inference"


def test_every_substance_class_in_the_catalogue_has_an_interaction_entry_with_kratom(knowledge):
    targeted = {e["target"]["class"] for e in knowledge.of("interactions") if "class" in e["target"]}
    assert targeted == set(SUBSTANCE_CLASSES)


def test_only_kratom_itself_and_non_drug_measures_are_not_applicable(knowledge):
    not_applicable = {
        e["target"].get("class") for e in knowledge.of("interactions") if e["level"] == "not_applicable"
    }
    assert not_applicable == {"kratom", "non_drug"}


@pytest.mark.parametrize("target", REQUIRED_CLASS_TARGETS)
def test_the_issue_names_each_of_these_classes_with_a_rated_interaction(knowledge, target):
    (entry,) = [e for e in knowledge.of("interactions") if e["target"].get("class") == target]
    assert entry["level"] in {"dangerous", "unsafe", "caution", "low_risk"}
    assert entry["mechanism"].endswith(".")


@pytest.mark.parametrize("prop", REQUIRED_PROPERTY_TARGETS)
def test_the_issue_names_each_of_these_properties_with_a_rated_interaction(knowledge, prop):
    assert prop in SUBSTANCE_PROPERTIES
    (entry,) = [e for e in knowledge.of("interactions") if e["target"].get("property") == prop]
    assert entry["level"] in {"dangerous", "caution"}


def test_depressant_combinations_are_dangerous(knowledge):
    for cls in ("opioid", "benzodiazepine", "alcohol", "gabapentinoid"):
        assert knowledge.worst_interaction(cls)["level"] == "dangerous"
    assert knowledge.worst_interaction("other", ["tramadol"])["level"] == "dangerous"
    assert knowledge.worst_interaction("other", ["qt_prolonging"])["level"] == "caution"
    assert knowledge.worst_interaction("nsaid")["level"] == "unknown"


def test_dose_bands_cover_the_three_references_with_their_published_edges(knowledge):
    bands = {e.key: [(b["name"], b["min"], b["max"]) for b in e["bands"]] for e in knowledge.of("dose_bands")}
    assert bands["seed_articles"] == [("low", 1, 3), ("moderate", 3, 5), ("high", 5, None)]
    assert bands["psychonautwiki"] == [
        ("light", 1, 3),
        ("common", 3, 5),
        ("strong", 5, 8),
        ("heavy", 8, None),
    ]
    assert bands["tripsit"] == [("light", 0.5, 1.5), ("common", 1.5, 3), ("strong", 3, 6)]
    for entry in knowledge.of("dose_bands"):
        assert entry["onset_minutes"]["min"] < entry["onset_minutes"]["max"]


def test_red_flags_use_the_diary_side_effect_symptom_keys(knowledge):
    from relief.diary.models import SideEffect

    keys = {e["symptom"] for e in knowledge.of("red_flags")}
    assert keys == set(SideEffect.RED_FLAGS)
    assert keys <= set(SideEffect.Symptom.values)


def test_every_overuse_group_has_a_threshold_and_kratom_uses_the_opioid_one(knowledge):
    for group in OVERUSE_GROUPS:
        assert knowledge.overuse(group)["days_per_month"] in {10, 15}
    assert (
        knowledge.overuse("kratom")["days_per_month"] == knowledge.overuse("opioid")["days_per_month"] == 10
    )
    assert knowledge.overuse("non_opioid_analgesic")["days_per_month"] == 15
    assert knowledge.meta["overuse"]["headache_days_per_month"] == 15


def test_utah_limits_match_the_rule_text(knowledge):
    limits = {x["analyte"]: x.get("max") for x in knowledge.get("product_limits", "utah_r70_580_5")["limits"]}
    assert limits["arsenic"] == 2 and limits["cadmium"] == 0.82
    assert limits["lead"] == 1.2 and limits["mercury"] == 0.4
    assert limits["salmonella"] is None


def test_legal_entries_carry_an_effective_date_and_a_last_checked_date(knowledge):
    for entry in knowledge.of("legal_status"):
        assert entry["effective"]
        checked = dt.date.fromisoformat(entry["last_checked"])
        assert dt.date(2026, 11, 21) <= checked <= dt.date.today(), entry.key


def test_legal_lookup_accepts_a_region_with_or_without_the_country_prefix(knowledge):
    assert [e.key for e in knowledge.legal_for("US", "US-LA")] == ["us", "us-7oh", "us-la"]
    assert [e.key for e in knowledge.legal_for("us", "la")] == ["us", "us-7oh", "us-la"]
    assert "us-ca-san-diego" in [e.key for e in knowledge.legal_for("US", "CA", "san diego")]
    assert "us-ca-san-diego" not in [e.key for e in knowledge.legal_for("US", "CA")]
    assert knowledge.legal_for("", "LA") == []


def test_load_knowledge_is_cached():
    assert kb.load_knowledge() is kb.load_knowledge()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(kb.KNOWLEDGE_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_an_entry_without_sources_is_refused(tmp_path):
    directory = _copy(tmp_path)
    _edit(directory / "red_flags.yaml", lambda d: d["entries"][0].update(sources=[]))
    with pytest.raises(kb.KnowledgeError, match=r"red_flags\.yaml"):
        kb.read_knowledge(directory)


def test_an_entry_without_an_as_of_date_is_refused(tmp_path):
    directory = _copy(tmp_path)
    _edit(directory / "interactions.yaml", lambda d: d["entries"][3].pop("as_of"))
    with pytest.raises(kb.KnowledgeError, match="as_of"):
        kb.read_knowledge(directory)


def test_an_entry_citing_an_unknown_source_is_refused(tmp_path):
    directory = _copy(tmp_path)
    _edit(directory / "overuse.yaml", lambda d: d["entries"][0].update(sources=["nowhere"]))
    with pytest.raises(kb.KnowledgeError, match="unknown source"):
        kb.read_knowledge(directory)


def test_an_interaction_with_a_class_that_is_not_in_the_catalogue_is_refused(tmp_path):
    directory = _copy(tmp_path)
    _edit(directory / "interactions.yaml", lambda d: d["entries"][1].update(target={"class": "opiates"}))
    with pytest.raises(kb.KnowledgeError, match="unknown class"):
        kb.read_knowledge(directory)


def test_an_entry_with_an_unknown_certainty_is_refused(tmp_path):
    directory = _copy(tmp_path)
    _edit(directory / "dose_bands.yaml", lambda d: d["entries"][0].update(certainty="probably"))
    with pytest.raises(kb.KnowledgeError, match="certainty"):
        kb.read_knowledge(directory)


def test_a_source_without_url_or_locator_is_refused(tmp_path):
    directory = _copy(tmp_path)
    _edit(directory / "sources.yaml", lambda d: d["entries"]["nelsen_2010"].pop("url"))
    with pytest.raises(kb.KnowledgeError, match=r"sources\.yaml"):
        kb.read_knowledge(directory)


def test_every_schema_is_a_valid_json_schema_and_every_kind_has_one():
    import json

    import jsonschema

    for kind in ("sources", *kb.ENTRY_KINDS):
        schema = json.loads((kb.SCHEMA_DIR / f"{kind}.schema.json").read_text())
        jsonschema.Draft202012Validator.check_schema(schema)


def test_dose_bands_are_contiguous_and_rising(knowledge):
    for entry in knowledge.of("dose_bands"):
        bands = entry["bands"]
        for lower, upper in itertools.pairwise(bands):
            assert lower["max"] == upper["min"], entry.key
            assert lower["min"] < lower["max"], entry.key


def test_dates_in_yaml_stay_text_until_the_schema_has_checked_them(tmp_path):
    directory = _copy(tmp_path)
    text = (directory / "facts.yaml").read_text().replace('as_of: "2026-11-21"', "as_of: 2026-11-21", 1)
    (directory / "facts.yaml").write_text(text)
    assert kb.read_knowledge(directory).of("facts")[0].as_of == dt.date(2026, 11, 21)
    (directory / "facts.yaml").write_text(text.replace("as_of: 2026-11-21", "as_of: 21.11.2026", 1))
    with pytest.raises(kb.KnowledgeError, match="as_of"):
        kb.read_knowledge(directory)


# Sites that only reproduce or summarise primary texts: a fact cited through one is marked as such.
AGGREGATORS = (
    "speciosa.org", "natlawreview.com", "jdsupra.com", "druglib.com", "distantreader.org", "biocloudy.com",
    "legalclarity.org", "kratomanonymous.com", "mdspire.com", "superspeciosa.com", "otiesbotanicals.com",
    "mitragaia.com", "georgiawrongfuldeathattorney.com", "kratomscience.eu", "kratomit.eu", "goldstandardanalytics.com",
    "docslib.org", "bulkkratomnow.com",
)  # fmt: skip


def test_every_source_has_a_date_and_primary_sources_are_marked(knowledge):
    undated = [s.key for s in knowledge.sources.values() if not (s.date or s.retrieved)]
    assert undated == []
    for source in knowledge.sources.values():
        for text in filter(None, (source.date, source.retrieved)):
            assert dt.date.fromisoformat((text + "-01-01")[:10] if len(text) == 4 else (text + "-01")[:10])
    primary = [s for s in knowledge.sources.values() if s.primary]
    assert len(primary) >= 40
    for source in primary:
        assert source.url or source.locator, source.key


def test_a_fact_read_through_an_aggregator_is_never_marked_primary_or_established(knowledge):
    for source in knowledge.sources.values():
        if source.url and any(site in source.url for site in AGGREGATORS):
            assert not source.primary, source.key
            assert source.certainty != "established", source.key


def test_the_loader_refuses_a_source_without_any_date(tmp_path):
    directory = tmp_path / "knowledge"
    shutil.copytree(kb.KNOWLEDGE_DIR, directory)
    path = directory / "sources.yaml"
    text = path.read_text().replace('    date: "2016-08-31"\n', "", 1)
    path.write_text(text)
    with pytest.raises(kb.KnowledgeError, match="fda_opioid_benzo_2016"):
        kb.read_knowledge(directory)


def test_every_fact_of_every_kind_names_at_least_one_source(knowledge):
    for entry in knowledge:
        assert entry.sources, f"{entry.kind}:{entry.key}"
    assert {e.key for e in knowledge.of("drug_interactions")} >= {
        "triptan+mao_a_inhibitor", "triptan+triptan", "triptan+ergot", "ergot+strong_cyp3a_inhibitor",
        "opioid+benzodiazepine", "opioid+cns_depressant", "serotonergic_opioid+antidepressant",
        "serotonergic_opioid+maoi", "nsaid+anticoagulant", "nsaid+antiplatelet", "triptan+ssri_snri",
    }  # fmt: skip


def test_wisconsins_ban_names_its_statute_and_rests_on_the_legislatures_own_text(knowledge):
    entry = knowledge.get("legal_status", "us-wi")
    assert "961.14 (7) (mk)" in entry["summary"] and "not confirmed" not in entry["summary"]
    cited = [knowledge.sources[key] for key in entry["sources"]]
    assert any(s.primary and "docs.legis.wisconsin.gov" in s.url for s in cited)
