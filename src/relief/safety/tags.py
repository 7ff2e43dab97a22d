"""What a substance *is* for the safety rules: its class, its properties, and those of its ingredients.

A combination product (co-codamol, Fioricet) lists its ingredients as ``components`` in the catalogue, so
it carries every ingredient's class and properties: co-codamol is also an opioid, Fioricet also a
barbiturate. A substance the person added by hand is matched by name against the catalogue's names and
aliases; one that matches nothing is "not in the interaction knowledge base".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from relief.treatments.catalogue import catalogue_entries


@dataclass(frozen=True)
class Profile:
    """The classes and properties the rules see for one substance."""

    key: str  # catalogue key, or "" for an unmatched substance added by hand
    classes: frozenset[str]
    properties: frozenset[str]
    known: bool  # in the catalogue (directly or by name), so covered by the interaction knowledge base
    via_components: tuple[str, ...] = ()

    @property
    def tags(self) -> frozenset[str]:
        return self.classes | self.properties


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


@cache
def _by_key() -> dict[str, dict[str, Any]]:
    return {e["key"]: e for e in catalogue_entries()}


@cache
def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in catalogue_entries():
        for name in (entry["name"], entry["key"], *entry.get("aliases", [])):
            names.setdefault(_norm(name), entry["key"])
    return names


@cache
def catalogue_profile(key: str) -> Profile | None:
    entry = _by_key().get(key)
    if entry is None:
        return None
    classes = {entry["class"]}
    props = set(entry.get("properties", []))
    for part in entry.get("components", []):
        sub = catalogue_profile(part)
        if sub is not None:
            classes |= sub.classes
            props |= sub.properties
    return Profile(
        key=key,
        classes=frozenset(classes),
        properties=frozenset(props),
        known=True,
        via_components=tuple(entry.get("components", [])),
    )


def match_name(name: str) -> str | None:
    """The catalogue key whose name or alias is ``name`` (case and spacing ignored)."""
    return _by_name().get(_norm(name))


def profile_of(key: str, name: str, cls: str, properties: Any) -> Profile:
    """The profile of a substance from its catalogue key, or, for one added by hand, from its name."""
    found = catalogue_profile(key) if key else None
    if found is None and name:
        matched = match_name(name)
        found = catalogue_profile(matched) if matched else None
    own_props = frozenset(properties or ())
    if found is not None:
        return Profile(
            key=found.key,
            classes=found.classes | ({cls} if cls != "other" else frozenset()),
            properties=found.properties | own_props,
            known=True,
            via_components=found.via_components,
        )
    return Profile(key="", classes=frozenset({cls}), properties=own_props, known=False)


def substance_profile(substance: Any) -> Profile:
    return profile_of(
        substance.key or "", substance.name, substance.substance_class, substance.properties or ()
    )
