"""The safety knowledge base: versioned YAML files in ``knowledge/``, each checked against a JSON Schema.

Pure Python (no Django), so the CLI, the rules and the tests share one loader. Entries refer to sources
by key (``knowledge/sources.yaml``); the loader resolves them and refuses anything it cannot resolve, so
every entry that reaches the rules carries at least one source with a title and an address, and an
"as of" date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from relief.safety.tags import substance_profile
from relief.treatments.catalogue import catalogue_entries
from relief.treatments.classes import OVERUSE_GROUPS, SUBSTANCE_CLASSES, SUBSTANCE_PROPERTIES

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
SCHEMA_DIR = KNOWLEDGE_DIR / "schemas"
ENTRY_KINDS = (
    "dose_bands",
    "pharmacokinetics",
    "interactions",
    "drug_interactions",
    "washout",
    "red_flags",
    "product_limits",
    "legal_status",
    "overuse",
    "facts",
)
CERTAINTY_LABELS = {
    "established": "established",
    "uncertain": "uncertain: weak or conflicting evidence",
    "verify": "to verify: secondary or commercial source",
    "inference": "inference: the project's reasoning from sourced facts",
}
# Severity order used to pick the worst of several matching interaction entries.
INTERACTION_LEVELS = ("dangerous", "unsafe", "caution", "low_risk", "unknown", "not_applicable")


class KnowledgeError(ValueError):
    """A knowledge file is missing, malformed or refers to something that does not exist."""


class _StringDateLoader(yaml.SafeLoader):
    """Safe loader that keeps dates as strings, so the JSON Schema sees exactly what is written."""


_StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str | None = None
    locator: str | None = None
    date: str | None = None
    certainty: str = "established"
    primary: bool = False
    retrieved: str | None = None  # when the stored copy was read, for a source without a known date

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "title": self.title, "primary": self.primary}
        for name in ("url", "locator", "date", "retrieved"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.certainty != "established":
            out["certainty"] = self.certainty
        return out

    def cite(self) -> str:
        where = self.url or self.locator or ""
        when = f", {self.date}" if self.date else (f", read {self.retrieved}" if self.retrieved else "")
        return f"{self.title}{when} ({where})"


@dataclass(frozen=True)
class Entry:
    """One knowledge entry: its kind, key, certainty, "as of" date, resolved sources and the raw fields."""

    kind: str
    key: str
    certainty: str
    as_of: dt.date
    sources: tuple[Source, ...]
    data: Mapping[str, Any] = field(repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    @property
    def is_uncertain(self) -> bool:
        return self.certainty != "established" or any(s.certainty != "established" for s in self.sources)


@dataclass(frozen=True)
class Knowledge:
    sources: Mapping[str, Source]
    entries: Mapping[str, tuple[Entry, ...]]
    meta: Mapping[str, Mapping[str, Any]]

    def __iter__(self) -> Iterator[Entry]:
        for kind in ENTRY_KINDS:
            yield from self.entries[kind]

    def of(self, kind: str) -> tuple[Entry, ...]:
        return self.entries[kind]

    def get(self, kind: str, key: str) -> Entry:
        for entry in self.entries[kind]:
            if entry.key == key:
                return entry
        raise KeyError(f"{kind}:{key}")

    # ---- lookups used by the rules -------------------------------------------------------------
    def interactions_for(
        self,
        class_key: str | Iterable[str] | None,
        properties: Iterable[str] = (),
        substance: str | None = None,
    ) -> list[Entry]:
        """Kratom interaction entries matching a substance's key, any of its classes or properties."""
        classes = {class_key} if isinstance(class_key, str) or class_key is None else set(class_key)
        props = set(properties)
        found = []
        for entry in self.entries["interactions"]:
            target = entry["target"]
            if (
                target.get("class") in classes
                or target.get("property") in props
                or (substance and target.get("substance") == substance)
            ):
                found.append(entry)
        return found

    def worst_interaction(
        self,
        class_key: str | Iterable[str] | None,
        properties: Iterable[str] = (),
        substance: str | None = None,
    ) -> Entry | None:
        """The most severe matching interaction entry (dangerous first), or None if nothing matches."""
        found = self.interactions_for(class_key, properties, substance)
        if not found:
            return None
        return min(found, key=lambda e: INTERACTION_LEVELS.index(e["level"]))

    def worst_interactions(
        self,
        class_key: str | Iterable[str] | None,
        properties: Iterable[str] = (),
        substance: str | None = None,
    ) -> list[Entry]:
        """All matching entries at the most severe level (substance and class entries first)."""
        worst = self.worst_interaction(class_key, properties, substance)
        if worst is None:
            return []
        found = [
            e for e in self.interactions_for(class_key, properties, substance) if e["level"] == worst["level"]
        ]
        return sorted(found, key=lambda e: "property" in e["target"])

    def drug_interactions_between(self, left: Iterable[str], right: Iterable[str]) -> list[Entry]:
        """Entries of drug_interactions.yaml matching two substances' tags, either way round, worst first.

        Tags are a substance's catalogue key, classes and properties (ingredients' included)."""
        a, b = set(left), set(right)
        found = [
            e
            for e in self.entries["drug_interactions"]
            if (a & set(e["a"]) and b & set(e["b"])) or (b & set(e["a"]) and a & set(e["b"]))
        ]
        order = ("dangerous", "unsafe", "caution", "info")
        return sorted(found, key=lambda e: order.index(e["level"]))

    def washout_entry(self, tags: Iterable[str], key: str = "") -> Entry | None:
        """The washout entry for a substance: one naming its own key first, else the longest match."""
        tags = set(tags)
        own = [e for e in self.entries["washout"] if key and key in e["match"]]
        if own:
            return own[0]
        found = [e for e in self.entries["washout"] if tags & set(e["match"])]
        return max(found, key=lambda e: e["days"], default=None)

    def washout_days(self, substance: Any) -> int:
        profile = substance_profile(substance)
        entry = self.washout_entry(profile.tags | {profile.key}, profile.key)
        return int(entry["days"]) if entry is not None else 0

    def red_flag(self, symptom: str) -> Entry | None:
        for entry in self.entries["red_flags"]:
            if entry["symptom"] == symptom:
                return entry
        return None

    def overuse(self, group: str) -> Entry:
        for entry in self.entries["overuse"]:
            if entry["group"] == group:
                return entry
        raise KeyError(group)

    def legal_for(
        self, country: str | None, region: str | None = None, locality: str | None = None
    ) -> list[Entry]:
        """Legal entries that apply to a place: the country, its region and (if given) the locality."""
        if not country:
            return []
        country = country.strip().upper()
        region = _normalise_region(country, region)
        loc = (locality or "").strip().casefold()
        out = []
        for entry in self.entries["legal_status"]:
            j = entry["jurisdiction"]
            if j["country"] != country:
                continue
            if "region" in j and j["region"] != region:
                continue
            if "locality" in j and not _same_place(j["locality"], entry.get("includes", ()), loc):
                continue
            out.append(entry)
        return out


