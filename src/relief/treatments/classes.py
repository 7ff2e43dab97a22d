"""Substance classes and properties used by the catalogue, overuse counting and interactions.

Plain Python (no Django) so that the safety knowledge base, the analysis
library and the importers can share one vocabulary.
"""

from __future__ import annotations

# class key -> human label
SUBSTANCE_CLASSES: dict[str, str] = {
    "kratom": "Kratom (Mitragyna speciosa)",
    "triptan": "Triptan",
    "ergot": "Ergot derivative",
    "gepant": "Gepant (CGRP receptor antagonist)",
    "ditan": "Ditan (5-HT1F agonist)",
    "non_opioid_analgesic": "Non-opioid analgesic (paracetamol, metamizole)",
    "nsaid": "NSAID",
    "combination_analgesic": "Combination analgesic",
    "opioid": "Opioid",
    "antiemetic": "Antiemetic",
    "benzodiazepine": "Benzodiazepine",
    "z_drug": "Z-drug (zolpidem, zopiclone)",
    "gabapentinoid": "Gabapentinoid",
    "ssri": "SSRI",
    "snri": "SNRI",
    "tca": "Tricyclic antidepressant",
    "maoi": "MAO inhibitor",
    "antipsychotic": "Antipsychotic",
    "stimulant": "Stimulant",
    "antihistamine": "Sedating antihistamine",
    "antitussive": "Cough suppressant (dextromethorphan)",
    "beta_blocker": "Beta blocker",
    "anticonvulsant": "Anticonvulsant preventive (topiramate, valproate)",
    "cgrp_antibody": "CGRP monoclonal antibody",
    "calcium_channel_blocker": "Calcium channel blocker (flunarizine, verapamil)",
    "muscle_relaxant": "Muscle relaxant",
    "barbiturate": "Barbiturate (butalbital)",
    "anticoagulant": "Anticoagulant (blood thinner)",
    "antiplatelet": "Antiplatelet medicine",
    "mood_stabiliser": "Mood stabiliser (lithium)",
    "anti_infective": "Antibiotic, antifungal or antiviral",
    "alcohol": "Alcohol",
    "caffeine": "Caffeine",
    "food": "Food or drink with drug interactions (grapefruit)",
    "supplement": "Supplement",
    "herbal": "Herbal or complementary remedy",
    "non_drug": "Non-drug relief measure",
    "other": "Other",
}

# Pharmacological properties a substance can carry in addition to its class;
# interaction entries may target a class or a property.
SUBSTANCE_PROPERTIES: dict[str, str] = {
    "cyp3a_substrate": "Metabolised mainly by CYP3A",
    "cyp2d6_substrate": "Metabolised mainly by CYP2D6",
    "cyp3a_inhibitor": "Strong CYP3A inhibitor",
    "cyp3a_inhibitor_moderate": "Moderate CYP3A inhibitor",
    "cyp3a_inhibitor_weak": "Weak CYP3A inhibitor",
    "cyp3a_inducer": "CYP3A inducer (lowers the levels of drugs cleared by CYP3A)",
    "mao_a_inhibitor": "Inhibits MAO-A (includes linezolid)",
    "mao_a_substrate": "Cleared mainly by MAO-A (sumatriptan, rizatriptan, zolmitriptan)",
    "qt_prolonging": "Can prolong the QT interval",
    "serotonergic": "Raises serotonin activity",
    "sedating": "Causes sedation / CNS depression",
    "tramadol": "Tramadol or tapentadol (opioid with seizure and serotonin risk)",
    "dextromethorphan": "Dextromethorphan",
    "seven_oh": "Concentrated 7-hydroxymitragynine product",
}

# ICHD-3 8.2 overuse groups: classes counted together as one drug class.
OVERUSE_GROUPS: dict[str, tuple[str, ...]] = {
    "ergot": ("ergot",),
    "triptan": ("triptan",),
    "non_opioid_analgesic": ("non_opioid_analgesic", "nsaid"),
    "opioid": ("opioid",),
    "combination_analgesic": ("combination_analgesic",),
    "kratom": ("kratom",),
}

ACUTE_HEADACHE_CLASSES: frozenset[str] = frozenset(
    {
        "triptan",
        "ergot",
        "gepant",
        "ditan",
        "non_opioid_analgesic",
        "nsaid",
        "combination_analgesic",
        "opioid",
        "kratom",
    }
)
