"""Privacy: no health data in logs, and deleting an account deletes every row of that person."""

from __future__ import annotations

import io
import logging
import sys
import uuid
from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.utils import timezone

from relief.core.logging import WITHHELD, RedactHealthData
from relief.sharing.services import create_api_token, create_link_share
from relief.treatments.services import add_substance
from tests.factories import ago, make_attack, make_user

SECRET_NOTE = "took 4g red bali before the meeting, pain 8"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- logs ------------------------------------------------------------------------------------------


def formatted(record: logging.LogRecord) -> str:
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(RedactHealthData())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.handle(record)
    return handler.stream.getvalue()


def record_with(exc: BaseException, *args: object) -> logging.LogRecord:
    try:
        raise exc
    except BaseException:
        info = sys.exc_info()
    return logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", args, info
    )


def test_a_database_error_that_quotes_the_row_is_logged_without_the_row():
    error = IntegrityError(f'null value in column "user_id"\nDETAIL:  Failing row contains ({SECRET_NOTE}).')
    text = formatted(record_with(error, "/api/attacks"))
    assert SECRET_NOTE not in text
    assert "django.db.utils.IntegrityError: " + WITHHELD in text
    assert "Traceback" in text and "record_with" in text  # still useful to whoever fixes it


def test_a_chained_exception_withholds_every_message():
    try:
        try:
            raise ValueError(SECRET_NOTE)
        except ValueError as inner:
            raise RuntimeError(f"saving failed: {SECRET_NOTE}") from inner
    except RuntimeError as outer:
        text = formatted(record_with(outer, "/log/"))
    assert SECRET_NOTE not in text
    assert "ValueError" in text and "RuntimeError" in text


def test_programming_errors_keep_their_message():
    text = formatted(record_with(AttributeError("'NoneType' object has no attribute 'user'"), "/"))
    assert "has no attribute 'user'" in text


def test_query_strings_are_dropped_from_logged_paths():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/day/?notes=migraine+aura",), None
    )
    assert "migraine" not in formatted(record)


def test_the_configured_handlers_carry_the_filter():
    for name in ("relief", "django", "django.request"):
        logger = logging.getLogger(name)
        while logger and not logger.handlers:
            logger = logger.parent
        for handler in logger.handlers:
            if handler.__class__.__module__.startswith("_pytest"):
                continue
            assert any(isinstance(f, RedactHealthData) for f in handler.filters), (name, handler)


def configured_handlers() -> list[logging.Handler]:
    return [h for name in ("relief", "django") for h in logging.getLogger(name).handlers]


