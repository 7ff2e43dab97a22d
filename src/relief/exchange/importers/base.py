"""What every importer shares: planned entries, the report, substance matching, all-or-nothing saving.

An importer reads the file into a list of :class:`Planned` entries (one per source row
or per day) and :class:`Problem` lines it could not read.  Saving runs every planned
entry through the normal services inside one transaction; any problem, before or
during saving, rolls everything back.  A dry run does the same and always rolls back,
so the preview shows exactly what would be saved, validation included.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from rapidfuzz import fuzz, process

from relief.accounts.services import time_zone_of
from relief.core.services import error_lines
from relief.core.timeutil import TimeInputError, make_aware_local
from relief.exchange.models import ImportedEntry
from relief.treatments.models import Substance
from relief.treatments.services import add_substance, substances_for

Progress = Callable[[int, int], None]
# Words that name how a product is presented, not what is in it ('plus', 'pm', 'extract' do change
# what is in it, so they are not here: 'Tylenol PM' or 'Kratom extract' is not the plain substance).
PRODUCT_WORDS = frozenset(
    {
        "express",
        "rapid",
        "fast",
        "liquid",
        "liqui-gels",
        "liquigels",
        "gel",
        "tablets",
        "tablet",
        "caplets",
        "capsules",
        "film-coated",
        "dispersible",
        "melt",
        "mlt",
    }
)


class ImportFormatError(ValueError):
    """The file as a whole is not in the expected format (wrong columns, not JSON, ...)."""


@dataclass
class Problem:
    line: int | None
    message: str
    raw: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}"


@dataclass
class Planned:
    """One thing to save, with the source lines it came from and a one-line preview.

    ``key`` names the entry as its source knows it (format, person, start time, date ...):
    an entry whose key was imported before, and whose saved entry still exists, is skipped,
    so importing the same file (or an overlapping later export) twice never duplicates.
    """

    lines: list[int]
    summary: str
    save: Callable[[ImportContext], list[str]]
    key: str = ""


@dataclass
class ImportReport:
    format: str
    dry_run: bool
    rows: int = 0
    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    saved: bool = False
    detected: str = ""  # how the format was recognised, when it was not given
    unused: list[tuple[str, str]] = field(default_factory=list)  # (column, why it was not used)
    new_substances: list[str] = field(default_factory=list)  # names that become the person's own
    people: list[str] = field(default_factory=list)  # person ids found in a multi-person file
    person: str = ""  # whose rows were imported
    already: int = 0  # entries skipped because an earlier import saved them

    SAMPLE_ROWS = 5

    @property
    def counts(self) -> list[tuple[str, int]]:
        """What was (or would be) created, by kind; a list because templates cannot iterate a Counter."""
        return sorted(self.created.items())

    @property
    def ok(self) -> bool:
        return not self.problems

    def sample(self, n: int | None = None) -> list[Planned]:
        """A few entries as they will be saved, for the preview."""
        return self.planned[: n or self.SAMPLE_ROWS]

    def accounted_lines(self) -> set[int]:
        lines = {n for p in self.planned for n in p.lines}
        lines |= {p.line for p in self.problems + self.skipped if p.line}
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "saved": self.saved,
            "rows": self.rows,
            "entries": len(self.planned),
            "created": dict(self.created),
            "problems": [{"line": p.line, "message": p.message, "raw": p.raw} for p in self.problems],
            "skipped": [{"line": p.line, "message": p.message} for p in self.skipped],
            "notices": self.notices,
            "detected": self.detected,
            "unused_columns": [{"column": c, "why": why} for c, why in self.unused],
            "new_substances": self.new_substances,
            "people": self.people,
            "person": self.person,
            "already_imported": self.already,
            "sample": [{"line": p.lines[0] if p.lines else None, "entry": p.summary} for p in self.sample()],
        }


class ImportContext:
    """Shared state while saving: the person, their zone, and substances made along the way."""

    def __init__(self, user: User, source: str) -> None:
        self.user = user
        self.source = source
        self.tz = time_zone_of(user)
        self.matcher = SubstanceMatcher(user)
        self.new_substances: list[str] = []
        self.primary: Any = None  # the main object the current entry created (attack, day, dose)

    def created(self, obj: Any) -> None:
        """Remember the first object an entry saves: its key points at it."""
        if self.primary is None:
            self.primary = obj

    def substance(self, name: str) -> Substance:
        found = self.matcher.match(name)
        if found is None:
            found = add_substance(
                self.user, name=" ".join(name.split())[:100], kind="other", substance_class="other"
            )
            self.matcher.remember(found)
            self.new_substances.append(found.name)
        return found


class SubstanceMatcher:
    """Substance names as people type them: catalogue keys, names, aliases, then near misses.

    Near misses use rapidfuzz's ratio against every key, name and alias; a match needs
    a score of at least ``cutoff`` and a clear lead over the runner-up.
    """

    def __init__(self, user: User, cutoff: float = 85.0) -> None:
        self.user = user
        self.cutoff = cutoff
        self.choices: dict[str, Substance] = {}
        for substance in substances_for(user).order_by("user_id", "name"):
            self.remember(substance)

    def remember(self, substance: Substance) -> None:
        for label in [substance.key, substance.name, *substance.aliases]:
            if label and label.lower() not in self.choices:
                self.choices[label.lower()] = substance
        short = re.sub(r"\s*\(.*\)\s*$", "", substance.name).lower()
        self.choices.setdefault(short, substance)

    def match(self, name: str) -> Substance | None:
        wanted = " ".join(name.split()).lower()
        if not wanted:
            return None
        if wanted in self.choices:
            return self.choices[wanted]
        stripped = re.sub(r"\s*\(.*\)\s*$", "", wanted)
        if stripped in self.choices:
            return self.choices[stripped]
        inner = re.search(r"\(([^()]*)\)", wanted)  # 'Imitrex (Sumatriptan)': the generic name in brackets
        if inner and inner.group(1).strip() in self.choices:
            return self.choices[inner.group(1).strip()]
        words = stripped.split()
        if len(words) > 1 and words[0] in self.choices and set(words[1:]) <= PRODUCT_WORDS:
            return self.choices[words[0]]  # a brand's presentation: 'Nurofen Express', 'Advil Liqui-Gels'
        best = process.extract(stripped, list(self.choices), scorer=fuzz.ratio, limit=5)
        if not best or best[0][1] < self.cutoff:
            return None
        top = self.choices[best[0][0]]
        rivals = [b for b in best[1:] if self.choices[b[0]] != top and b[1] >= best[0][1] - 3]
        return None if rivals else top


def read_text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError("the file is neither UTF-8 nor Windows-1252 text")


def csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str], str]]]:
    """The header and ``(line number, row by column, raw line)`` for each data row.

    Line endings are normalised first (old Mac files end lines with a bare CR); text the
    CSV reader cannot read at all (a NUL byte, say) refuses the file, naming the line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","  # European spreadsheets save with ';'
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)

    def read() -> list[str] | None:
        try:
            return next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise ImportFormatError(f"line {reader.line_num}: cannot read this as CSV ({exc})") from None

    head = read()
    if head is None:
        raise ImportFormatError("the file is empty")
    header = [h.strip() for h in head]

    def rows() -> Iterator[tuple[int, dict[str, str], str]]:
        start = reader.line_num + 1
        while (values := read()) is not None:
            end = reader.line_num
            raw = "\n".join(lines[start - 1 : end])
            line, start = start, end + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield line, {"__error__": f"has {len(values)} fields, the header has {len(header)}"}, raw
                continue
            yield line, {h: v.strip() for h, v in zip(header, values, strict=True)}, raw

    return header, rows()


