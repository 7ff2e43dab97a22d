"""`relief worker` runs queued tasks from another process, on the SQLite queue and on Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/13"
ENQUEUE_PING = (
    "import django; django.setup(); from relief.core.tasks import ping; "
    "print(ping().get(blocking=True, timeout=60))"
)


def redis_is_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELIEF_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="relief.settings",
        RELIEF_DATA_DIR=str(data_dir),
        RELIEF_DATABASE_URL=f"sqlite:///{data_dir}/db.sqlite3",
        RELIEF_SECRET_KEY="worker-test-key-" + "q" * 50,
        **extra,
    )
    return env


def run_worker_and_ping(data_dir: Path, **extra: str) -> tuple[str, str]:
    env = environment(data_dir, **extra)
    relief = Path(sys.executable).with_name("relief")
    worker = subprocess.Popen(
        [str(relief), "worker", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client = subprocess.run(
            [sys.executable, "-c", ENQUEUE_PING], env=env, capture_output=True, text=True, timeout=90
        )
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            _, worker_err = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            _, worker_err = worker.communicate()
    assert client.returncode == 0, client.stderr + worker_err
    return client.stdout.strip(), worker_err


def test_a_worker_runs_a_task_queued_in_the_sqlite_file_with_no_extra_server(tmp_path):
    answer, log = run_worker_and_ping(tmp_path)
    assert answer == "pong"
    assert f"queue sqlite:{tmp_path}/tasks.sqlite3" in log
    assert (tmp_path / "tasks.sqlite3").exists()


@pytest.mark.skipif(not redis_is_reachable(), reason="Redis is not reachable at 127.0.0.1:6379")
def test_a_worker_runs_a_task_queued_in_redis(tmp_path):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        answer, log = run_worker_and_ping(tmp_path, RELIEF_REDIS_URL=REDIS_URL)
        assert answer == "pong"
        assert "queue redis://127.0.0.1:6379/13" in log
        assert not (tmp_path / "tasks.sqlite3").exists()
    finally:
        for key in connection.scan_iter("huey.*relief*"):
            connection.delete(key)
        connection.close()
