"""The clinician report never runs the analysis in a web request.

The page shows the stored result (computed on the worker) with its date; the PDF is drawn on the
worker, stored with the diary version it was built from, and served from the database.  While
either is behind, the page says so and polls.
"""

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from relief.accounts.services import today_for
from relief.analysis import report as analysis_report
from relief.exchange import tasks
from relief.exchange.models import StoredReport
from relief.exchange.reports import data, pdf
from relief.exchange.reports.parts import NOTICE
from relief.insights import analysis, services
from relief.insights.models import StoredInsights
from relief.insights.services import diary_version, page_state
from tests.access.people import logged_in, profile_id, share_with
from tests.factories import ago, make_attack, make_day, make_dose, make_user

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def small_diary(user):
    """Three weeks with two treated attacks and a few day records."""
    for days in (4, 12):
        attack = make_attack(user, started_at=ago(days=days))
        make_dose(user, taken_at=ago(days=days) + timedelta(minutes=30), attack=attack, reason="acute")
    for days in range(1, 20, 2):
        make_day(user, ago(days=days).date(), worst_pain=3, sleep_hours=7)
    return user


def analysis_must_not_run(monkeypatch) -> list[str]:
    """Every way into the analysis and the PDF drawing fails loudly; the calls are listed."""
    calls: list[str] = []

    def refuse(name):
        def refused(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} ran in a web request")

        return refused

    monkeypatch.setattr(data, "build_report", refuse("build_report"))
    monkeypatch.setattr(data, "analysis_for", refuse("analysis_for"))
    monkeypatch.setattr(analysis, "analysis_for", refuse("analysis_for"))
    monkeypatch.setattr(services, "compute_insights", refuse("compute_insights"))
    monkeypatch.setattr(analysis_report, "analyze", refuse("analyze"))
    monkeypatch.setattr(pdf, "render_pdf", refuse("render_pdf"))
    return calls


def queued_pdfs(monkeypatch) -> list[tuple[int, str]]:
    queued: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks, "queue_report_pdf", lambda user_id, period: queued.append((user_id, period)))
    return queued


def urls(user) -> dict[str, str]:
    who = profile_id(user)
    return {
        name: reverse(f"exchange:{name}", args=[who]) for name in ("report", "report_pdf", "report_state")
    }


def test_the_worker_task_draws_a_valid_pdf_and_stores_it_with_the_insights_of_the_same_version():
    person = small_diary(make_user())

    result = tasks.build_report_pdf(person.pk, "..")

    stored = StoredReport.objects.get(user=person, period="..")
    assert result == {"built": True, "bytes": len(stored.pdf)}
    assert stored.diary_version == diary_version(person)
    reader = PdfReader(io.BytesIO(bytes(stored.pdf)))
    assert len(reader.pages) >= 3
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert NOTICE in text and "2 attacks" in text
    assert page_state(person).current  # the same analysis is the page's stored result
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "report-worker.pdf").write_bytes(bytes(stored.pdf))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(ARTIFACTS / "report-worker.pdf"),
                str(ARTIFACTS / "report-worker"),
            ],
            check=True,
        )
        assert (ARTIFACTS / "report-worker-1.png").stat().st_size > 5000


def test_report_page_and_pdf_requests_run_no_analysis_and_serve_what_the_worker_stored(monkeypatch):
    person = small_diary(make_user())
    tasks.build_report_pdf(person.pk, "..")
    built = bytes(StoredReport.objects.get(user=person).pdf)
    calls = analysis_must_not_run(monkeypatch)
    queued = queued_pdfs(monkeypatch)
    client = logged_in(person)

    page = client.get(urls(person)["report"])
    download = client.get(urls(person)["report_pdf"])

    assert calls == [] and queued == []
    text = page.content.decode()
    assert page.status_code == 200 and "One-minute summary" in text
    assert "Computed " in text and "Updating…" not in text and "being prepared" not in text
    assert 'hx-trigger="every' not in text  # nothing is behind: no polling
    assert text.count('role="img"') >= 4  # inline SVG charts from the stored numbers
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == built


