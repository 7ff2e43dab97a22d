"""A write reads the safety knowledge base before its transaction opens, never while holding the write lock.

On SQLite a write transaction holds the database's only write lock from its start; reading and
validating the knowledge base takes about a second the first time in a process, and a second
process writing at the same time would wait all that while (under load, past its busy timeout).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from relief.core import services
from relief.diary.models import DayRecord
from relief.diary.services import create_attack, create_day_record, update_day_record
from relief.treatments.models import Substance
from relief.treatments.services import create_dose, update_dose
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def depths(monkeypatch):
    """How deep in transactions the knowledge base was read, and how deep each write began."""
    seen: list[tuple[str, int]] = []
    read, begin = services.load_knowledge, services.begin_write

    def reading():
        seen.append(("knowledge", len(connection.atomic_blocks)))
        return read()

    def beginning(user):
        seen.append(("write", len(connection.atomic_blocks)))
        return begin(user)

    monkeypatch.setattr(services, "load_knowledge", reading)
    monkeypatch.setattr(services, "begin_write", beginning)
    for module in ("relief.diary.services", "relief.treatments.services"):
        monkeypatch.setattr(f"{module}.begin_write", beginning)
    return seen


def test_every_kind_of_write_reads_the_knowledge_before_its_transaction(depths):
    person = make_user("writer")
    kratom = Substance.objects.get(key="kratom")
    outside = len(connection.atomic_blocks)  # the test's own transaction, if any
    saved = create_dose(person, substance=kratom, amount=2, unit="g", taken_at=timezone.now())
    update_dose(person, saved.entry, amount=3)
    create_attack(person, started_at=timezone.now())
    create_day_record(person, day=date(2026, 11, 30), worst_pain=3)
    update_day_record(person, saved_record(person), worst_pain=4)
    writes = [n for n, (what, _) in enumerate(depths) if what == "write"]
    assert len(writes) == 5
    previous = -1
    for n in writes:
        # since the last write began, the knowledge was read outside any transaction of the write
        assert ("knowledge", outside) in depths[previous + 1 : n], depths
        assert depths[n][1] > outside
        previous = n


def saved_record(person):
    return DayRecord.objects.get(user=person, date=date(2026, 11, 30))
