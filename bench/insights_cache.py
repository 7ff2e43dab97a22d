"""The insights page for a one-year demo diary: computed (cold) against read from stored insights (warm).

Usage:  uv run python bench/insights_cache.py [--days 365] [--repeat 5]

Creates a throwaway SQLite database in a temporary directory, one demo account with ``--days`` days
of simulated diary, and requests ``/insights/`` with Django's test client (no server, no network):

- cold: no stored insights, so the page runs the analysis, draws the charts and stores them;
- warm: the stored row is current, so the page hashes the diary (the fingerprint) and renders;
- after an edit: one new day record makes the stored row stale, so the page computes again;
- the background task (``relief.core.tasks.recompute_insights``) for that person.

Prints CPU and wall seconds for each (warm: the median of the repeats) as JSON. The process is
warmed up first on a small diary, so imports are not counted. Not a timed test: run it by hand and
copy the figures into docs/performance.md.
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

    from relief.core import tasks
    from relief.diary.demo import create_demo
    from relief.diary.models import Attack, DayRecord
    from relief.diary.services import log_day
    from relief.insights.models import StoredInsights
    from relief.insights.services import diary_fingerprint
    from relief.treatments.models import Dose

    call_command("migrate", interactive=False, verbosity=0)
    create_demo("warmup", days=60, seed=9)
    create_demo("bench", days=args.days, seed=1)

    warmup, person = User.objects.get(username="warmup"), User.objects.get(username="bench")
    client = Client()
    client.force_login(warmup)
    assert client.get("/insights/").status_code == 200  # imports, matplotlib fonts, template cache
    client.force_login(person)

    def page() -> int:
        response = client.get("/insights/")
        assert response.status_code == 200, response.status_code
        return response.content.count(b"data:image/svg+xml;base64,")

    cold_cpu, cold_wall, charts = timed(page)
    assert charts == 4 and StoredInsights.objects.filter(user=person).count() == 1
    warm = [timed(page)[:2] for _ in range(args.repeat)]
    fingerprint = [timed(lambda: diary_fingerprint(person))[:2] for _ in range(args.repeat)]
    last = DayRecord.objects.filter(user=person).order_by("-date").first()
    log_day(person, day=timezone.localdate(), worst_pain=3, notes="bench edit")
    edit_cpu, edit_wall, _ = timed(page)
    log_day(person, day=(last.date if last else timezone.localdate()), worst_pain=4, notes="bench edit 2")
    task_cpu, task_wall, result = timed(lambda: tasks.recompute_insights(person.pk))
    assert result == {"people": 1}

    figures = {
        "days": args.days,
        "attacks": Attack.objects.filter(user=person).count(),
        "day_records": DayRecord.objects.filter(user=person).count(),
        "doses": Dose.objects.filter(user=person).count(),
        "cold_page": {"cpu_s": round(cold_cpu, 3), "wall_s": round(cold_wall, 3)},
        "warm_page_median": {
            "cpu_s": round(statistics.median(c for c, _ in warm), 3),
            "wall_s": round(statistics.median(w for _, w in warm), 3),
        },
        "fingerprint_median": {
            "cpu_s": round(statistics.median(c for c, _ in fingerprint), 3),
            "wall_s": round(statistics.median(w for _, w in fingerprint), 3),
        },
        "page_after_an_edit": {"cpu_s": round(edit_cpu, 3), "wall_s": round(edit_wall, 3)},
        "background_task": {"cpu_s": round(task_cpu, 3), "wall_s": round(task_wall, 3)},
        "stored_row_kb": round(
            sum(
                len(r.doc) + sum(len(s) for s in r.charts.values())
                for r in StoredInsights.objects.filter(user=person)
            )
            / 1024,
            1,
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
