"""Whole-database backups that are consistent while the app keeps running, and their restore.

Two methods, chosen by the database engine:

* SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies
  every page of the live database within one read transaction, so writers may
  go on and the copy is exactly the database at one moment.  The backup is an
  ordinary SQLite file.
* PostgreSQL: a JSON snapshot of every table (Django's serialization format,
  as ``dumpdata`` writes it) taken inside one ``REPEATABLE READ READ ONLY``
  transaction, so all tables are read from the same snapshot while writes go
  on.  It needs no ``pg_dump`` binary of a matching version, and it can be
  restored into SQLite as well.

A restore replaces everything in one transaction: it either completes or
leaves the database as it was.  Before it starts, the current database is
backed up beside the other backups, so a restore can itself be undone.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model

from relief.conf import data_dir

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_METHOD = "sqlite-online-backup"
JSON_METHOD = "json-snapshot-repeatable-read"


class BackupError(Exception):
    """A backup could not be written or read; the message says what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    method: str
    rows: int
    size_bytes: int

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "method": self.method, "rows": self.rows, "bytes": self.size_bytes}


def backups_dir() -> Path:
    return data_dir() / "backups"


def default_backup_path(method: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = "sqlite3" if method == SQLITE_METHOD else "json"
    return backups_dir() / f"relief-{stamp}.{suffix}"


def method_for_this_database() -> str:
    return SQLITE_METHOD if connection.vendor == "sqlite" else JSON_METHOD


def count_rows() -> int:
    """Rows in every table the app knows, for a quick sanity figure in reports."""
    return sum(model._base_manager.count() for model in apps.get_models())


def backup(path: Path | None = None, *, method: str | None = None) -> BackupResult:
    """Write a consistent copy of the whole database to ``path`` (default: the backups directory)."""
    method = method or method_for_this_database()
    if method == SQLITE_METHOD and connection.vendor != "sqlite":
        raise BackupError("the SQLite backup method needs an SQLite database")
    path = path or default_backup_path(method)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Write next to the target and rename, so a crash never leaves a half-written backup under its name.
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".partial-", delete=False) as handle:
        partial = Path(handle.name)
    try:
        if method == SQLITE_METHOD:
            _sqlite_backup(partial)
        elif method == JSON_METHOD:
            _json_snapshot(partial)
        else:
            raise BackupError(f"unknown backup method {method!r}")
        partial.chmod(0o600)  # a backup holds health data: owner only
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(path, method, count_rows(), path.stat().st_size)


def _sqlite_backup(target: Path) -> None:
    if connection.in_atomic_block:
        raise BackupError("cannot back up from inside a transaction")
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    with sqlite3.connect(target) as copy:
        status = copy.execute("PRAGMA integrity_check").fetchone()[0]
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    if status != "ok":
        raise BackupError(f"the copy failed its integrity check: {status}")


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup must keep every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _models_in_load_order() -> list[type[Model]]:
    app_list = [(config, None) for config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _json_snapshot(target: Path) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Must be the first statement of the transaction: every table is read from one snapshot.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with target.open("w", encoding="utf-8") as handle:
            handle.write("[\n")
            first = True
            for model in _models_in_load_order():
                rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
                for record in serializers.serialize("python", rows):
                    handle.write(("" if first else ",\n") + json.dumps(record, cls=_FullPrecisionEncoder))
                    first = False
            handle.write("\n]\n")


def detect_method(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return SQLITE_METHOD
    if head.lstrip()[:1] == b"[":
        return JSON_METHOD
    raise BackupError(f"{path} is not a Relief Journal backup (neither an SQLite file nor a JSON snapshot)")


def restore(path: Path, *, keep_current: bool = True) -> dict[str, object]:
    """Replace the whole database with a backup, all or nothing.

    With ``keep_current`` (the default) the database as it is now is backed up first.
    """
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    method = detect_method(path)
    if method == SQLITE_METHOD and connection.vendor != "sqlite":
        raise BackupError(
            "this is an SQLite backup and the database is PostgreSQL; restore it into an SQLite "
            "database, then make a JSON snapshot with `relief backup` and restore that"
        )
    safety_copy = backup().path if keep_current else None
    if method == SQLITE_METHOD:
        _sqlite_restore(path)
        # An older backup gets the current schema; the migrations keep its data.
        call_command("migrate", interactive=False, verbosity=0)
    else:
        _json_restore(path)
    return {
        "restored": str(path),
        "method": method,
        "rows": count_rows(),
        "previous": str(safety_copy) if safety_copy else None,
    }


def _sqlite_restore(source: Path) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
        status = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"{source} is damaged ({status}); nothing was changed")
        if not copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'").fetchone():
            raise BackupError(f"{source} is an SQLite file but not a Relief Journal database")
        if connection.in_atomic_block:
            raise BackupError("cannot restore from inside a transaction")
        connection.ensure_connection()
        # The backup API writes all pages under one lock: readers see the old or the new database.
        copy.backup(connection.connection)
    connection.close()


def _json_restore(source: Path) -> None:
    try:
        records = json.loads(source.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{source} is not a readable JSON snapshot ({exc}); nothing was changed") from exc
    models = _models_in_load_order()
    with transaction.atomic():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        with connection.constraint_checks_disabled():
            pending = []
            for item in serializers.deserialize("python", records, handle_forward_references=True):
                item.save()
                if item.deferred_fields:
                    pending.append(item)
            for item in pending:
                item.save_deferred_fields()
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
