"""JSON Schema of the project's JSON format, generated from the models.

``docs/format.schema.json`` is written from :func:`build_schema` (``relief docs
schema``); a test fails when the committed file and the models disagree.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from jsonschema import Draft202012Validator

from relief.accounts.models import Profile
from relief.exchange.jsonformat import (
    FORMAT_NAME,
    PROFILE_FIELDS,
    READABLE_VERSIONS,
    TABLES,
    json_key,
    record_fields,
)

_FORMATS = {
    models.DateTimeField: {"type": "string", "format": "date-time", "pattern": r"(Z|[+-]\d\d:\d\d)$"},
    models.DateField: {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    models.TimeField: {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"},
    models.UUIDField: {"type": "string", "format": "uuid"},
    models.BooleanField: {"type": "boolean"},
    models.FloatField: {"type": "number"},
    models.IntegerField: {"type": "integer"},
    models.JSONField: {},
    models.CharField: {"type": "string"},
    models.TextField: {"type": "string"},
}


def field_schema(f: Any) -> dict[str, Any]:
    if f.is_relation:
        schema: dict[str, Any] = {
            "type": "string",
            "format": "uuid",
            "description": f"id of a {f.related_model._meta.verbose_name}",
        }
    else:
        schema = next((dict(s) for cls, s in _FORMATS.items() if isinstance(f, cls)), {})
        if f.choices and not isinstance(f, models.BooleanField):
            schema["enum"] = [value for value, _ in f.flatchoices] + (
                [""] if f.blank and isinstance(f, models.CharField) else []
            )
        if f.help_text:
            schema["description"] = str(f.help_text)
    if f.null and "type" in schema:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def record_schema(model: type[models.Model], parent_field: str | None = None) -> dict[str, Any]:
    properties = {json_key(f): field_schema(f) for f in record_fields(model, parent_field)}
    return {
        "type": "object",
        "title": str(model._meta.verbose_name),
        "properties": properties,
        "required": ["id"],
        "additionalProperties": False,
    }


def build_schema() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table in TABLES:
        row = record_schema(table.model)
        for child in table.children:
            child_schema = record_schema(child.model, child.parent_field)
            row["properties"][child.key] = (
                {"type": "array", "items": child_schema}
                if child.many
                else {"oneOf": [child_schema, {"type": "null"}]}
            )
        tables[table.key] = {"type": "array", "description": table.description, "items": row}
    profile = {
        "type": "object",
        "properties": {name: field_schema(Profile._meta.get_field(name)) for name in PROFILE_FIELDS},
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://relief-journal.invalid/format.schema.json",
        "title": "Relief Journal export",
        "type": "object",
        "properties": {
            "format": {"const": FORMAT_NAME},
            "version": {"enum": list(READABLE_VERSIONS)},
            "generator": {"type": "string"},
            "profile": profile,
            **tables,
        },
        "required": ["format", "version"],
        "additionalProperties": False,
    }


_validator: Draft202012Validator | None = None


def schema_problems(doc: Any) -> list[tuple[str, str]]:
    """Structural problems of a document, each with its JSON path."""
    global _validator
    if _validator is None:
        _validator = Draft202012Validator(build_schema())
    problems = []
    for error in sorted(_validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        problems.append((path, error.message))
    return problems
