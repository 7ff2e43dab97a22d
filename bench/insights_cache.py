"""The insights page for a one-year demo diary: what the web request costs now that the worker analyses.

Usage:  uv run python bench/insights_cache.py [--days 365] [--repeat 5]

Creates a throwaway SQLite database in a temporary directory, one demo account with ``--days`` days
of simulated diary, and requests ``/insights/`` with Django's test client (no server, no network):

- first view: nothing stored yet, so the page says it is being prepared (and queues the work);
- the worker's recompute (``relief.insights.services.refresh_insights``) for that person;
- stored: the stored result is current (the version check, then the page with its SVG charts);
- after an edit: one new day record makes the stored result stale; the page shows it as updating;
- the version check alone (``page_state``).

Prints CPU and wall seconds for each (repeated ones: the median) as JSON. The process is warmed up
first on a small diary, so imports are not counted. Not a timed test: run it by hand and copy the
figures into docs/performance.md.
"""

from __future__ import annotations

import os
import tempfile

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
_tmp = tempfile.mkdtemp(prefix="relief-bench-")
os.environ["RELIEF_DATA_DIR"] = _tmp
os.environ["RELIEF_DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("RELIEF_SECRET_KEY", "bench-secret-key-not-for-production-" + "x" * 30)
os.environ["RELIEF_ALLOWED_HOSTS"] = "testserver"
os.environ.pop("RELIEF_HOSTED", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import django  # noqa: E402


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from relief.diary.demo import create_demo
    from relief.diary.models import Attack, DayRecord
    from relief.diary.services import log_day
    from relief.insights.models import StoredInsights
    from relief.insights.services import page_state, refresh_insights
    from relief.treatments.models import Dose

    call_command("migrate", interactive=False, verbosity=0)
    create_demo("warmup", days=60, seed=9)
    create_demo("bench", days=args.days, seed=1)

    warmup, person = User.objects.get(username="warmup"), User.objects.get(username="bench")
    client = Client()
    client.force_login(warmup)
    refresh_insights(warmup)
    assert client.get("/insights/").status_code == 200  # imports, template cache
    client.force_login(person)

    def page() -> bytes:
        response = client.get("/insights/")
        assert response.status_code == 200, response.status_code
        return response.content

    def median(runs: list[tuple[float, float]]) -> dict[str, float]:
        return {
            "cpu_s": round(statistics.median(c for c, _ in runs), 4),
            "wall_s": round(statistics.median(w for _, w in runs), 4),
        }

    first_cpu, first_wall, first = timed(page)
    assert b"being prepared" in first
    task_cpu, task_wall, _ = timed(lambda: refresh_insights(person))
    stored = [timed(page)[:2] for _ in range(args.repeat)]
    assert b'role="img"' in page()
    check = [timed(lambda: page_state(person))[:2] for _ in range(args.repeat)]
    log_day(person, day=timezone.localdate(), worst_pain=3, notes="bench edit")
    stale_cpu, stale_wall, stale = timed(page)
    assert "Updating…".encode() in stale
    again_cpu, again_wall, _ = timed(lambda: refresh_insights(person))

    figures = {
        "days": args.days,
        "attacks": Attack.objects.filter(user=person).count(),
        "day_records": DayRecord.objects.filter(user=person).count(),
        "doses": Dose.objects.filter(user=person).count(),
        "first_view_being_prepared": {"cpu_s": round(first_cpu, 4), "wall_s": round(first_wall, 4)},
        "worker_recompute": {"cpu_s": round(task_cpu, 3), "wall_s": round(task_wall, 3)},
        "stored_page_median": median(stored),
        "version_check_median": median(check),
        "page_after_an_edit_updating": {"cpu_s": round(stale_cpu, 4), "wall_s": round(stale_wall, 4)},
        "worker_recompute_after_the_edit": {"cpu_s": round(again_cpu, 3), "wall_s": round(again_wall, 3)},
        "stored_row_kb": round(
            sum(len(r.doc) + len(json.dumps(r.charts)) for r in StoredInsights.objects.filter(user=person))
            / 1024,
            1,
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
