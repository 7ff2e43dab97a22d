"""Attack mode's cautions before a one-tap usual dose: one card per distinct caution, under its doses.

The safety engine previews each usual dose on its own (relief.safety.templatetags.safety_alerts),
so a caution about kratom itself (an interaction with a standing medication, a legal notice, driving)
comes back once for every kratom product: six near-identical cards above three buttons.  Here the
same caution, as the person would read it, is shown once with every dose it applies to; a caution
that differs in anything shown (level, title, message, what to do, what it is based on, sources)
keeps its own card.  The dose being previewed is left out of "based on" (the card names it), so
two doses whose cautions differ only in naming themselves share a card.
"""

from __future__ import annotations

import json
from typing import Any

from django import template

from relief.core.alerts import alert_dicts
from relief.safety.preview import PREVIEW_ID, preview_dose

register = template.Library()

# What a person reads on a card: two alerts that agree on all of these say the same thing.
SHOWN = ("level", "title", "message", "action", "actions", "evidence", "sources", "as_of", "certainty")


def _other_evidence(alert: dict[str, Any]) -> list[Any]:
    """What the caution is based on besides the previewed dose itself."""
    return [e for e in alert.get("evidence") or [] if not (isinstance(e, dict) and e.get("id") == PREVIEW_ID)]


def _shown(alert: dict[str, Any]) -> str:
    evidence = [e.get("label") if isinstance(e, dict) else e for e in _other_evidence(alert)]
    return json.dumps(
        {k: (evidence if k == "evidence" else alert.get(k)) for k in SHOWN}, sort_keys=True, default=str
    )


def fold_cautions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{label, alerts}]`` per dose into ``[{alert, labels}]`` per distinct caution, first seen first.

    Dangerous ones come first, as on every alert list of the app; cards with the same title (the
    same caution with different numbers for different doses) stay next to each other.
    """
    folded: dict[str, dict[str, Any]] = {}
    for row in rows:
        for alert in row["alerts"]:
            card = folded.setdefault(_shown(alert), {"alert": alert, "labels": []})
            if row["label"] not in card["labels"]:
                card["labels"].append(row["label"])
    cards = list(folded.values())
    for card in cards:
        if len(card["labels"]) > 1:  # "Before A or B" names the doses; "based on" keeps the rest
            card["alert"] = {**card["alert"], "evidence": _other_evidence(card["alert"])}
    titles: dict[str, int] = {}
    for card in cards:
        titles.setdefault(str(card["alert"].get("title")), len(titles))
    return sorted(
        cards, key=lambda card: (not card["alert"].get("dangerous"), titles[str(card["alert"].get("title"))])
    )


def doses_text(labels: list[str], every: list[str]) -> str:
    """``"A"``, ``"A or B"``, ``"A, B or C"``; "any of the doses below" when it is every one of them."""
    if len(labels) > 1 and sorted(labels) == sorted(every):
        return "any of the doses below"
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


def usual_dose_previews(user: Any, usual: list[Any]) -> list[dict[str, Any]]:
    """For each one-tap usual dose, the cautions that would fire if it were taken now.

    Attack mode shows them before the tap; only caution and worse, as alert dicts, with the label
    of the usual dose they belong to.
    """
    rows = []
    for item in usual:
        dose = item.template
        found = [
            a
            for a in preview_dose(
                user,
                dose.substance,
                amount=dose.amount,
                unit=dose.unit,
                route=dose.route,
                reason="acute",
                product=dose.product,
                batch=dose.batch,
            )
            if a.level in ("dangerous", "unsafe", "caution")
        ]
        if found:
            rows.append({"label": item.label, "alerts": alert_dicts(found)})
    return rows


def group_by_doses(cards: list[dict[str, Any]], every: list[str]) -> list[dict[str, Any]]:
    """``[{doses, cards}]``: the cards that apply to the same doses under one "Before …" heading.

    Naming the doses on every card made each summary three or four lines on a phone and pushed the
    dose buttons a screen down; said once per group, each caution is one line. Groups come in the
    order of their first card, so the group with the most serious caution still comes first.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        groups.setdefault(doses_text(card["labels"], every), []).append(card)
    return [{"doses": doses, "cards": members} for doses, members in groups.items()]


@register.inclusion_tag("diary/_usual_cautions.html", takes_context=True)
def usual_dose_cautions(context: template.Context, usual: list[Any]) -> dict[str, Any]:
    """What would fire if a usual dose were taken now: one card per distinct caution, grouped by the
    doses it applies to."""
    user = getattr(context.get("request"), "user", None)
    rows = usual_dose_previews(user, usual) if user is not None and user.is_authenticated else []
    return {"groups": group_by_doses(fold_cautions(rows), [item.label for item in usual])}
