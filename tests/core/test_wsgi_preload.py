"""Importing the WSGI module readies a web process before gunicorn forks its workers."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = """
import gc, json, sys
before = set(sys.modules)
from relief.wsgi import application
from relief.safety.kb import load_knowledge
frozen = gc.get_freeze_count()
report = {
    "frozen": frozen,
    "views": sorted(m for m in ("relief.core.views", "relief.api.diary", "relief.insights.views",
                                "relief.exchange.views", "relief.safety.views") if m in sys.modules),
    "knowledge_read": load_knowledge.cache_info().currsize,
    "heavy": sorted(m for m in sys.modules if m.split(".")[0] in {"pandas", "scipy", "matplotlib"}),
}
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.test import Client
report["healthz"] = Client().get("/healthz").status_code
print(json.dumps(report))
"""


def test_the_wsgi_module_loads_views_and_knowledge_then_freezes_them_out_of_the_collectors_reach():
    data_dir = tempfile.mkdtemp(prefix="relief-wsgi-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELIEF_")}
    env.update(
        RELIEF_DATA_DIR=data_dir,
        RELIEF_DATABASE_URL=f"sqlite:///{Path(data_dir) / 'wsgi.sqlite3'}",
        RELIEF_SECRET_KEY="wsgi-preload-test-" + "x" * 50,
        RELIEF_ALLOWED_HOSTS="testserver",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the module sets it itself, as under gunicorn
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["views"] == sorted(
        ["relief.core.views", "relief.api.diary", "relief.insights.views", "relief.exchange.views",
         "relief.safety.views"]
    )  # fmt: skip
    assert report["knowledge_read"] == 1
    # tens of thousands of long-lived objects (modules, classes, the knowledge base) left out of
    # every later collection; an unfrozen process reports 0
    assert report["frozen"] > 20_000
    assert report["heavy"] == []
    assert report["healthz"] == 200
