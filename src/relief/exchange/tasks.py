"""Big imports run on the background worker; the import page polls their progress.

The import itself is one transaction (all or nothing), so its progress cannot live in the
database it is writing to: nobody else would see it before the commit.  It is written to the
task queue's own storage instead (an SQLite file or Redis, outside that transaction).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from huey.constants import EmptyData

from relief.core.tasks import huey
from relief.exchange.models import PendingImport
from relief.exchange.services import confirm_pending

log = logging.getLogger("relief.exchange")

# Files with more entries than this are saved by the worker, with a progress bar on the page.
BACKGROUND_ENTRIES = 400


def _key(pending_id: Any) -> str:
    return f"relief:import-progress:{pending_id}"


def write_progress(pending_id: Any, done: int, total: int) -> None:
    try:
        huey.storage.put_data(_key(pending_id), json.dumps({"done": done, "total": total}).encode())
    except Exception:  # progress is a courtesy: never fail an import over it
        log.exception("could not write the import progress")


def read_progress(pending_id: Any) -> tuple[int, int] | None:
    try:
        data = huey.storage.peek_data(_key(pending_id))
    except Exception:
        return None
    if data is EmptyData or data is None:
        return None
    value = json.loads(data)
    return int(value["done"]), int(value["total"])


def run_pending(pending_id: Any) -> dict[str, Any]:
    """Save a confirmed upload (all of it or nothing) and keep the outcome for the page."""
    pending = PendingImport.objects.filter(pk=pending_id).select_related("user").first()
    if pending is None:
        return {"error": "the upload is gone (a newer upload replaced it)"}
    PendingImport.objects.filter(pk=pending.pk).update(status="running")
    step = max(1, pending.total // 100)

    def progress(done: int, total: int) -> None:
        if done == total or done % step == 0:
            write_progress(pending.pk, done, total)

    result = confirm_pending(pending, progress=progress)
    PendingImport.objects.filter(pk=pending.pk).update(
        status="done" if result.get("saved") else "failed", result=result, content=""
    )
    try:
        huey.storage.pop_data(_key(pending.pk))
    except Exception:
        log.exception("could not clear the import progress")
    return {"saved": result.get("saved", False)}


@huey.task()
def import_pending_task(pending_id: str) -> dict[str, Any]:
    return run_pending(pending_id)