def test_a_first_view_says_the_report_is_being_prepared_queues_its_pdf_and_polls(monkeypatch):
    person = small_diary(make_user())
    calls = analysis_must_not_run(monkeypatch)
    queued = queued_pdfs(monkeypatch)
    client = logged_in(person)

    page = client.get(urls(person)["report"]).content.decode()
    waiting = client.get(urls(person)["report_pdf"])

    assert calls == []
    assert "The report is being prepared" in page and "The PDF is being prepared" in page
    assert 'hx-trigger="every 4s"' in page and "One-minute summary" not in page
    assert waiting.status_code == 202 and "being prepared" in waiting.content.decode()
    assert queued == [(person.pk, ".."), (person.pk, "..")]  # the queue's flag keeps it to one task
    assert not StoredInsights.objects.exists() and not StoredReport.objects.exists()


def test_queueing_twice_before_the_worker_runs_queues_one_pdf():
    person = make_user()
    assert tasks.queue_report_pdf(person.pk, "..") is True
    assert tasks.queue_report_pdf(person.pk, "..") is False
    tasks.build_report_pdf(person.pk, "..")  # the worker clears the flag first
    assert tasks.queue_report_pdf(person.pk, "..") is True


def test_after_a_new_entry_the_page_shows_the_older_result_as_updating_and_the_pdf_as_being_prepared(
    monkeypatch,
):
    person = small_diary(make_user())
    tasks.build_report_pdf(person.pk, "..")
    make_attack(person, started_at=ago(hours=2))
    calls = analysis_must_not_run(monkeypatch)
    queued = queued_pdfs(monkeypatch)
    client = logged_in(person)

    page = client.get(urls(person)["report"]).content.decode()
    download = client.get(urls(person)["report_pdf"])

    assert calls == []
    assert "One-minute summary" in page and "Updating…" in page
    assert "The PDF is being prepared" in page and "Download the PDF" not in page
    assert download.status_code == 202 and download["Content-Type"].startswith("text/html")
    assert queued[0] == (person.pk, "..")


def test_the_status_partial_reloads_the_page_once_the_first_result_is_ready_and_stops_polling_with_the_pdf(
    monkeypatch,
):
    person = small_diary(make_user())
    queued_pdfs(monkeypatch)
    client = logged_in(person)
    state = urls(person)["report_state"]
    waiting = client.get(state, {"shown": ""})
    assert "HX-Refresh" not in waiting and 'hx-trigger="every' in waiting.content.decode()

    tasks.build_report_pdf(person.pk, "..")

    ready = client.get(state, {"shown": ""})
    assert ready["HX-Refresh"] == "true"
    body = ready.content.decode()
    assert 'hx-trigger="every' not in body and "Download the PDF" in body


def test_a_chosen_period_reaches_the_worker_and_the_pdf_link_keeps_it(monkeypatch):
    person = small_diary(make_user())
    today = today_for(person)
    period = {"from": (today - timedelta(days=10)).isoformat(), "to": today.isoformat()}
    key = f"{period['from']}..{period['to']}"
    queued = queued_pdfs(monkeypatch)
    client = logged_in(person)

    client.get(urls(person)["report"], period)
    assert queued == [(person.pk, key)]
    tasks.build_report_pdf(person.pk, key)
    page = client.get(urls(person)["report"], period).content.decode()

    assert f"{urls(person)['report_pdf']}?from={period['from']}&amp;to={period['to']}" in page
    stored = StoredReport.objects.get(user=person, period=key)
    assert (stored.start.isoformat(), stored.end.isoformat()) == (period["from"], period["to"])
    assert client.get(urls(person)["report_pdf"], period).content == bytes(stored.pdf)
    assert client.get(urls(person)["report_pdf"]).status_code == 202  # the default period is another PDF


def test_the_owner_and_a_read_only_share_get_the_pdf_and_a_stranger_gets_404(monkeypatch):
    owner, clinician, stranger = small_diary(make_user()), make_user(), make_user()
    share_with(owner, clinician)
    tasks.build_report_pdf(owner.pk, "..")
    built = bytes(StoredReport.objects.get(user=owner).pdf)
    queued = queued_pdfs(monkeypatch)

    for reader in (owner, clinician):
        client = logged_in(reader)
        assert client.get(urls(owner)["report_pdf"]).content == built
        assert client.get(urls(owner)["report_state"]).status_code == 200
    as_stranger = logged_in(stranger)
    for url in urls(owner).values():
        assert as_stranger.get(url).status_code == 404
    assert queued == []  # nobody's request queued anything for a journal they cannot read
