"""The safety page: every active alert over the whole diary, with its evidence, sources and dates."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from relief.core.alerts import alert_dicts
from relief.core.decorators import journal_view
from relief.core.types import AuthedRequest
from relief.safety.alerts import DISCLAIMER, LEVELS
from relief.safety.engine import check_diary
from relief.safety.kb import load_knowledge
from relief.safety.preview import preview_dose
from relief.treatments.catalogue import catalogue_entries
from relief.treatments.classes import SUBSTANCE_CLASSES, SUBSTANCE_PROPERTIES
from relief.treatments.forms import DoseForm

LEVEL_NAMES = {
    "dangerous": "Dangerous",
    "unsafe": "Unsafe",
    "caution": "Caution",
    "info": "For your information",
}


@require_GET
@journal_view
def index(request: AuthedRequest) -> HttpResponse:
    alerts = alert_dicts(check_diary(request.user))
    groups = [(LEVEL_NAMES[level], [a for a in alerts if a["level"] == level]) for level in LEVELS]
    context = {
        "groups": [(name, items) for name, items in groups if items],
        "count": len(alerts),
        "disclaimer": DISCLAIMER,
        "interactions": _interaction_rows(),
        "pairs": _pair_rows(),
    }
    return render(request, "safety/index.html", context)


@require_POST
@journal_view
def preview(request: AuthedRequest) -> HttpResponse:
    """htmx: the alerts the dose being filled in would raise if saved now (nothing is saved)."""
    form = DoseForm(request.POST, user=request.user)
    form.is_valid()  # a half-filled form still previews whatever is valid so far
    data = form.cleaned_data
    substance = data.get("substance")
    alerts = []
    if substance is not None:
        found = preview_dose(
            request.user,
            substance,
            taken_at=data.get("taken_at"),
            amount=data.get("amount"),
            unit=data.get("unit") or "",
            route=data.get("route") or "",
            reason=data.get("reason") or "",
            product=data.get("product"),
            batch=data.get("batch"),
        )
        alerts = alert_dicts(found)
    return render(request, "safety/_preview.html", {"alerts": alerts, "substance": substance})


def _interaction_rows() -> list[dict[str, object]]:
    """Every kratom interaction entry, with what it targets in words, for the reference table."""
    rows = []
    for entry in load_knowledge().of("interactions"):
        if entry.get("level") == "not_applicable":
            continue
        target = entry.get("target") or {}
        name = SUBSTANCE_CLASSES.get(target.get("class", ""), "") or SUBSTANCE_PROPERTIES.get(
            target.get("property", ""), ""
        )
        rows.append(
            {
                "target": name or entry.key,
                "level": entry.get("level"),
                "mechanism": entry.get("mechanism"),
                "certainty": entry.certainty,
                "as_of": entry.as_of,
                "sources": entry.sources,
            }
        )
    return rows


def _side(tags: list[str]) -> str:
    names = {e["key"]: e["name"] for e in catalogue_entries()}
    return ", ".join(SUBSTANCE_CLASSES.get(t) or SUBSTANCE_PROPERTIES.get(t) or names.get(t, t) for t in tags)


def _pair_rows() -> list[dict[str, object]]:
    """Every other pair the engine checks (drug_interactions.yaml), for the reference table."""
    return [
        {
            "a": _side(entry["a"]),
            "b": _side(entry["b"]),
            "level": entry["level"],
            "label": (entry.get("label") or "").replace("_", " "),
            "mechanism": entry["mechanism"],
            "certainty": entry.certainty,
            "as_of": entry.as_of,
            "sources": entry.sources,
        }
        for entry in load_knowledge().of("drug_interactions")
    ]