def _place_name(text: str) -> str:
    words = " ".join(text.casefold().replace(".", "").split())
    for suffix in (" county", " city", " parish"):
        if words.endswith(suffix):
            words = words[: -len(suffix)]
    return words.removeprefix("city of ").strip()


def _same_place(locality: str, includes: Iterable[str], wanted: str) -> bool:
    """Whether the profile's place is the entry's locality (with or without "County"/"City") or inside it."""
    if not wanted:
        return False
    want = _place_name(wanted)
    return want == _place_name(locality) or any(want == _place_name(p) for p in includes)


def _normalise_region(country: str, region: str | None) -> str | None:
    """Accept "AL", "al" or "US-AL" for a region code."""
    if not region:
        return None
    region = region.strip().upper()
    prefix = f"{country}-"
    return region[len(prefix) :] if region.startswith(prefix) else region


def _read(kind: str, directory: Path) -> Any:
    path = directory / f"{kind}.yaml"
    schema_path = directory / "schemas" / f"{kind}.schema.json"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StringDateLoader)
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, json.JSONDecodeError) as exc:
        raise KnowledgeError(f"cannot read {kind}: {exc}") from exc
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:5]
        )
        raise KnowledgeError(f"{path.name} does not match its schema: {details}")
    return data


def _check_references(kind: str, entry: Mapping[str, Any]) -> None:
    if kind == "interactions":
        target = entry["target"]
        if "class" in target and target["class"] not in SUBSTANCE_CLASSES:
            raise KnowledgeError(f"interaction {entry['key']} targets unknown class {target['class']!r}")
        if "property" in target and target["property"] not in SUBSTANCE_PROPERTIES:
            raise KnowledgeError(
                f"interaction {entry['key']} targets unknown property {target['property']!r}"
            )
        if "substance" in target and target["substance"] not in _catalogue_keys():
            raise KnowledgeError(
                f"interaction {entry['key']} targets unknown substance {target['substance']!r}"
            )
    if kind in ("drug_interactions", "washout"):
        names = [*entry.get("a", []), *entry.get("b", []), *entry.get("match", [])]
        known = set(SUBSTANCE_CLASSES) | set(SUBSTANCE_PROPERTIES) | _catalogue_keys()
        unknown = [n for n in names if n not in known]
        if unknown:
            raise KnowledgeError(f"{kind} entry {entry['key']} names unknown tag(s) {unknown}")
    if kind == "overuse":
        groups = entry.get("members") or [entry["group"]]
        unknown = [g for g in groups if g not in OVERUSE_GROUPS]
        if unknown:
            raise KnowledgeError(f"overuse entry {entry['key']} names unknown group(s) {unknown}")