def require_columns(header: list[str], needed: list[str], fmt: str) -> None:
    missing = [c for c in needed if c not in header]
    if missing:
        raise ImportFormatError(
            f"this does not look like a {fmt} file: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(header) or 'none'})"
        )


def local_time(day: date, clock: time | None, tz: str) -> datetime:
    """A wall-clock time in the person's zone as UTC; a date alone means noon."""
    moment = datetime.combine(day, clock or time(12, 0))
    try:
        return make_aware_local(moment, tz)
    except TimeInputError:
        return make_aware_local(moment.replace(hour=moment.hour + 1 if moment.hour < 23 else moment.hour), tz)


_AMOUNT = re.compile(
    r"^\s*(?:(?P<count>\d+(?:[.,]\d+)?)\s*[x×]\s*)?(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>mcg|µg|ug|mg|g|ml)\b",
    re.IGNORECASE,
)


def parse_amount(text: str) -> tuple[float, str] | None:
    """Read '50 mg', '2 x 30mg', '1.5g'; None when the text has no amount with a mass or volume unit."""
    match = _AMOUNT.match(text or "")
    if not match:
        return None
    amount = float(match.group("amount").replace(",", "."))
    if match.group("count"):
        amount *= float(match.group("count").replace(",", "."))
    unit = match.group("unit").lower().replace("µg", "mcg").replace("ug", "mcg")
    return amount, unit


