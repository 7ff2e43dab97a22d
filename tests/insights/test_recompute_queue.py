"""After writes, one debounced recompute is queued per person; the worker runs it once the diary is quiet."""

from datetime import timedelta

import pytest

from relief.core import tasks as core_tasks
from relief.insights import tasks
from relief.insights.models import DiaryVersion, StoredInsights
from relief.insights.services import diary_version
from relief.treatments.services import log_dose
from tests.factories import ago, make_attack, make_day, make_dose, make_user, substance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue():
    core_tasks.huey.flush()
    yield
    core_tasks.huey.flush()


def queued_recomputes(user_id: int) -> list:
    """Recomputes of ``user_id`` waiting in the queue (a consumer would move them to its schedule)."""
    waiting = core_tasks.huey.pending() + core_tasks.huey.scheduled()
    return [t for t in waiting if t.name.endswith("recompute_when_quiet") and t.args[0] == user_id]


@pytest.mark.django_db(transaction=True)  # every write really commits, as in production
def test_a_burst_of_writes_schedules_exactly_one_recompute():
    person, other = make_user(), make_user()
    core_tasks.huey.flush()

    for hours in range(1, 6):  # five entries, each saved and committed on its own
        make_attack(person, started_at=ago(hours=hours * 3))
    make_dose(other, taken_at=ago(hours=2))

    assert len(queued_recomputes(person.pk)) == 1
    assert len(queued_recomputes(other.pk)) == 1
    eta = queued_recomputes(person.pk)[0].eta
    assert eta is not None


def test_an_entry_saved_with_its_parts_in_one_transaction_queues_one_callback(
    django_capture_on_commit_callbacks,
):
    person = make_user()
    before = diary_version(person)

    with django_capture_on_commit_callbacks() as callbacks:
        log_dose(
            person,
            substance=substance("kratom"),
            amount=2,
            unit="g",
            taken_at=ago(hours=4),
            outcome={"pain_2h": 3},
        )

    assert diary_version(person) >= before + 2  # the dose and its outcome
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_waits_for_a_quiet_diary_then_recomputes_once_and_a_new_write_queues_again(monkeypatch):
    person = make_user()
    recomputed = []
    monkeypatch.setattr(
        core_tasks, "recompute_insights", lambda user_id: recomputed.append(user_id) or {"people": 1}
    )
    core_tasks.huey.flush()
    make_attack(person, started_at=ago(hours=3))
    (queued,) = queued_recomputes(person.pk)
    last_write = DiaryVersion.objects.get(user=person).changed_at

    early = tasks.run_when_quiet(person.pk, queued.args[1], now=last_write + timedelta(seconds=10))
    assert "waiting_until" in early and recomputed == []

    done = tasks.run_when_quiet(
        person.pk, queued.args[1], now=last_write + tasks.QUIET + timedelta(seconds=1)
    )
    assert done == {"people": 1} and recomputed == [person.pk]

    before = len(queued_recomputes(person.pk))  # (the consumer would have taken these off the queue)
    make_attack(person, started_at=ago(hours=1))
    assert len(queued_recomputes(person.pk)) == before + 1


def test_someone_who_never_stops_writing_still_gets_a_recompute_after_the_longest_wait(monkeypatch):
    person = make_user()
    make_attack(person, started_at=ago(hours=1))
    recomputed = []
    monkeypatch.setattr(
        core_tasks, "recompute_insights", lambda user_id: recomputed.append(user_id) or {"people": 1}
    )
    last_write = DiaryVersion.objects.get(user=person).changed_at
    long_ago = (last_write - tasks.MAX_WAIT - timedelta(seconds=1)).timestamp()

    tasks.run_when_quiet(person.pk, long_ago, now=last_write + timedelta(seconds=1))

    assert recomputed == [person.pk]


def test_a_stuck_flag_from_a_killed_worker_is_taken_over():
    person = make_user()
    core_tasks.huey.put_if_empty(tasks.flag_key(person.pk), 0.0)  # set long ago, never cleared

    assert tasks.schedule_recompute(person.pk)
    assert len(queued_recomputes(person.pk)) == 1


def test_the_queued_task_stores_the_result_of_the_version_it_read(monkeypatch):
    person = make_user()
    make_day(person, ago(days=1).date(), worst_pain=3)
    last_write = DiaryVersion.objects.get(user=person).changed_at

    tasks.run_when_quiet(person.pk, last_write.timestamp(), now=last_write + tasks.QUIET * 2)

    row = StoredInsights.objects.get(user=person)
    assert row.diary_version == diary_version(person)


def test_a_queue_that_cannot_be_reached_never_fails_the_write(monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("no queue")

    monkeypatch.setattr(core_tasks.huey, "put_if_empty", unreachable)

    assert tasks.schedule_recompute(7) is False
    assert tasks.prepare_period(7, "..") is False
    assert "could not queue" in caplog.text