def _catalogue_keys() -> set[str]:
    return {e["key"] for e in catalogue_entries()}


def read_knowledge(directory: Path = KNOWLEDGE_DIR) -> Knowledge:
    """Read and validate every knowledge file in ``directory`` (uncached; see load_knowledge)."""
    raw_sources = _read("sources", directory)
    undated = [
        key
        for key, value in raw_sources["entries"].items()
        if not (value.get("date") or value.get("retrieved"))
    ]
    if undated:
        raise KnowledgeError(f"sources without a date (give date or retrieved): {undated}")
    sources = {
        key: Source(
            key=key,
            title=value["title"],
            url=value.get("url"),
            locator=value.get("locator"),
            date=value.get("date"),
            certainty=value.get("certainty", "established"),
            primary=bool(value.get("primary", False)),
            retrieved=value.get("retrieved"),
        )
        for key, value in raw_sources["entries"].items()
    }
    entries: dict[str, tuple[Entry, ...]] = {}
    meta: dict[str, Mapping[str, Any]] = {"sources": {k: v for k, v in raw_sources.items() if k != "entries"}}
    for kind in ENTRY_KINDS:
        data = _read(kind, directory)
        meta[kind] = {k: v for k, v in data.items() if k != "entries"}
        seen: set[str] = set()
        parsed = []
        for raw in data["entries"]:
            key = raw["key"]
            if key in seen:
                raise KnowledgeError(f"{kind} has two entries with key {key!r}")
            seen.add(key)
            missing = [s for s in raw["sources"] if s not in sources]
            if missing:
                raise KnowledgeError(f"{kind}:{key} cites unknown source(s) {missing}")
            _check_references(kind, raw)
            parsed.append(
                Entry(
                    kind=kind,
                    key=key,
                    certainty=raw["certainty"],
                    as_of=dt.date.fromisoformat(raw["as_of"]),
                    sources=tuple(sources[s] for s in raw["sources"]),
                    data=raw,
                )
            )
        entries[kind] = tuple(parsed)
    return Knowledge(sources=sources, entries=entries, meta=meta)


@cache
def load_knowledge() -> Knowledge:
    """The validated knowledge base, read once per process."""
    return read_knowledge(KNOWLEDGE_DIR)
