"""The project's own JSON format: a lossless export of one person's diary, and its import.

Round trip: export -> import into an empty database -> export gives the same
document, ids and order included.  Import is all-or-nothing: a structural
check against the JSON Schema first, then every record is validated by the
same model rules as any other entry; any error rolls back everything and is
reported with the JSON path of the bad record.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from relief import __version__
from relief.accounts.models import Profile
from relief.accounts.services import get_profile
from relief.core.timeutil import to_utc_iso
from relief.core.validation import finite
from relief.diary.models import (
    Attack,
    DayFactor,
    DayRecord,
    FactorTag,
    PainSample,
    QuestionnaireResponse,
    SideEffect,
)
from relief.insights.versions import bump
from relief.plans.models import (
    Allocation,
    Amendment,
    Decision,
    Plan,
    PlanStep,
    Taper,
    TaperStep,
    Trial,
    TrialOption,
)
from relief.products.models import Batch, LabReport, Product
from relief.treatments.models import CustomUnit, Dose, DoseOutcome, StandingMedication, Substance

FORMAT_NAME = "relief-journal"
FORMAT_VERSION = 2  # 2 added plans, trials, tapers and decisions, and "day_ends_at" on the profile
READABLE_VERSIONS = (1, 2)  # a version-1 file is a version-2 file without those
SKIPPED_FIELDS = {"user"}
DERIVED_FIELDS = {"amount_g"}  # exported for spreadsheet users, recomputed on import


@dataclass(frozen=True)
class Child:
    key: str
    model: type[models.Model]
    parent_field: str
    many: bool = True


@dataclass(frozen=True)
class Table:
    key: str
    model: type[models.Model]
    owner: str = "user"
    children: tuple[Child, ...] = ()
    description: str = ""


TABLES: tuple[Table, ...] = (
    Table(
        "substances",
        Substance,
        description="Substances the person added (built-in ones are referenced by id)",
    ),
    Table("products", Product, description="Products, usually kratom products, with vendor and form"),
    Table("batches", Batch, owner="product__user", description="Lots of a product as bought"),
    Table(
        "lab_reports",
        LabReport,
        owner="batch__product__user",
        description="Certificates of analysis of batches",
    ),
    Table("custom_units", CustomUnit, description="The person's own units, e.g. 1 capsule = 0.5 g"),
    Table("factor_tags", FactorTag, description="Free factors the person watches"),
    Table("attacks", Attack, children=(Child("pain_samples", PainSample, "attack"),), description="Attacks"),
    Table(
        "day_records", DayRecord, children=(Child("factors", DayFactor, "day"),), description="Day records"
    ),
    Table("doses", Dose, children=(Child("outcome", DoseOutcome, "dose", many=False),), description="Doses"),
    Table("side_effects", SideEffect, description="Side effects"),
    Table("standing_medications", StandingMedication, description="Standing medications"),
    Table(
        "questionnaires",
        QuestionnaireResponse,
        description="Questionnaire item answers (scores are computed)",
    ),
    Table(
        "plans",
        Plan,
        children=(Child("steps", PlanStep, "plan"), Child("decisions", Decision, "plan")),
        description="Guided treatment plans with their steps and the decisions taken at reassessment",
    ),
    Table(
        "trials",
        Trial,
        children=(
            Child("options", TrialOption, "trial"),
            Child("allocations", Allocation, "trial"),
            Child("amendments", Amendment, "trial"),
        ),
        description=(
            "Personal trials: protocol, options, the sealed sequence (sealed_option is readable in this file, "
            "so opening it shows the order of a running trial) and amendments"
        ),
    ),
    Table(
        "tapers",
        Taper,
        children=(Child("steps", TaperStep, "taper"),),
        description="Taper trackers with the steps agreed with a clinician",
    ),
)

PROFILE_FIELDS = (
    "time_zone",
    "country",
    "region",
    "city",
    "units",
    "sex",
    "track_menstruation",
    "birth_year",
    "pregnant",
    "breastfeeding",
    "drives",
    "checkin_reminder_time",
    "day_ends_at",
)


def record_fields(model: type[models.Model], parent_field: str | None = None) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS and f.name != parent_field]


def related_label(f: Any) -> str:
    return str(f.related_model._meta.label)


def json_key(f: models.Field) -> str:
    return f.attname if f.is_relation else f.name


def to_json_value(f: Any, value: Any) -> Any:
    if value is None:
        return None
    if f.is_relation or isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return to_utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # time
        return value.isoformat()
    return value


def from_json_value(f: Any, value: Any) -> Any:
    """Convert a JSON value to the Python value of a field; ValidationError names what is wrong."""
    if value is None:
        return None
    try:
        if f.is_relation or isinstance(f, models.UUIDField):
            return uuid.UUID(str(value))
        if isinstance(f, models.DateTimeField):
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                raise ValueError("needs a UTC offset, for example 2026-11-20T14:30:00Z")
            return parsed
        if isinstance(f, models.DateField):
            return date.fromisoformat(str(value))
        if isinstance(f, models.TimeField):
            return (
                datetime.strptime(str(value), "%H:%M:%S").time()
                if len(str(value)) > 5
                else datetime.strptime(str(value), "%H:%M").time()
            )
        return f.to_python(value)
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"cannot read {value!r}: {exc}") from exc


def serialize(obj: models.Model, parent_field: str | None = None) -> dict[str, Any]:
    return {
        json_key(f): to_json_value(f, getattr(obj, f.attname)) for f in record_fields(type(obj), parent_field)
    }


def _ordered(model: type[models.Model], owner: str, user: User) -> models.QuerySet:
    return model._default_manager.filter(**{owner: user}).order_by(*list(model._meta.ordering or []))


def export_document(user: User) -> dict[str, Any]:
    """The whole diary of one person as one JSON-able document."""
    profile = get_profile(user)
    doc: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generator": f"relief-journal {__version__}",
        "profile": {
            name: to_json_value(Profile._meta.get_field(name), getattr(profile, name))
            for name in PROFILE_FIELDS
        },
    }
    for table in TABLES:
        rows = []
        for obj in _ordered(table.model, table.owner, user):
            record = serialize(obj)
            for child in table.children:
                children = child.model._default_manager.filter(**{child.parent_field: obj}).order_by(
                    *list(child.model._meta.ordering or [])
                )
                if child.many:
                    record[child.key] = [serialize(c, child.parent_field) for c in children]
                else:
                    first = children.first()
                    record[child.key] = serialize(first, child.parent_field) if first else None
            rows.append(record)
        doc[table.key] = rows
    return doc


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(finite(doc), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ---------------------------------------------------------------- import


@dataclass
class ImportProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ImportFailed(Exception):
    """Nothing was imported; ``problems`` lists every bad record with its JSON path."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"nothing was imported; {len(problems)} problem(s):\n{shown}{more}")


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.counts, "dry_run": self.dry_run}


