"""A real gunicorn server in a subprocess, against its own database, for crash and load tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SETUP_PERSON = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from relief.accounts.services import create_account
from relief.sharing.services import create_api_token
person = create_account("{name}", password="correct horse battery staple", time_zone="UTC")
print(create_api_token(person, "fault test")[1])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_is_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def create_postgres_database() -> str:
    import psycopg

    name = f"relief_fault_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_environment(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELIEF_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="relief.settings",
        RELIEF_DATA_DIR=str(data_dir),
        RELIEF_DATABASE_URL=database_url,
        RELIEF_SECRET_KEY="fault-and-load-test-key-" + "z" * 40,
        RELIEF_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def set_up_person(env: dict[str, str], name: str = "crashtest") -> str:
    """Migrate the database and create one person; returns their API token."""
    result = subprocess.run(
        [sys.executable, "-c", SETUP_PERSON.format(name=name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return result.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    env: dict[str, str]
    workers: int = 2
    threads: int = 4
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return Path(self.env["RELIEF_DATA_DIR"]) / f"gunicorn-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = self.log_path.open("ab")  # a file, not a pipe: a full pipe would stall the server
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "tests.faults.preloaded_wsgi",
                "--preload",
                "--chdir",
                str(Path(__file__).resolve().parents[2]),
                "-b",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group, so a SIGKILL reaches every worker
        )
        log.close()  # the server has its own copy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def kill(self) -> None:
        """SIGKILL the master and all its workers at once: no shutdown code runs."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self.process = None
