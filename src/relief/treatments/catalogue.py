"""Load the built-in treatment catalogue from ``catalogue.yaml`` into the database."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from relief.treatments.classes import SUBSTANCE_CLASSES, SUBSTANCE_PROPERTIES
from relief.treatments.models import catalogue_id

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")


@cache
def catalogue_entries() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load(CATALOGUE_FILE.read_text())
    entries = tuple(data["substances"])
    keys = [e["key"] for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("catalogue.yaml has duplicate keys")
    for entry in entries:
        if entry["class"] not in SUBSTANCE_CLASSES:
            raise ValueError(f"catalogue entry {entry['key']} has unknown class {entry['class']}")
        for prop in entry.get("properties", []):
            if prop not in SUBSTANCE_PROPERTIES:
                raise ValueError(f"catalogue entry {entry['key']} has unknown property {prop}")
        for part in entry.get("components", []):
            if part not in keys or part == entry["key"]:
                raise ValueError(f"catalogue entry {entry['key']} has unknown component {part}")
    return entries


def sync_catalogue(substance_model: Any) -> int:
    """Create or update the built-in substances; returns how many entries there are.

    Takes the model class so that the data migration can pass its historical model.
    """
    for entry in catalogue_entries():
        substance_model.objects.update_or_create(
            id=catalogue_id(entry["key"]),
            defaults={
                "user": None,
                "key": entry["key"],
                "name": entry["name"],
                "kind": entry.get("kind", "drug"),
                "substance_class": entry["class"],
                "properties": list(entry.get("properties", [])),
                "aliases": list(entry.get("aliases", [])),
                "default_unit": entry.get("unit", "mg"),
                "max_single_dose_g": entry.get("max_g"),
                "unii": entry.get("unii", ""),
            },
        )
    return len(catalogue_entries())
