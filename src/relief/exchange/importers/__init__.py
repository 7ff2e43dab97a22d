"""Importers for other apps' exports; see ``docs/importers.md``.

``run_import(user, path, fmt)`` reads a file, plans every entry, and saves all of
it through the normal services in one transaction, or nothing when any line
could not be read or saved.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from relief.accounts.services import time_zone_of
from relief.exchange.importers.base import (
    ImportFormatError,
    ImportReport,
    Problem,
    Progress,
    read_text,
    run_planned,
)
from relief.exchange.importers.detect import detect

FORMATS: dict[str, str] = {
    "migraine-buddy": "Migraine Buddy CSV export",
    "generic": "Any CSV: an attack list, or a daily yes/no headache diary (column mapping optional)",
    "flaredown": "Flaredown CSV export (one row per check-in)",
    "flaredown-research": "Flaredown research data set (long format)",
    "bearable": "Bearable CSV export",
    "headi": "Headi CSV export",
    "migraine-navigator": "Migraine Navigator CSV",
    "psychonautwiki": "PsychonautWiki Journal JSON export",
}

__all__ = [
    "FORMATS",
    "ImportFormatError",
    "ImportReport",
    "Problem",
    "import_text",
    "run_import",
]


PLANNERS: dict[str, tuple[str, str]] = {
    "migraine-buddy": ("migrainebuddy", "plan"),
    "generic": ("generic", "plan"),
    "flaredown": ("flaredown", "plan_wide"),
    "flaredown-research": ("flaredown", "plan_research"),
    "bearable": ("bearable", "plan"),
    "headi": ("headi", "plan"),
    "migraine-navigator": ("navigator", "plan"),
    "psychonautwiki": ("psychonautwiki", "plan"),
}


def _planner(fmt: str) -> Callable[..., None]:
    module, name = PLANNERS[fmt]
    return getattr(importlib.import_module(f"relief.exchange.importers.{module}"), name)


NESTED_TOO_DEEPLY = "the file is nested too deeply to be an export of that app"


def import_text(
    user: User,
    data: bytes | str,
    fmt: str,
    *,
    source: str = "an upload",
    mapping: dict[str, Any] | str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    person: str | None = None,
) -> ImportReport:
    """Plan and save one file of another app; ``fmt`` "auto" recognises it from the content."""
    text = read_text(data)
    if "\x00" in text:  # no export of a journal app holds one; PostgreSQL could not store it
        raise ImportFormatError("the file contains NUL characters, so it is not a text export")
    detected = ""
    if fmt == "auto":
        try:
            found = detect(text)
        except RecursionError:
            raise ImportFormatError(NESTED_TOO_DEEPLY) from None
        if found.fmt not in FORMATS:
            raise ImportFormatError(f"{found.reason}; import it with relief import (format {found.fmt})")
        fmt, detected = found.fmt, found.reason
    if fmt not in FORMATS:
        raise ImportFormatError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")
    report = ImportReport(format=fmt, dry_run=dry_run, detected=detected, person=person or "")
    try:
        _planner(fmt)(text, report, tz=time_zone_of(user), source=source, mapping=mapping)
    except RecursionError:
        raise ImportFormatError(NESTED_TOO_DEEPLY) from None
    return run_planned(user, report, source, dry_run=dry_run, progress=progress)


def run_import(
    user: User,
    path: str | Path,
    fmt: str,
    mapping: dict[str, Any] | str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    person: str | None = None,
) -> ImportReport:
    """Import a file of another app; raises ImportFormatError when the file is not in that format."""
    path = Path(path)
    return import_text(
        user,
        path.read_bytes(),
        fmt,
        source=path.name,
        mapping=mapping,
        dry_run=dry_run,
        progress=progress,
        person=person,
    )
