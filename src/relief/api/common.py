"""What every router shares: error bodies, reading through shares, references, updates and alerts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import create_model

from relief.accounts.services import time_zone_of
from relief.core import entries
from relief.core.access import owned, resolve_reader
from relief.core.services import Saved, owner_of
from relief.core.timeutil import LAST_DAY, TimeInputError, make_aware_local
from relief.core.validation import EARLIEST_YEAR
from relief.sharing.models import Share


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class AlertOut(Schema):
    """A safety alert raised by a save (see relief.safety.alerts.Alert); alerts never block the save."""

    key: str = ""
    rule: str
    level: str
    title: str = ""
    message: str
    actions: list[str] = []
    evidence: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    as_of: str | None = None
    certainty: str = ""
    needs_acknowledgement: bool = False
    acknowledged_at: str | None = None


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def reads(schema: Any) -> dict[int, Any]:
    return {200: schema, **READ_ERRORS}


def writes(schema: Any, status: int = 200) -> dict[int, Any]:
    return {status: schema, **ERRORS}


DELETES: dict[int, Any] = {204: None, **ERRORS}


def saved_schema(name: str, entry: type[Schema]) -> type[Schema]:
    """The body of a successful save: the entry, the safety alerts it raised, and notes on the entry
    itself (an outcome answer given before its time), which never stop a save."""
    return create_model(
        name, __base__=Schema, entry=(entry, ...), alerts=(list[AlertOut], []), notes=(list[str], [])
    )


def saved_body(saved: Saved, notes: Iterable[str | None] = ()) -> dict[str, Any]:
    return {
        "entry": saved.entry,
        "alerts": [a.as_dict() for a in saved.alerts],
        "notes": [note for note in notes if note],
    }


def me(request: HttpRequest) -> User:
    """The caller, as authenticated by a token or the session (every operation requires one of them)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def reader(request: HttpRequest, owner: uuid.UUID | None) -> tuple[User, Share | None]:
    """Whose entries a read returns: the caller's own, or ``owner``'s through a read-only share."""
    if owner is None:
        return me(request), None
    return resolve_reader(request, str(owner))


def local_times(user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Times without an offset are wall-clock times in the person's zone, as everywhere else."""
    zone = None
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            zone = zone or time_zone_of(user)
            try:
                data[name] = make_aware_local(value, zone)
            except TimeInputError as exc:
                errors[name] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return data


def resolve_refs(user: Any, data: dict[str, Any], refs: dict[str, Any]) -> dict[str, Any]:
    """Turn ``<name>_id`` values into the caller's own objects; anything else is a 422 naming the field.

    ``refs`` maps the field name to a queryset factory ``f(user)`` of the objects that may be used.
    """
    errors: dict[str, list[str]] = {}
    for name, allowed in refs.items():
        key = f"{name}_id"
        if key not in data:
            continue
        value = data.pop(key)
        if value is None:
            data[name] = None
            continue
        found = allowed(user).filter(pk=value).first()
        if found is None:
            errors[key] = [f"is not one of your {name.replace('_', ' ')} entries; check the id"]
        else:
            data[name] = found
    if errors:
        raise ValidationError(errors)
    return data


def mine(model: type[models.Model]) -> Any:
    return lambda user: owned(model, user)


def empty_text(model: type[models.Model] | None, data: dict[str, Any]) -> dict[str, Any]:
    """``null`` for a text field means no text: Django keeps empty text as "", never NULL."""
    if model is None:
        return data
    for name, value in data.items():
        if value is not None:
            continue
        try:
            column = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(column, models.CharField | models.TextField) and not column.null:
            data[name] = ""
    return data


def prepared(user: Any, body: Schema, refs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields a client actually sent, with empty text, local times made aware and references resolved."""
    data = body.model_dump(exclude_unset=True, by_alias=True)  # references arrive as <name>_id
    model = getattr(getattr(type(body), "Meta", None), "model", None)
    return resolve_refs(user, local_times(user, empty_text(model, data)), refs or {})


class Pages(LimitOffsetPagination):
    """Pages of at most 500 entries; limits the database cannot hold are a 422, not a 500."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=500, **kwargs)


def update(obj: models.Model, data: dict[str, Any]) -> Saved:
    """Change an entry through its kind's service: validate everything, save all or nothing, then check.

    Routers fetch ``obj`` with ``get_owned_or_404`` first, so its owner is the caller.
    """
    return entries.update(owner_of(obj), obj, data)


def delete(request: HttpRequest, obj: models.Model) -> None:
    """Delete the caller's entry through its kind's service."""
    entries.delete(me(request), obj)


def validation_body(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in exc.messages]
    summary = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
    return {"detail": summary or "the entry is not valid", "errors": errors}


def request_validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Ninja's request-parsing errors in the same shape as the model's."""
    lines = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        field = ".".join(loc[1:] if len(loc) > 1 and loc[0] in {"body", "query", "path"} else loc)
        if loc and loc[0] == "body" and len(loc) > 2 and loc[1] in {"body", "payload", "data"}:
            field = ".".join(loc[2:])
        lines.append({"field": field, "message": str(error.get("msg", "is not valid"))})
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in lines)
    return {"detail": summary or "the request is not valid", "errors": lines}


def since_utc(user: Any, value: datetime | None) -> datetime | None:
    """A ``since`` filter as a UTC time: naive times are the person's wall clock, odd offsets are
    normalised (PostgreSQL refuses some), and anything before 1900 means "from the start"."""
    if value is None:
        return None
    if value.year <= EARLIEST_YEAR:
        return datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
    if value.year > LAST_DAY.year:  # after everything the journal can hold (and no overflow at 9999)
        return datetime(LAST_DAY.year + 1, 1, 1, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(time_zone_of(user)))
    return value.astimezone(UTC)
