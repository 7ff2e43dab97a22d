"""Costs of single requests and commands, for the before/after tables in docs/performance.md.

Usage:  uv run python bench/speed.py [--repeat 7] [--import-years 10] [--skip-cli]

One process, a throwaway SQLite database, Django's test client (no server, no network). It measures:

- queries and CPU per dose save (``POST /api/doses``), per today page, calendar page, attack-mode page
  and insights page (stored result current), each the median of ``--repeat`` after a warm-up;
- bytes of the attack-mode page as sent (and gzipped, as a compressing server would send it);
- the import of a ``--import-years`` export of the project's JSON format, and its export;
- in subprocesses: ``relief --help``, ``relief log --help`` and ``relief analyze`` on a one-year demo
  (wall time, which includes starting Python), and which heavy modules each imported.

Prints JSON, with the load average, since the machine may be shared. Not a timed test.
"""

from __future__ import annotations

import os
import tempfile

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
_tmp = tempfile.mkdtemp(prefix="relief-speed-")
os.environ["RELIEF_DATA_DIR"] = _tmp
# BENCH_DATABASE_URL: an empty PostgreSQL database of your own instead (its tables are created).
os.environ["RELIEF_DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("RELIEF_SECRET_KEY", "bench-secret-key-not-for-production-" + "x" * 30)
os.environ["RELIEF_ALLOWED_HOSTS"] = "testserver"
os.environ.pop("RELIEF_HOSTED", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings")

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

import django  # noqa: E402

HEAVY = ("matplotlib", "pandas", "scipy")
PROBE = (
    "import sys, runpy; sys.argv = ['relief', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('relief.cli', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print('HEAVY=' + ','.join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
)


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def counted(action: Callable[[], Any]) -> tuple[float, float, int, Any]:
    from django.db import connection

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # counts every query (the debug log keeps only 9000)
        cpu, wall, result = timed(action)
    return cpu, wall, queries, result


def median_of(action: Callable[[], Any], repeat: int) -> dict[str, Any]:
    action()  # warm-up: imports, template cache
    runs = [counted(action) for _ in range(repeat)]
    return {
        "cpu_ms": round(statistics.median(r[0] for r in runs) * 1000, 1),
        "wall_ms": round(statistics.median(r[1] for r in runs) * 1000, 1),
        "queries": int(statistics.median(r[2] for r in runs)),
    }


def page_bytes(html: bytes) -> dict[str, int]:
    """The page and the static files it links, raw and gzipped (what a first visit transfers)."""
    import re

    from django.conf import settings
    from django.contrib.staticfiles import finders

    sizes = {"html": len(html), "html_gzip": len(gzip.compress(html, 6)), "static": 0, "static_gzip": 0}
    for url in set(re.findall(rb'(?:href|src)="([^"]+)"', html)):
        path = url.decode()
        if not path.startswith(settings.STATIC_URL):
            continue
        name = path[len(settings.STATIC_URL) :].split("?")[0]
        found = finders.find(name)
        if not found:  # a hashed name from the manifest: look for the original
            found = finders.find(re.sub(r"\.[0-9a-f]{12}(\.[a-z0-9]+)$", r"\1", name))
        if found:
            with open(found, "rb") as file:
                data = file.read()
            sizes["static"] += len(data)
            sizes["static_gzip"] += len(gzip.compress(data, 6))
    sizes["total"] = sizes["html"] + sizes["static"]
    sizes["total_gzip"] = sizes["html_gzip"] + sizes["static_gzip"]
    return sizes


def cli_run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    heavy = next((line[6:] for line in done.stderr.splitlines() if line.startswith("HEAVY=")), "?")
    return {
        "wall_s": round(wall, 2),
        "heavy_modules": heavy.split(",") if heavy else [],
        "rc": done.returncode,
    }


def request_mix(person: Any, kratom: str, args: argparse.Namespace) -> dict[str, Any]:
    """CPU and queries of each request of bench/load.py's mix, beside /healthz, through the whole stack.

    The requests go through a client that signs in with the login form (a session cookie and the
    CSRF token, as the load test's people do), so middleware, session and user loading are counted.
    """
    import cProfile
    import pstats
    import random

    from django.db import connection
    from django.test import Client

    person.set_password("bench password 0123")
    person.save()
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"username": person.username, "password": "bench password 0123", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302, response.status_code
    rng = random.Random(1)

    def post(path: str, body: dict[str, Any]) -> None:
        headers = {"X-CSRFToken": client.cookies["csrftoken"].value, "Referer": "http://testserver/"}
        response = client.post(path, body, content_type="application/json", headers=headers)
        assert response.status_code in (200, 201), (path, response.status_code, response.content[:300])

    def moment(hours_ago: float) -> str:
        return (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()

    def attack() -> None:
        start = datetime.now(UTC) - timedelta(hours=rng.uniform(2, 48))
        pain = [
            {"at": (start + timedelta(minutes=30 * step)).isoformat(), "nrs": rng.randint(3, 9)}
            for step in range(3)
        ]
        post("/api/attacks", {"started_at": start.isoformat(), "nausea": True, "pain": pain})

    def dose() -> None:
        body = {
            "substance_id": kratom,
            "taken_at": moment(rng.uniform(0.5, 48)),
            "amount": rng.choice([1.5, 2, 2.5, 3]),
            "unit": "g",
            "reason": "acute",
        }
        post("/api/doses", body)

    def day() -> None:
        date = (datetime.now(UTC) - timedelta(days=rng.randint(1, 30))).date().isoformat()
        post("/api/days", {"date": date, "worst_pain": rng.randint(0, 8), "sleep_hours": 7.5, "stress": 4})

    def get(path: str) -> Callable[[], Any]:
        def action() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return action

    requests: dict[str, tuple[int, Callable[[], Any]]] = {  # name: (weight in the load test, request)
        "GET /healthz": (0, get("/healthz")),
        "POST /api/attacks": (2, attack),
        "POST /api/doses": (3, dose),
        "POST /api/days": (3, day),
        "GET / (today)": (2, get("/")),
        "GET /calendar/": (3, get("/calendar/")),
        "GET /insights/": (1, get("/insights/")),
    }
    for name in (args.sql, args.profile):
        if name and name not in requests:
            raise SystemExit(f"--sql/--profile: one of {', '.join(requests)}")
    out: dict[str, Any] = {name: median_of(action, args.repeat) for name, (_, action) in requests.items()}
    if args.sql:
        requests[args.sql][1]()
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                print(sql[:400], file=sys.stderr) or execute(sql, params, many, context)
            )
        ):
            requests[args.sql][1]()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            requests[args.profile][1]()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("BENCH_SORT", "cumulative")
        ).print_stats(os.environ.get("BENCH_FILTER", ""), 60)
    weights = {name: weight for name, (weight, _) in requests.items() if weight}
    average = sum(out[name]["cpu_ms"] * w for name, w in weights.items()) / sum(weights.values())
    out["weighted_app_cpu_ms"] = round(average, 1)
    out["weighted_app_queries"] = round(
        sum(out[name]["queries"] * w for name, w in weights.items()) / sum(weights.values()), 1
    )
    out["app_to_healthz_cpu"] = round(average / max(out["GET /healthz"]["cpu_ms"], 0.1), 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--import-years", type=int, default=10)
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--mix-only", action="store_true", help="only the load test's request mix")
    parser.add_argument("--sql", default="", help="print the SQL of one request of the mix, by name")
    parser.add_argument("--profile", default="", help="cProfile one request of the mix (50 runs), by name")
    parser.add_argument(
        "--mix-person",
        choices=["load", "demo"],
        default="load",
        help="the mix as one of bench/load.py's people (two weeks of check-ins) or the one-year demo diary",
    )
    args = parser.parse_args()

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from relief.diary.demo import create_demo
    from relief.exchange.jsonformat import export_document, import_document
    from relief.treatments.models import Substance

    call_command("migrate", interactive=False, verbosity=0)
    create_demo("bench", days=365, seed=1)
    person = User.objects.get(username="bench")
    client = Client()
    client.force_login(person)
    kratom = str(Substance.objects.get(key="kratom").id)
    figures: dict[str, Any] = {"load_average_start": [round(x, 2) for x in os.getloadavg()]}

    def save_dose() -> None:
        body = {
            "substance_id": kratom,
            "taken_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "amount": 2,
            "unit": "g",
            "reason": "acute",
        }
        response = client.post("/api/doses", body, content_type="application/json")
        assert response.status_code in (200, 201), response.content[:300]

    def page(path: str) -> Callable[[], Any]:
        def get() -> bytes:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.content

        return get

    if args.mix_person == "load":
        from relief.accounts.services import create_account
        from relief.diary.services import log_day

        mixer = create_account("loadlike", password="bench password 0123", time_zone="Europe/Berlin")
        today = datetime.now(UTC).date()
        for back in range(1, 15):  # as bench/load.py's set-up
            log_day(mixer, day=today - timedelta(days=back), worst_pain=back % 8, sleep_hours=7)
    else:
        mixer = person
    figures["mix_person"] = args.mix_person
    figures["mix"] = request_mix(mixer, kratom, args)
    if args.mix_only or args.sql or args.profile:
        figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(figures, indent=2))
        return

    figures["dose_save"] = median_of(save_dose, args.repeat)
    figures["today_page"] = median_of(page("/"), args.repeat)
    figures["calendar_page"] = median_of(page("/calendar/"), args.repeat)
    figures["attack_page"] = median_of(page("/diary/attack/"), args.repeat)
    try:  # the worker's job since #18; before it, the first view computed and stored it
        from relief.insights.services import refresh_insights

        cpu, wall, queries, _ = counted(lambda: refresh_insights(person))
        figures["insights_worker_recompute"] = {
            "cpu_ms": round(cpu * 1000),
            "wall_ms": round(wall * 1000),
            "queries": queries,
        }
    except ImportError:
        page("/insights/")()
    figures["insights_page_stored"] = median_of(page("/insights/"), args.repeat)
    figures["attack_page_bytes"] = page_bytes(page("/diary/attack/")())

    # Import and export of a long diary.
    days = 365 * args.import_years
    create_demo("long", days=days, seed=2)
    long = User.objects.get(username="long")
    export_cpu, export_wall, _, document = counted(lambda: export_document(long))
    rows = sum(len(v) for v in document.values() if isinstance(v, list))
    long.delete()  # the file's ids are free again
    newcomer = User.objects.create_user("newcomer")
    import_cpu, import_wall, import_queries, _ = counted(lambda: import_document(newcomer, document))
    figures["export"] = {
        "days": days,
        "top_level_rows": rows,
        "cpu_s": round(export_cpu, 2),
        "wall_s": round(export_wall, 2),
    }
    figures["import"] = {
        "days": days,
        "top_level_rows": rows,
        "cpu_s": round(import_cpu, 2),
        "wall_s": round(import_wall, 2),
        "queries": import_queries,
    }

    if not args.skip_cli:
        env = dict(os.environ, RELIEF_USER="bench")
        figures["cli_help"] = cli_run(["--help"], env)
        figures["cli_log_help"] = cli_run(["log", "--help"], env)
        figures["cli_analyze_first"] = cli_run(["analyze"], env)
        figures["cli_analyze_again"] = cli_run(["analyze"], env)
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
