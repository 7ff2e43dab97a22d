"""The web process never imports the numeric and plotting libraries, even to show insights with charts.

Run in a fresh interpreter, since the test process itself has imported them long before.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HEAVY = ("matplotlib", "pandas", "scipy")

SCRIPT = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.urls import get_resolver
get_resolver().url_patterns  # the whole URL configuration, every view module
from datetime import date, datetime, UTC
from django.test import Client
from relief.accounts.services import create_account
from relief.insights.models import StoredInsights
from relief.insights.services import basis, diary_version
person = create_account("web", password=None, time_zone="UTC")
StoredInsights.objects.create(
    user=person, period="..", start=date(2026, 1, 1), end=date(2026, 1, 31),
    diary_version=diary_version(person), basis=basis(person, ".."),
    doc=sys.argv[1], charts=json.loads(sys.argv[2]), computed_at=datetime.now(UTC),
)
client = Client()
client.force_login(person)
page = client.get("/insights/")
assert page.status_code == 200, page.status_code
assert page.content.count(b'role="img"') == 4, page.content.count(b'role="img"')
client.get("/")
client.get("/calendar/")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy})))
"""

DOC = {
    "disclaimer": "Self-reported diary data; not a diagnosis.",
    "period": {"days": 31, "start": "2026-01-01", "end": "2026-01-31", "recorded_days": 3, "attacks": 1},
    "notes": [],
    "frequency": {
        "monthly": [
            {
                "month": "2026-01",
                "headache_days": 2,
                "migraine_days": 1,
                "kratom_days": 1,
                "acute_medication_days": {"any": 1},
            }
        ]
    },
    "treatments": [],
    "untreated": {"treatment": "Untreated", "treated_attacks": 0},
    "dose_response": [],
    "triggers": [],
    "side_effects": [],
    "tolerance": [],
    "classification": {"wording": "", "findings": []},
}
CHARTS = {
    "monthly": {"months": [{"month": "2026-01", "headache_days": 2, "migraine_days": 1, "acute_days": 1}]},
    "response": {"rows": [{"label": "Kratom 1-3 g", "k": 1, "n": 2, "rate": 0.5, "low": 0.1, "high": 0.9}]},
    "doses": {"weeks": [{"week": "2025-12-29", "kratom_g": 3.0, "acute_days": 1}]},
    "pain": {
        "start": "2026-01-01",
        "end": "2026-01-31",
        "mean": [{"date": "2026-01-20", "value": 3.5}],
        "attacks": [{"date": "2026-01-05", "peak": 7}],
    },
}


def heavy_modules_imported(script: str, name: str) -> list[str]:
    """Run ``script`` (with DOC and CHARTS as arguments) in a fresh interpreter on a new SQLite
    journal; the HEAVY modules it had imported at the end, as the script's last line prints them."""
    data_dir = tempfile.mkdtemp(prefix=f"relief-{name}-imports-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELIEF_")}
    env.update(
        DJANGO_SETTINGS_MODULE="relief.settings",
        RELIEF_DATA_DIR=data_dir,
        RELIEF_DATABASE_URL=f"sqlite:///{Path(data_dir) / 'web.sqlite3'}",
        RELIEF_SECRET_KEY=f"{name}-imports-test-" + "x" * 50,
        RELIEF_ALLOWED_HOSTS="testserver",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script.replace("{heavy}", repr(set(HEAVY))),
            json.dumps(DOC),
            json.dumps(CHARTS),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_url_configuration_and_the_insights_page_import_no_numeric_or_plotting_library():
    assert heavy_modules_imported(SCRIPT, "web") == []
