"""The health database is private to its owner: a deleted person's words leave the SQLite files, and
the start-up check warns when the data directory or its files are readable by others."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from relief.conf import wide_permissions

MARKER = "zebra-marker-7f3c1e"

DELETE_SCRIPT = textwrap.dedent(
    f"""
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from relief.accounts.deletion import delete_account
    from relief.diary.services import log_attack
    from relief.accounts.services import create_account
    from django.utils import timezone
    from datetime import timedelta
    keep = create_account("keeper")
    log_attack(keep, started_at=timezone.now() - timedelta(hours=3), notes="still here")
    gone = create_account("leaver")
    for hours in range(1, 40):
        log_attack(gone, started_at=timezone.now() - timedelta(hours=hours), notes="{MARKER} " * 20)
    delete_account(gone)
    # Still connected, as a running server is: look at the files now.
    from pathlib import Path
    from django.db import connection
    database = Path(connection.settings_dict["NAME"])
    for path in sorted(database.parent.glob(database.name + "*")):
        if b"{MARKER}" in path.read_bytes():
            print("FOUND", path.name)
    print("CHECKED", len(list(database.parent.glob(database.name + "*"))))
    """
)


def run_with_database(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELIEF_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="relief.settings",
        RELIEF_DATA_DIR=str(tmp_path),
        RELIEF_DATABASE_URL=f"sqlite:///{tmp_path}/journal.sqlite3",
        RELIEF_REDIS_URL="",
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def test_a_deleted_persons_words_are_in_none_of_the_database_files(tmp_path):
    result = run_with_database(tmp_path, DELETE_SCRIPT)
    assert result.returncode == 0, result.stderr

    assert "CHECKED" in result.stdout  # the database files were there to search
    assert "FOUND" not in result.stdout, result.stdout  # while the app is still connected
    files = sorted(tmp_path.glob("journal.sqlite3*"))
    assert all(MARKER.encode() not in path.read_bytes() for path in files), [p.name for p in files]
    assert b"still here" in (tmp_path / "journal.sqlite3").read_bytes()


def test_the_check_names_a_world_readable_data_directory_and_database(tmp_path):
    (tmp_path / "relief.sqlite3").write_bytes(b"")
    (tmp_path / "relief.sqlite3").chmod(0o644)
    (tmp_path / "tasks.sqlite3").write_bytes(b"")
    (tmp_path / "tasks.sqlite3").chmod(0o600)
    tmp_path.chmod(0o755)

    found = wide_permissions(tmp_path)

    assert found == [
        f"{tmp_path} is mode 755; run: chmod 700 {tmp_path}",
        f"{tmp_path / 'relief.sqlite3'} is mode 644; run: chmod 600 {tmp_path / 'relief.sqlite3'}",
    ]


def test_relief_doctor_warns_and_fails_when_the_data_is_readable_by_others(tmp_path, monkeypatch):
    from relief.cli import cli

    monkeypatch.setenv("RELIEF_DATA_DIR", str(tmp_path))
    (tmp_path / "relief.sqlite3").write_bytes(b"")
    (tmp_path / "relief.sqlite3").chmod(0o644)

    warned = CliRunner().invoke(cli, ["doctor"])
    (tmp_path / "relief.sqlite3").chmod(0o600)
    tmp_path.chmod(0o700)
    fine = CliRunner().invoke(cli, ["doctor"])

    assert warned.exit_code == 1
    assert "relief.sqlite3 is mode 644; run: chmod 600" in warned.output
    assert fine.exit_code == 0, fine.output
    assert "readable by their owner only" in fine.output


@pytest.mark.django_db
def test_the_sqlite_connection_overwrites_deleted_rows():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("secure_delete is an SQLite setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
