"""The CENT 2015 report of a personal trial: the items of the CONSORT extension for N-of-1 trials.

Vohra et al., CONSORT extension for reporting N-of-1 trials (CENT) 2015, BMJ 2015;350:h1738.
Only the items that apply to one person's self-experiment are filled in, from the protocol fixed
before the first allocation and the fitted result (``relief.analysis.trials``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class TrialProtocol:
    """What was fixed before the first allocation, plus what the report needs to say."""

    title: str
    design: Literal["attack", "period"]
    arms: tuple[str, ...]
    outcome: str
    planned_units: int
    margin: float
    threshold: float
    prior: str
    randomisation: str
    condition: str = "migraine or other headache, as diagnosed by the person's clinician"
    concurrent_therapies: tuple[str, ...] = ()
    period_days: int = 0
    washout_days: int = 0
    amendments: tuple[str, ...] = ()
    started: str | None = None
    ended: str | None = None


@dataclass(frozen=True)
class CentItem:
    item: str
    topic: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"item": self.item, "topic": self.topic, "text": self.text}


def _design_text(p: TrialProtocol) -> str:
    if p.design == "attack":
        return (
            f"Attack-level multiple crossover: each new attack was treated with the next option of a "
            f"concealed random sequence ({p.randomisation}); {p.planned_units} attacks planned."
        )
    return (
        f"Period-level multiple crossover: {p.planned_units} pairs of {p.period_days}-day periods, "
        f"order within each pair random ({p.randomisation}); analytic wash-out of "
        f"{p.washout_days} days at the start of every period."
    )


def _methods_text(p: TrialProtocol, comparisons: list[Any]) -> str:
    test = comparisons[0].get("test") if comparisons and comparisons[0] else "n/a"
    if p.design == "period":
        handling = (
            "Carry-over handled by the analytic wash-out; period effects balanced by the paired "
            "design; autocorrelation within a period is absorbed by analysing period means."
        )
    else:
        handling = "Attacks are treated as independent units; rescue before 2 h counts as failure."
    return f"Bayesian: {p.prior}. Frequentist beside it: {test}. {handling}"


def _plan_items(p: TrialProtocol, unit: str) -> list[CentItem]:
    """Items 1-11: what was fixed before the first allocation."""
    return [
        CentItem("1a", "Title", f"{p.title}: an N-of-1 trial."),
        CentItem(
            "2a",
            "Rationale",
            "To find out which option works better for this one person, "
            "instead of relying on averages from other people.",
        ),
        CentItem("3a", "Design", _design_text(p)),
        CentItem(
            "3b",
            "Changes to the protocol after the start",
            "; ".join(p.amendments) if p.amendments else "None.",
        ),
        CentItem(
            "4a",
            "Participant",
            f"One person; condition: {p.condition}. Concurrent therapies: "
            f"{', '.join(p.concurrent_therapies) or 'none recorded'}.",
        ),
        CentItem(
            "4c",
            "Setting and ethics",
            "A personal self-experiment recorded in a self-hosted journal, "
            "agreed with the person's clinician; not a research study, no ethics approval sought.",
        ),
        CentItem(
            "5",
            "Interventions",
            f"Options compared: {', '.join(p.arms)}. Amounts are the ones set with "
            "the clinician; the journal does not suggest any amount.",
        ),
        CentItem("6a", "Outcome", f"{p.outcome}, recorded in the diary for every {unit[:-1]}."),
        CentItem(
            "7a",
            "Planned size",
            f"{p.planned_units} {unit}; the decision rule was fixed before the first "
            f"allocation: a verdict needs a posterior probability of at least {p.threshold:.0%} for a "
            f"difference of at least {p.margin:g}.",
        ),
        CentItem(
            "8-10",
            "Randomisation and concealment",
            f"{p.randomisation}. The sequence was generated and "
            "stored before the first allocation; each allocation became visible only when the "
            f"{'attack was logged' if p.design == 'attack' else 'period began'}.",
        ),
        CentItem("11a", "Blinding", "Open label: the person knew which option they took."),
    ]


def _result_items(p: TrialProtocol, unit: str, summary: dict[str, Any]) -> list[CentItem]:
    """Items 12-21: the methods as run, what happened and what it means."""
    treated = (
        summary.get("deviations", {}).get("allocated")
        if p.design == "attack"
        else len(summary.get("pair_differences", []))
    )
    comparisons = summary.get("comparisons") or [summary.get("comparison")]
    results = " ".join(str(c.get("explanation", "")) for c in comparisons if c)
    return [
        CentItem("12a", "Statistical methods", _methods_text(p, comparisons)),
        CentItem(
            "13a",
            "Participant flow",
            f"{treated} {unit} analysed of {p.planned_units} planned. "
            + " ".join(summary.get("deviation_lines", [])),
        ),
        CentItem("14a", "Dates", f"Started {p.started or 'not yet'}; ended {p.ended or 'ongoing'}."),
        CentItem("17a", "Results", results or "No results yet."),
        CentItem(
            "19", "Harms", "Side effects logged in the diary during the trial are listed beside this report."
        ),
        CentItem(
            "20-21",
            "Limitations and generalisability",
            "One person, open label; the result applies to "
            "this person only and is an aid for the conversation with the clinician, not proof.",
        ),
    ]


def cent_report(protocol: TrialProtocol, summary: dict[str, Any]) -> list[CentItem]:
    """The CENT 2015 items that apply to one person's trial, filled in from the protocol and the fit."""
    unit = "attacks" if protocol.design == "attack" else "pairs of periods"
    return [*_plan_items(protocol, unit), *_result_items(protocol, unit, summary)]