def run_planned(
    user: User, report: ImportReport, source: str, *, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Save every planned entry in one transaction; roll back on any problem or on a dry run."""

    class _Rollback(Exception):
        pass

    total = len(report.planned)
    try:
        with transaction.atomic():
            context = ImportContext(user, source)
            seen = _imported_before(user, report)
            for index, planned in enumerate(report.planned, start=1):
                if planned.key and planned.key in seen:
                    report.skipped.append(
                        Problem(planned.lines[0] if planned.lines else None, seen[planned.key])
                    )
                    report.already += 1
                    if progress:
                        progress(index, total)
                    continue
                context.primary = None
                try:
                    with transaction.atomic():
                        report.created.update(planned.save(context))
                        if planned.key:
                            _remember(ImportedEntry, context, planned.key, source)
                except ValidationError as exc:
                    for message in error_lines(exc):
                        report.problems.append(Problem(planned.lines[0] if planned.lines else None, message))
                if progress:
                    progress(index, total)
            report.new_substances = list(context.new_substances)
            if report.already:
                report.notices.append(
                    f"{report.already} entr{'y was' if report.already == 1 else 'ies were'} imported before "
                    "and skipped; nothing is saved twice"
                )
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        report.saved = False
        if report.problems:
            report.created.clear()
        return report
    report.saved = True
    # lazy: importing the task module opens the queue's storage; only a finished import needs it
    from relief.core.tasks import queue_insights_recompute

    queue_insights_recompute(user.pk)
    return report


def _imported_before(user: User, report: ImportReport) -> dict[str, str]:
    """Keys of this file's entries that an earlier import saved and that still exist, with the reason."""
    keys = {p.key for p in report.planned if p.key}
    if not keys:
        return {}
    found: dict[str, str] = {}
    stale: list[Any] = []
    rows = list(ImportedEntry.objects.filter(user=user, key__in=keys))
    by_model: dict[str, set[Any]] = {}
    for row in rows:
        if row.object_id is not None:
            by_model.setdefault(row.model, set()).add(row.object_id)
    alive: set[Any] = set()
    for label, ids in by_model.items():
        model = apps.get_model(label)
        alive |= set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    for row in rows:
        if row.object_id is not None and row.object_id not in alive:
            stale.append(row.pk)  # its entry was deleted since: import it again
            continue
        when = row.created_at.date().isoformat()
        found[row.key] = f"already imported on {when} from {row.source or 'an earlier file'}"
    if stale:
        ImportedEntry.objects.filter(pk__in=stale).delete()
    return found


def _remember(model: Any, context: ImportContext, key: str, source: str) -> None:
    obj = context.primary
    model.objects.create(
        user=context.user,
        key=key[:200],
        model=obj._meta.label if obj is not None else "",
        object_id=getattr(obj, "pk", None),
        source=source[:200],
    )
