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
os.environ["RELIEF_DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--import-years", type=int, default=10)
    parser.add_argument("--skip-cli", action="store_true")
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