class _Rollback(Exception):
    pass


def parse_text(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            [ImportProblem(f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")]
        ) from exc


def import_document(
    user: User, doc: Any, *, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> ImportSummary:
    """Import a document into one person's diary: all of it, or nothing."""
    # lazy: exchange.schema builds the schema from this module's tables (a cycle at import time)
    from relief.exchange.schema import schema_problems

    problems = [ImportProblem(path, message) for path, message in schema_problems(doc)]
    if problems:
        raise ImportFailed(problems)
    summary = ImportSummary(dry_run=dry_run)
    try:
        with transaction.atomic():
            _Importer(user, doc, summary, progress).run()
            if dry_run:
                raise _Rollback
    except _Rollback:
        return summary
    # lazy: importing the task module opens the queue's storage; only a finished import needs it
    from relief.core.tasks import queue_insights_recompute

    queue_insights_recompute(user.pk)  # at once: nothing to wait for after an import
    return summary


class _Importer:
    """Validate every record in memory, then insert table by table (inside the caller's transaction).

    Ids, references and uniqueness are checked against what this import built and a few
    look-ups made up front (ids already in the database, the person's own unique keys, the
    built-in substances), so a record costs no query of its own; related objects are set as
    objects, so the models' clean() reads them from memory too.  Rows go in with bulk_create in
    the order of TABLES (parents before their children), and only once every record passed.
    """

    def __init__(
        self, user: User, doc: dict[str, Any], summary: ImportSummary, progress: Callable[[int], None] | None
    ) -> None:
        self.user = user
        self.doc = doc
        self.summary = summary
        self.progress = progress
        self.problems: list[ImportProblem] = []
        builtin = {s.pk: s for s in Substance.objects.filter(user__isnull=True)}
        self.objects: dict[str, dict[uuid.UUID, models.Model]] = {t.model._meta.label: {} for t in TABLES}
        self.objects[Substance._meta.label].update(builtin)
        self.builtin_ids = set(builtin)
        self.taken = self._ids_in_database()
        self.rows: dict[type[models.Model], list[models.Model]] = {}
        self.unique_keys: dict[tuple[str, str], set[tuple[Any, ...]]] = {}

    # -- up-front look-ups -------------------------------------------------------------------------

    def _ids_in_database(self) -> dict[type[models.Model], set[uuid.UUID]]:
        """Which of the file's ids exist already, one query per table (in chunks)."""
        wanted: dict[type[models.Model], set[uuid.UUID]] = {}
        for table in TABLES:
            for record in self.doc.get(table.key, []):
                _add_id(wanted, table.model, record)
                for child in table.children:
                    value = record.get(child.key) if isinstance(record, dict) else None
                    for item in (value or []) if child.many else ([value] if value else []):
                        _add_id(wanted, child.model, item)
        taken: dict[type[models.Model], set[uuid.UUID]] = {}
        for model, ids in wanted.items():
            found: set[uuid.UUID] = set()
            listed = list(ids)
            for first in range(0, len(listed), 500):
                chunk = listed[first : first + 500]
                found.update(model._default_manager.filter(pk__in=chunk).values_list("pk", flat=True))
            taken[model] = found
        return taken

    def _unique_checks(self, model: type[models.Model]) -> list[tuple[str, tuple[str, ...], Any]]:
        """(name, field names, conditional constraint or None) of each uniqueness rule besides the id."""
        checks: list[tuple[str, tuple[str, ...], Any]] = []
        for f in model._meta.concrete_fields:
            if f.unique and not f.primary_key:
                checks.append((f.name, (f.name,), None))
        for fields in model._meta.unique_together:
            checks.append(("+".join(fields), tuple(fields), None))
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                conditional = constraint if constraint.condition is not None else None
                checks.append((constraint.name, tuple(constraint.fields), conditional))
        return checks

    def _existing_keys(
        self, model: type[models.Model], name: str, fields: tuple[str, ...]
    ) -> set[tuple[Any, ...]]:
        """Keys of the person's rows already in the database (their own tags, day records, ...)."""
        key = (model._meta.label, name)
        if key not in self.unique_keys:
            attnames = [_attname(model, f) for f in fields]
            existing: set[tuple[Any, ...]] = set()
            if "user" in fields:
                existing = set(model._default_manager.filter(user=self.user).values_list(*attnames))
            self.unique_keys[key] = existing  # other tables hang off rows this import creates
        return self.unique_keys[key]

    # -- the run -------------------------------------------------------------------------------

    def run(self) -> None:
        self._profile(self.doc.get("profile") or {})
        for table in TABLES:
            count = 0
            for index, record in enumerate(self.doc.get(table.key, [])):
                path = f"$.{table.key}[{index}]"
                obj = self._build(table.model, record, path, parent=None)
                if obj is None:
                    continue
                count += 1
                for child in table.children:
                    value = record.get(child.key)
                    items: Iterable[tuple[str, Any]]
                    if child.many:
                        items = ((f"{path}.{child.key}[{i}]", r) for i, r in enumerate(value or []))
                    else:
                        items = [(f"{path}.{child.key}", value)] if value else []
                    for child_path, child_record in items:
                        self._build(child.model, child_record, child_path, parent=(child.parent_field, obj))
                if self.progress:
                    self.progress(1)
            self.summary.counts[table.key] = count
        if self.problems:
            raise ImportFailed(self.problems)
        self._insert()

    def _insert(self) -> None:
        for table in TABLES:
            for model in (table.model, *(child.model for child in table.children)):
                rows = self.rows.pop(model, [])
                if not rows:
                    continue
                try:
                    with transaction.atomic():
                        model._default_manager.bulk_create(rows, batch_size=500)
                except IntegrityError as exc:  # a rule only the database knows: still all or nothing
                    raise ImportFailed(
                        [
                            ImportProblem(
                                f"$.{table.key}", f"the database refused these records ({type(exc).__name__})"
                            )
                        ]
                    ) from exc

        bump(
            self.user.pk, schedule=False
        )  # bulk_create sends no signals; the import queues its own recompute

    def _profile(self, data: dict[str, Any]) -> None:
        profile = get_profile(self.user)
        for name, value in data.items():
            setattr(profile, name, from_json_value(Profile._meta.get_field(name), value))
        try:
            profile.full_clean()
            profile.save()
        except ValidationError as exc:
            self._problem("$.profile", exc)

    def _build(
        self,
        model: type[models.Model],
        record: dict[str, Any],
        path: str,
        parent: tuple[str, models.Model] | None,
    ) -> models.Model | None:
        obj = model()
        parent_field = parent[0] if parent else None
        checked: list[str] = []  # relations already checked against this import: not looked up again
        if parent:
            setattr(obj, parent[0], parent[1])
            checked.append(parent[0])
        if "user" in {f.name for f in model._meta.concrete_fields}:
            obj.user = self.user  # type: ignore[attr-defined]
            checked.append("user")
        try:
            for f in record_fields(model, parent_field):
                key = json_key(f)
                if key not in record or f.name in DERIVED_FIELDS:
                    continue
                value = from_json_value(f, record[key])
                if f.is_relation and value is not None:
                    target = self.objects.get(related_label(f), {}).get(value)
                    if target is None:
                        raise ValidationError(
                            {key: f"refers to {value}, which is not earlier in this file (nor built in)"}
                        )
                    setattr(obj, f.name, target)
                    checked.append(f.name)
                    continue
                setattr(obj, f.attname, value)
        except ValidationError as exc:
            self._problem(path, exc)
            return None
        if obj.pk in self.taken.get(model, ()) or obj.pk in self.objects.get(model._meta.label, {}):
            self.problems.append(
                ImportProblem(
                    f"{path}.id",
                    f"{obj.pk} exists already in this database; this file (or a copy) was imported before",
                )
            )
            return None
        try:
            obj.full_clean(exclude=checked, validate_unique=False, validate_constraints=False)
            self._check_unique(model, obj)
        except ValidationError as exc:
            self._problem(path, exc)
            return None
        _utc(obj)
        self.objects.setdefault(model._meta.label, {})[obj.pk] = obj
        self.rows.setdefault(model, []).append(obj)
        return obj

    def _check_unique(self, model: type[models.Model], obj: models.Model) -> None:
        for name, fields, conditional in self._unique_checks(model):
            if conditional is not None:  # rare (a catalogue key): let the database answer
                conditional.validate(model, obj)
                continue
            key = tuple(getattr(obj, _attname(model, f)) for f in fields)
            if any(part is None for part in key):
                continue
            seen = self._existing_keys(model, name, fields)
            if key in seen:
                raise ValidationError(obj.unique_error_message(model, fields))
            seen.add(key)

    def _problem(self, path: str, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                where = path if name == "__all__" else f"{path}.{name}"
                self.problems.extend(ImportProblem(where, m) for m in messages)
        else:
            self.problems.extend(ImportProblem(path, m) for m in exc.messages)


def _add_id(wanted: dict[type[models.Model], set[uuid.UUID]], model: type[models.Model], record: Any) -> None:
    if isinstance(record, dict) and record.get("id"):
        with contextlib.suppress(ValueError):  # a bad id is reported with its path when the record is built
            wanted.setdefault(model, set()).add(uuid.UUID(str(record["id"])))


def _utc(obj: models.Model) -> None:
    """Times in UTC, as UUIDModel.save() keeps them (bulk_create does not call save())."""
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.DateTimeField):
            value = getattr(obj, f.attname)
            if isinstance(value, datetime) and value.tzinfo is not None:
                setattr(obj, f.attname, value.astimezone(UTC))


def _attname(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "attname", name))