@pytest.mark.django_db
def test_a_server_error_while_saving_logs_no_health_data(monkeypatch):
    from relief.diary import services

    def explode(*args, **kwargs):
        raise IntegrityError(f"Failing row contains ({SECRET_NOTE})")

    monkeypatch.setattr(services.Attack, "full_clean", explode)
    person = make_user()
    token = create_api_token(person, "test")[1]
    client = Client(raise_request_exception=False)
    captured = io.StringIO()
    handlers = configured_handlers()
    assert handlers, "the project's LOGGING has no handlers"
    previous = [h.setStream(captured) for h in handlers if isinstance(h, logging.StreamHandler)]
    try:
        response = client.post(
            "/api/attacks",
            {"started_at": "2026-01-01T08:00:00Z", "notes": SECRET_NOTE},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    finally:
        for handler, stream in zip(handlers, previous, strict=False):
            handler.setStream(stream)

    assert response.status_code == 500
    logged = captured.getvalue()
    assert "Internal Server Error: /api/attacks" in logged
    assert "IntegrityError: " + WITHHELD in logged
    assert SECRET_NOTE not in logged
    assert SECRET_NOTE not in response.content.decode()


# --- account deletion ------------------------------------------------------------------------------


def owner_paths(model: type[models.Model], depth: int = 4) -> list[str]:
    """Every chain of foreign keys from a model to the user table, e.g. 'batch__product__user'."""
    user_model = get_user_model()
    if model is user_model:
        return ["pk"]
    if depth == 0:
        return []
    paths = []
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        if field.related_model is user_model:
            paths.append(field.name)
        elif field.related_model is not model:
            paths += [f"{field.name}__{rest}" for rest in owner_paths(field.related_model, depth - 1)]
    return paths


def rows_of(person_pk: int) -> dict[str, int]:
    found = {}
    for model in apps.get_models():
        for path in owner_paths(model):
            count = model._base_manager.filter(**{path: person_pk}).count()
            if count:
                found[f"{model._meta.label} via {path}"] = count
    return found


class Builder:
    """One row of every model for a person, filled in from the field types (no model is left out)."""

    def __init__(self, person):
        self.person = person
        self.built: dict[type[models.Model], models.Model] = {get_user_model(): person}
        self.built[apps.get_model("treatments.Substance")] = add_substance(person, name="my own tea")
        self.built[apps.get_model("accounts.Profile")] = person.profile  # made with the account
        # A share is a link or an invitation (a database constraint); the service makes a valid link.
        self.built[apps.get_model("sharing.Share")] = create_link_share(person, label="Dr Weber")[0]

    def value_for(self, field: models.Field):
        if field.is_relation:
            return self.row(field.related_model)
        if field.choices:
            return field.choices[0][0]
        lows = [v.limit_value for v in field.validators if type(v).__name__ == "MinValueValidator"]
        low = lows[0] if lows else 1
        match field:
            case models.BooleanField():
                return False
            case models.DateTimeField():
                return timezone.now() - timedelta(hours=1)
            case models.DateField():
                return date.today() - timedelta(days=1)
            case models.TimeField():
                return time(12, 0)
            case models.DurationField():
                return timedelta(hours=1)
            case models.IntegerField() | models.FloatField() | models.DecimalField():
                return max(low, 1)
            case models.UUIDField():
                return uuid.uuid4()
            case models.JSONField():
                return []
            case models.BinaryField():
                return b"x"
            case _:
                return f"x-{uuid.uuid4().hex[:8]}"[: field.max_length or None]

    def row(self, model: type[models.Model]) -> models.Model:
        if model in self.built:
            return self.built[model]
        obj = model()
        for field in model._meta.concrete_fields:
            if field.primary_key and field.has_default():
                continue
            if field.is_relation or not (field.null or field.has_default() or field.blank):
                setattr(obj, field.name, self.value_for(field))
        try:
            with transaction.atomic():
                obj.save()
        except Exception as exc:
            raise AssertionError(
                f"cannot build a {model._meta.label} from its field types ({exc}); give it a builder in this test"
            ) from exc
        self.built[model] = obj
        return obj


def one_of_everything(person) -> dict[str, models.Model]:
    builder = Builder(person)
    made = {}
    for model in apps.get_models():
        if not owner_paths(model) or model is get_user_model():
            continue
        made[model._meta.label] = builder.row(model)
    return made


@pytest.mark.django_db
def test_deleting_an_account_removes_every_row_of_that_person_in_every_table():
    from relief.accounts.deletion import delete_account

    person = make_user("ada")
    other = make_user("grace")
    make_attack(other, started_at=ago(hours=2), notes="grace's own")
    made = one_of_everything(person)
    assert set(rows_of(person.pk)) >= {
        f"{label} via {owner_paths(apps.get_model(label))[0]}" for label in made
    }
    others_before = rows_of(other.pk)
    person_pk = person.pk

    delete_account(person)

    assert rows_of(person_pk) == {}, "rows still reference the deleted person"
    for label, obj in made.items():
        assert not type(obj)._base_manager.filter(pk=obj.pk).exists(), f"{label} row survived"
    assert rows_of(other.pk) == others_before, "someone else's rows changed"


@pytest.mark.django_db
def test_deleting_an_account_ends_its_sessions_on_every_device():
    from relief.accounts.deletion import delete_account

    person = make_user("ada")
    for _ in range(2):  # signed in on two devices
        Client().force_login(person)
    person_pk = person.pk

    delete_account(person)

    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(person_pk) not in sessions


def test_the_deletion_test_covers_every_model_that_can_belong_to_a_person():
    covered = [m for m in apps.get_models() if owner_paths(m)]
    assert len(covered) >= 20, [m._meta.label for m in covered]
    assert django_settings.AUTH_USER_MODEL == "auth.User"
