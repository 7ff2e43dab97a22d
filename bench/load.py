"""Load test: simulated people logging attacks, doses and days and opening their calendar and insights.

Runs locust as a library, in two phases against the same server in one run:

1. floor: every simulated person asks for /healthz (the same server, middleware and database, one
   trivial query) as fast as it answers;
2. app: every simulated person signs in, then logs attacks, doses and day records through the JSON API
   (session + CSRF, as the web app does) and opens today, the calendar and the insights page.

Each person sends the next request as soon as the previous answer arrives (no think time), so the
figures are the capacity of the server at that many concurrent people.  It prints requests per second
and latency percentiles per phase and per request, and the app/floor ratios, as JSON.

By default it starts its own `relief serve` on 127.0.0.1 against a fresh PostgreSQL database
(created and dropped); traffic goes only to 127.0.0.1.

    uv run python bench/load.py --short                 # a few seconds (CI runs this through pytest)
    uv run python bench/load.py --people 50 --seconds 60 --workers 4 --markdown
"""

from __future__ import annotations

# locust patches the standard library with gevent; it must come before anything else opens sockets.
from locust import HttpUser, constant, task  # isort: skip

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import mkdtemp

import gevent
from locust.env import Environment

PASSWORD = "load-test password 0123"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SETUP = """
import django, sys; django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from datetime import timedelta
from django.utils import timezone
from relief.accounts.services import create_account
from relief.diary.services import log_day
people = int(sys.argv[1])
for n in range(people):
    person = create_account(f"load{n}", password=sys.argv[2], time_zone="Europe/Berlin")
    today = timezone.now().date()
    for back in range(1, 15):  # two weeks of history so calendar and insights have something to show
        log_day(person, day=today - timedelta(days=back), worst_pain=(n + back) % 8, sleep_hours=7)
# Steady state before measuring: everyone's insights current (what the worker would have stored
# long ago) and the queue empty, so no recompute of the set-up writes runs during a phase: it
# would take a core from the floor phase and flatter the ratio.
from django.contrib.auth import get_user_model
from relief.core.tasks import huey
from relief.insights.services import refresh_insights
for person in get_user_model().objects.filter(username__startswith="load"):
    refresh_insights(person)
huey.flush()
print("ok")
"""


# --- the simulated people ---------------------------------------------------------------------------


class Floor(HttpUser):
    """The stack's floor: the cheapest request the app answers."""

    wait_time = constant(0)

    @task
    def health(self) -> None:
        self.client.get("/healthz", name="GET /healthz")


class Person(HttpUser):
    """Someone with migraine using the journal: mostly logging, sometimes looking back."""

    wait_time = constant(0)
    insights_path = "/insights/"
    accounts: list[str] = []

    def on_start(self) -> None:
        name = Person.accounts.pop() if Person.accounts else "load0"
        self.client.get("/accounts/login/", name="login")
        response = self.client.post(
            "/accounts/login/",
            {"username": name, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"could not sign in as {name}: {response.status_code}")
        found = self.client.get("/api/substances", params={"q": "kratom"}, name="GET /api/substances")
        items = found.json()["items"]
        self.kratom = next(s["id"] for s in items if s["key"] == "kratom")

    @property
    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, path: str, body: dict) -> None:
        headers = {"X-CSRFToken": self.csrf, "Referer": self.host + "/"}
        with self.client.post(
            path, json=body, headers=headers, name=f"POST {path}", catch_response=True
        ) as r:
            if r.status_code not in (200, 201):
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @staticmethod
    def moment(hours_ago: float) -> str:
        return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()

    @task(2)
    def log_attack(self) -> None:
        start = datetime.now(UTC) - timedelta(hours=random.uniform(2, 48))
        pain = [
            {"at": (start + timedelta(minutes=30 * step)).isoformat(), "nrs": random.randint(3, 9)}
            for step in range(3)
        ]
        self.post("/api/attacks", {"started_at": start.isoformat(), "nausea": True, "pain": pain})

    @task(3)
    def log_dose(self) -> None:
        body = {
            "substance_id": self.kratom,
            "taken_at": self.moment(random.uniform(0.5, 48)),
            "amount": random.choice([1.5, 2, 2.5, 3]),
            "unit": "g",
            "reason": "acute",
        }
        self.post("/api/doses", body)

    @task(3)
    def log_day(self) -> None:
        day = (datetime.now(UTC) - timedelta(days=random.randint(1, 30))).date().isoformat()
        body = {"date": day, "worst_pain": random.randint(0, 8), "sleep_hours": 7.5, "stress": 4}
        self.post("/api/days", body)

    @task(2)
    def today(self) -> None:
        self.client.get("/", name="GET / (today)")

    @task(3)
    def calendar(self) -> None:
        self.client.get("/calendar/", name="GET /calendar/")

    @task(1)
    def insights(self) -> None:
        self.client.get(self.insights_path, name=f"GET {self.insights_path.split('?')[0]}")


