"""SQLite is configured for real use: WAL, a busy timeout, and write locks taken at BEGIN."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

sqlite_only = pytest.mark.skipif(
    bool(os.environ.get("RELIEF_TEST_DATABASE_URL")),
    reason="checks SQLite settings; this run uses PostgreSQL",
)


@sqlite_only
def test_a_sqlite_file_connection_uses_wal_a_busy_timeout_and_immediate_transactions(
    tmp_path, django_db_blocker
):
    from django.db.utils import ConnectionHandler

    from relief.settings import _database

    handler = ConnectionHandler({"default": _database(f"sqlite:///{tmp_path}/check.sqlite3")})
    conn = handler["default"]
    try:
        with django_db_blocker.unblock(), conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        assert conn.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    finally:
        conn.close()


WRITER = textwrap.dedent(
    """
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "relief.settings"
    import django
    django.setup()
    from datetime import timedelta
    from django.contrib.auth.models import User
    from django.utils import timezone
    from relief.treatments.models import Substance
    from relief.treatments.services import log_dose
    user = User.objects.get(username="writer")
    kratom = Substance.objects.get(key="kratom")
    for i in range(int(sys.argv[1])):
        log_dose(user, substance=kratom, amount=1 + (i % 5), unit="g", taken_at=timezone.now() - timedelta(minutes=i))
    """
)


@sqlite_only
def test_two_processes_writing_at_once_both_succeed(tmp_path):
    env = {
        **os.environ,
        "RELIEF_DATA_DIR": str(tmp_path),
        "RELIEF_DATABASE_URL": f"sqlite:///{tmp_path}/w.sqlite3",
    }
    subprocess.run(
        [sys.executable, "-m", "relief.cli.__main__", "user", "create", "writer"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=180,
    )
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), "60"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    count = subprocess.run(
        [sys.executable, "-m", "relief.cli.__main__", "--user", "writer", "list", "doses"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert count.stdout.count('"id"') == 120


def test_a_postgresql_connection_is_kept_between_requests_and_checked_before_reuse(monkeypatch):
    from relief.settings import _database

    monkeypatch.delenv("RELIEF_DATABASE_CONN_MAX_AGE")  # the test process itself uses 0 (tests/testenv.py)
    kept = _database("postgresql://relief@db.internal:5432/relief")
    assert kept["CONN_MAX_AGE"] == 600 and kept["CONN_HEALTH_CHECKS"] is True
    monkeypatch.setenv("RELIEF_DATABASE_CONN_MAX_AGE", "0")  # behind a pooler that wants it
    assert _database("postgresql://relief@db.internal:5432/relief")["CONN_MAX_AGE"] == 0


def test_an_sqlite_file_is_opened_per_request_as_before(tmp_path):
    from relief.settings import _database

    assert _database(f"sqlite:///{tmp_path}/check.sqlite3")["CONN_MAX_AGE"] == 0
