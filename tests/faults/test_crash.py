"""Killing the server (SIGKILL) in the middle of a burst of writes loses no acknowledged write
and leaves no entry half-written, on SQLite and on PostgreSQL.

Each write is an attack with three pain samples, saved in one transaction by
the JSON API.  Eight clients write at once; once enough writes are
acknowledged the whole gunicorn process group is killed with SIGKILL, with
requests still in flight.  The server is then started again on the same
database and everything is read back.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.faults.server import (
    Server,
    app_environment,
    create_postgres_database,
    drop_postgres_database,
    postgres_is_reachable,
    set_up_person,
)

CLIENTS = 8
KILL_AFTER_ACKS = 120
SAMPLES_PER_ATTACK = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/crash.sqlite3"
        return
    if not postgres_is_reachable():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def attack_body(n: int) -> dict:
    start = datetime.now(UTC) - timedelta(hours=3, seconds=n)
    return {
        "started_at": start.isoformat(),
        "notes": f"crash-test write {n}",
        "pain": [
            {"at": (start + timedelta(minutes=10 * (i + 1))).isoformat(), "nrs": i + 4}
            for i in range(SAMPLES_PER_ATTACK)
        ],
    }


def write_until_killed(server: Server, token: str) -> tuple[dict[str, int], int]:
    """Eight clients post attacks until the server dies; returns acknowledged ids (id -> n) and attempts."""
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    counter = iter(range(10**9))
    stop = threading.Event()
    headers = {"Authorization": f"Bearer {token}"}

    def client() -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
            while not stop.is_set():
                n = next(counter)
                try:
                    response = http.post("/api/attacks", json=attack_body(n))
                except httpx.TransportError:
                    return  # the server is gone: this write was never acknowledged
                if response.status_code == 201:
                    with lock:
                        acknowledged[response.json()["entry"]["id"]] = n
                else:
                    raise AssertionError(f"unexpected {response.status_code}: {response.text[:300]}")

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(client) for _ in range(CLIENTS)]
        deadline = time.monotonic() + 60
        while len(acknowledged) < KILL_AFTER_ACKS and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()  # requests are in flight right now
        stop.set()
        for future in futures:
            future.result()
    return acknowledged, next(counter)


def read_back(server: Server, token: str) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        offset = 0
        while True:
            page = http.get("/api/attacks", params={"limit": 100, "offset": offset})
            assert page.status_code == 200, page.text[:300]
            items = page.json()["items"]
            rows.update({item["id"]: item for item in items})
            if len(items) < 100:
                return rows
            offset += 100


def test_every_acknowledged_write_survives_a_sigkill_and_none_is_half_written(database_url, tmp_path):
    env = app_environment(tmp_path, database_url)
    token = set_up_person(env)
    server = Server(env).start()
    try:
        acknowledged, attempted = write_until_killed(server, token)
    finally:
        server.kill()

    restarted = Server(env).start()
    try:
        stored = read_back(restarted, token)
    finally:
        restarted.stop()

    missing = set(acknowledged) - set(stored)
    half_written = {i: len(a["pain"]) for i, a in stored.items() if len(a["pain"]) != SAMPLES_PER_ATTACK}
    print(
        f"\n{database_url.split(':')[0]}: {attempted} writes attempted, {len(acknowledged)} acknowledged, "
        f"{len(stored)} stored after SIGKILL and restart, {len(missing)} missing, {len(half_written)} half-written"
    )
    assert len(acknowledged) >= KILL_AFTER_ACKS
    assert not missing, f"{len(missing)} acknowledged writes were lost"
    assert not half_written, f"attacks with a partial set of pain samples: {half_written}"
    for attack_id, n in acknowledged.items():
        assert stored[attack_id]["notes"] == f"crash-test write {n}"