# --- running ----------------------------------------------------------------------------------------


def summarize(env: Environment, seconds: float) -> dict:
    per_request = {}
    total = failures = 0
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if name == "login" or not entry.num_requests:
            continue
        total += entry.num_requests
        failures += entry.num_failures
        per_request[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
            "max_ms": round(entry.max_response_time or 0),
        }
    measured = [e for (name, _), e in env.stats.entries.items() if name != "login"]
    merged = measured[0].__class__(env.stats, "measured", "")
    for entry in measured:
        merged.extend(entry)
    return {
        "seconds": round(seconds, 1),
        "requests": total,
        "failures": failures,
        "requests_per_second": round(total / seconds, 1) if seconds else 0,
        "p50_ms": merged.get_response_time_percentile(0.5),
        "p95_ms": merged.get_response_time_percentile(0.95),
        "p99_ms": merged.get_response_time_percentile(0.99),
        "max_ms": round(merged.max_response_time or 0),
        "errors": {
            f"{e.method} {e.name}: {e.error}"[:300]: e.occurrences
            for e in list(env.stats.errors.values())[:10]
        },
        "by_request": per_request,
    }


# --- where the machine's CPU goes -------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, str, float]]:
    """(process group, command name, CPU seconds used) of every live process."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:  # the process ended meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        found.append((int(rest[2]), comm, (int(rest[11]) + int(rest[12])) / TICKS))
    return found


class CpuMeter:
    """CPU seconds used by the server, the queue workers, PostgreSQL and this load generator.

    Read at the start and end of a phase, the differences divided by the requests answered say what
    one request cost each part of the machine.  PostgreSQL counts every ``postgres`` process, so it is
    only meaningful on a machine where nothing else uses the database server.
    """

    def __init__(self, server_group: int, queue_groups: list[int]) -> None:
        self.server_group = server_group
        self.queue_groups = set(queue_groups)

    def read(self) -> dict[str, float]:
        own = os.times()
        used = {"server": 0.0, "queue_workers": 0.0, "postgresql": 0.0}
        for group, comm, seconds in _processes():  # one pass over /proc for all three parts
            if group == self.server_group:
                used["server"] += seconds
            elif group in self.queue_groups:
                used["queue_workers"] += seconds
            elif comm == "postgres":
                used["postgresql"] += seconds
        return {**used, "load_generator": own.user + own.system}


def cpu_per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
    """Milliseconds of CPU per answered request, by part of the machine, and their sum."""
    if not requests:
        return {}
    out = {part: round((after[part] - before[part]) * 1000 / requests, 2) for part in before}
    out["total"] = round(sum(out.values()), 2)
    return out


def run_phase(
    user_class: type[HttpUser],
    host: str,
    people: int,
    seconds: float,
    max_requests: int,
    meter: CpuMeter | None = None,
) -> dict:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    runner.start(people, spawn_rate=max(people, 1))
    while runner.user_count < people:  # everyone has started (and signed in) before measuring
        gevent.sleep(0.05)
    if user_class is Person:
        deadline = time.monotonic() + 120
        while (
            sum(e.num_requests for (n, _), e in env.stats.entries.items() if n == "GET /api/substances")
            < people
        ):
            if time.monotonic() > deadline:
                break
            gevent.sleep(0.05)
    env.stats.reset_all()
    cpu_before = meter.read() if meter else None
    started = time.monotonic()
    while time.monotonic() - started < seconds and env.stats.total.num_requests < max_requests:
        gevent.sleep(0.1)
    elapsed = time.monotonic() - started
    result = summarize(env, elapsed)
    if meter and cpu_before:
        result["cpu_ms_per_request"] = cpu_per_request(cpu_before, meter.read(), result["requests"])
    runner.quit()
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_database() -> str:
    import psycopg

    name = f"relief_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    """gunicorn with the app and its URLs loaded once in the master (--preload), then forked.

    (`relief serve` loads them lazily in each worker; under load a worker's first request can then
    outlive gunicorn's 30 s timeout and the worker is killed and replaced, again and again.)
    """
    gunicorn = Path(sys.executable).with_name("gunicorn")
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen(
        [str(gunicorn), "tests.faults.preloaded_wsgi", "--preload", "--chdir", str(root),
         "-b", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(env["RELIEF_DATA_DIR"]) / "server.log", "ab"),  # noqa: SIM115 - the child keeps it
        start_new_session=True,
    )  # fmt: skip
    import requests

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    os.killpg(server.pid, signal.SIGKILL)
    raise RuntimeError("the server did not answer /healthz")


def start_queue_workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    """`relief worker` processes: the first runs the periodic tasks, the others only queued ones."""
    workers = []
    for number in range(count):
        command = [sys.executable, "-m", "relief.cli", "worker", "--workers", "1"]
        if number:
            command.append("--no-periodic")
        workers.append(
            subprocess.Popen(
                command,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(Path(env["RELIEF_DATA_DIR"]) / f"worker{number}.log", "ab"),  # noqa: SIM115
                start_new_session=True,
            )
        )
    return workers


def flush_queue(env: dict[str, str]) -> None:
    """Empty this run's queue (a Redis database of its own) before and after."""
    if env.get("RELIEF_REDIS_URL"):
        import redis

        redis.Redis.from_url(env["RELIEF_REDIS_URL"]).flushdb()


def warm_up(host: str, workers: int) -> None:
    """Each worker loads the URL configuration (and the analysis library) on its first request."""
    import requests

    def hit() -> None:
        with requests.Session() as s:
            s.get(f"{host}/accounts/login/", timeout=120)

    for _ in range(3):
        group = [gevent.spawn(hit) for _ in range(workers * 2)]
        gevent.joinall(group)


def choose_insights_path(host: str) -> str:
    import requests

    if requests.get(f"{host}/insights/", allow_redirects=False, timeout=30).status_code != 404:
        return "/insights/"
    today = datetime.now(UTC).date()
    start = today - timedelta(days=30)
    return f"/exchange/report/?from={start.isoformat()}&to={(today - timedelta(days=1)).isoformat()}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="CI mode: 5 people, 4 s per phase")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop a phase after this many")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--database-url", default="", help="default: a fresh PostgreSQL database")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument(
        "--queue-workers", type=int, default=1, help="`relief worker` processes (insights); 0 for none"
    )
    parser.add_argument(
        "--redis-url",
        default="",
        help="queue, cache and sessions in Redis (a database of its own: it is flushed)",
    )
    args = parser.parse_args()
    if args.short:
        args.people, args.seconds, args.max_requests = 5, 4, 5_000

    data_dir = Path(mkdtemp(prefix="relief-load-"))
    own_database = not args.database_url
    database_url = args.database_url or postgres_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RELIEF_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="relief.settings",
        RELIEF_DATA_DIR=str(data_dir),
        RELIEF_DATABASE_URL=database_url,
        RELIEF_SECRET_KEY="load-test-" + uuid.uuid4().hex * 2,
        RELIEF_LOG_LEVEL="WARNING",
    )
    if args.redis_url:
        env["RELIEF_REDIS_URL"] = args.redis_url
    server = None
    queue_workers: list[subprocess.Popen] = []
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        flush_queue(env)
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, str(args.people), PASSWORD], env=env, capture_output=True, text=True
        )
        if setup.returncode != 0:
            raise RuntimeError(setup.stderr[-3000:])
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = start_server(env, port, args.workers)
        queue_workers = start_queue_workers(env, args.queue_workers)
        warm_up(host, args.workers)
        Person.insights_path = choose_insights_path(host)
        Person.accounts = [f"load{n}" for n in range(args.people)]

        meter = CpuMeter(server.pid, [w.pid for w in queue_workers])
        floor = run_phase(Floor, host, args.people, args.seconds, args.max_requests, meter)
        app = run_phase(Person, host, args.people, args.seconds, args.max_requests, meter)
    finally:
        load_end = [round(x, 2) for x in os.getloadavg()]
        stored = stored_insights(env) if server is not None else None
        for process in [*([server] if server is not None else []), *queue_workers]:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        flush_queue(env)
        if own_database:
            drop_database(database_url)

    report = {
        "people": args.people,
        "seconds_per_phase": args.seconds,
        "server": f"gunicorn --preload --workers {args.workers} (sync), PostgreSQL, 127.0.0.1",
        "queue_workers": args.queue_workers,
        "queue": "redis" if args.redis_url else "sqlite",
        "load_average_start": load_start,
        "load_average_end": load_end,
        "insights_stored_at_end": stored,
        "insights_path": Person.insights_path,
        "floor": floor,
        "app": app,
        "throughput_ratio_app_to_floor": round(app["requests_per_second"] / floor["requests_per_second"], 3)
        if floor["requests_per_second"]
        else None,
        "p50_ratio_app_to_floor": round(app["p50_ms"] / floor["p50_ms"], 1) if floor["p50_ms"] else None,
        "p99_ratio_app_to_floor": round(app["p99_ms"] / floor["p99_ms"], 1) if floor["p99_ms"] else None,
    }
    print(json.dumps(report, indent=2))
    if args.markdown:
        print(markdown(report))
    return 0 if app["failures"] == 0 and floor["failures"] == 0 else 1


def stored_insights(env: dict[str, str]) -> dict | None:
    """How many people's insights the workers stored during the run, and how many are current."""
    script = (
        "import django, json; django.setup()\n"
        "from relief.insights.models import DiaryVersion, StoredInsights\n"
        "versions = dict(DiaryVersion.objects.values_list('user_id', 'version'))\n"
        "rows = list(StoredInsights.objects.filter(period='..').values_list('user_id', 'diary_version'))\n"
        "print(json.dumps({'people': len(rows), 'current': sum(versions.get(u) == v for u, v in rows)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return None


def markdown(report: dict) -> str:
    lines = [
        "| Phase / request | Requests | Failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for phase in ("floor", "app"):
        r = report[phase]
        lines.append(
            f"| **{phase}** | {r['requests']} | {r['failures']} | {r['requests_per_second']} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |"
        )
        if r.get("cpu_ms_per_request"):
            parts = ", ".join(f"{k} {v}" for k, v in r["cpu_ms_per_request"].items())
            lines.append(f"| {phase}: CPU ms per request | {parts} | | | | | | |")
        for name, q in r["by_request"].items():
            lines.append(
                f"| {name} | {q['requests']} | {q['failures']} | | {q['p50_ms']} | {q['p95_ms']} | {q['p99_ms']} | "
                f"{q['max_ms']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
