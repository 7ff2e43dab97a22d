"""The clinician report, on a seeded demo diary (the simulator, never a real person's data)."""

import io
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from relief.accounts.services import today_for
from relief.analysis import analyze
from relief.diary.demo import create_demo
from relief.diary.services import Pain, log_attack, log_questionnaire
from relief.exchange.reports.data import NOTICE, build_report
from relief.exchange.reports.pdf import write_report
from relief.exchange.tasks import build_report_pdf
from relief.insights.frames import build_diary
from relief.treatments.services import add_substance, log_dose
from tests.access.people import profile_id, share_with
from tests.exchange.helpers import with_catalogue
from tests.factories import ago, make_batch, make_dose, make_product, make_user

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def demo_person(name: str = "report-demo", days: int = 120):
    with_catalogue()
    create_demo(name, days=days, seed=3)
    from django.contrib.auth.models import User

    return User.objects.get(username=name)


def prepared(user, period: str = "..") -> None:
    """What the worker does for a report: the analysis stored as insights, and the PDF."""
    assert build_report_pdf(user.pk, period)["built"]


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_pdf_opens_with_a_one_page_summary_and_every_page_says_the_data_is_self_reported(tmp_path):
    user = demo_person()
    path = tmp_path / "report.pdf"
    write_report(user, path)
    pages = pages_text(path)
    assert len(pages) == 5
    assert "The patient's questions, answered from the diary" in pages[0]
    assert "Does kratom help my attacks?" in pages[0]
    assert "One-minute summary" in pages[1]
    assert "Treatment response" in pages[2]
    for text in pages:
        assert NOTICE in " ".join(text.split())


def test_the_pdf_lists_every_safety_alert_each_with_what_it_is_about(tmp_path):
    user = make_user("many-batches", country="US", region="US-WI")
    for n in range(10):  # ten batches without a lab report, each used lately: ten alerts and a legal one
        batch = make_batch(make_product(user, name=f"Powder {n}"), f"LOT-{n}")
        make_dose(user, amount=2, product=batch.product, batch=batch, taken_at=ago(days=n + 1))
    path = tmp_path / "report.pdf"
    write_report(user, path)
    text = " ".join(" ".join(pages_text(path)).split())
    for n in range(10):
        assert (
            f"No lab report for this batch. There is no lab report (certificate of analysis) for Test Vendor Powder {n} lot LOT-{n}."
            in text
        )
    assert "Legal notice: Wisconsin bans kratom. Mitragynine and 7-OH are in Schedule I (Wis. Stat." in text


def test_the_summary_numbers_are_those_of_analyze(tmp_path):
    user = demo_person()
    report = build_report(user)
    expected = analyze(build_diary(user), report.start, report.end, baseline=report.baseline)
    assert report.doc["frequency"]["monthly"] == expected["frequency"]["monthly"]
    assert report.doc["classification"]["findings"] == expected["classification"]["findings"]
    path = tmp_path / "report.pdf"
    write_report(user, path, report.start, report.end)
    first = " ".join(pages_text(path)[1].split())  # page 1 holds the answers, page 2 the summary
    for month in expected["frequency"]["monthly"][-6:]:
        row = (
            f"{month['month']} {month['days']} {month['headache_days']} {month['migraine_days']} "
            f"{month['acute_medication_days']['any']} {month['kratom_days']}"
        )
        assert row in first
    for finding in expected["classification"]["findings"]:
        assert f"{finding['code']} {finding['name']}" in first


def test_page_one_is_rendered_to_a_png_for_a_person_to_look_at(tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    user = demo_person()
    path = tmp_path / "report.pdf"
    write_report(user, path)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "report-page-1"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path), str(target)],
        check=True,
    )
    png = target.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def feverfew_attack(user, name: str):
    with_catalogue()
    own = add_substance(user, name=name, kind="herbal")
    attack = log_attack(
        user,
        started_at=ago(days=3),
        ended_at=ago(days=3) + timedelta(hours=5),
        pain=[Pain(at=ago(days=3), nrs=6)],
    ).entry
    log_dose(user, substance=own, taken_at=ago(days=3), attack=attack, outcome={"pain_2h": 0})


def test_person_written_text_is_written_as_text_in_the_pdf_and_escaped_on_the_page(tmp_path):
    user = make_user()
    name = "<b>Feverfew</b> & {{ x }} **tea**"
    feverfew_attack(user, name)
    path = tmp_path / "report.pdf"
    write_report(user, path, today_for(user) - timedelta(days=10), today_for(user))
    assert name in " ".join(" ".join(pages_text(path)).split())
    prepared(user)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("exchange:report_home"), follow=True).content.decode()
    assert "<b>Feverfew</b>" not in page
    assert "&lt;b&gt;Feverfew&lt;/b&gt; &amp; {{ x }} **tea**" in page


def test_the_report_page_shows_the_summary_and_svg_charts_and_offers_the_pdf():
    user = demo_person("page-demo", days=70)
    prepared(user)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("exchange:report_home"), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(NOTICE) == 2
    assert page.count('role="img"') == 5  # inline SVG charts, each with its table
    assert page.count("The chart's numbers as a table") >= 4
    assert "One-minute summary" in page
    assert "Computed " in page and "Download the PDF" in page
    pdf = client.get(reverse("exchange:report_pdf", args=[profile_id(user)]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"


def test_questionnaire_scores_read_the_same_on_the_page_and_in_the_pdf(tmp_path):
    user = make_user("questions")
    log_questionnaire(user, instrument="hit6", answers=[2, 2, 3, 2, 2, 1])
    log_questionnaire(user, instrument="midas", answers=[2, 1, 0, 3, 1, 4, 5])
    prepared(user)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("exchange:report_home"), follow=True).content.decode()
    path = tmp_path / "report.pdf"
    write_report(user, path)
    text = " ".join(" ".join(pages_text(path)).split())
    for shown in (page, text):
        assert "HIT-6 59 (" in shown and "MIDAS 7 (" in shown
        assert "HIT6" not in shown and "59.0" not in shown and "7.0 (" not in shown


def test_an_unreadable_period_is_refused_with_the_reason():
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("exchange:report_home"), {"from": "2026-13-01"}, follow=True)
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_a_clinician_with_a_share_reads_the_owners_report_and_pdf():
    owner, clinician = make_user(), make_user()
    feverfew_attack(owner, "owner-herb")
    share_with(owner, clinician)
    prepared(owner)
    client = Client()
    client.force_login(clinician)
    page = client.get(reverse("exchange:report", args=[profile_id(owner)]))
    assert page.status_code == 200
    assert "owner-herb" in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    pdf = PdfReader(io.BytesIO(client.get(reverse("exchange:report_pdf", args=[profile_id(owner)])).content))
    assert any("owner-herb" in p.extract_text() for p in pdf.pages)


def test_a_stranger_gets_a_404_for_someone_elses_report_and_their_own_report_is_their_own():
    owner, stranger = make_user(), make_user()
    feverfew_attack(owner, "owner-secret-herb")
    prepared(owner)
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("exchange:report", args=[profile_id(owner)])).status_code == 404
    assert client.get(reverse("exchange:report_pdf", args=[profile_id(owner)])).status_code == 404
    own = client.get(reverse("exchange:report_home"), follow=True).content.decode()
    assert "owner-secret-herb" not in own


def test_a_share_cannot_post_to_the_report():
    owner, clinician = make_user(), make_user()
    share_with(owner, clinician)
    client = Client()
    client.force_login(clinician)
    assert client.post(reverse("exchange:report", args=[profile_id(owner)])).status_code in (403, 405)


def test_relief_report_writes_the_pdf_and_says_where(tmp_path):
    user = make_user("reporter")
    feverfew_attack(user, "Feverfew")
    from relief.cli import cli

    target = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        cli, ["--user", user.username, "report", "-o", str(target)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["written"] == str(target)
    assert target.read_bytes()[:5] == b"%PDF-"


def test_a_diary_begun_today_gets_a_report_of_today():
    from relief.diary.services import log_day

    user = make_user()

    log_day(user, day=today_for(user), worst_pain=3)
    report = build_report(user)
    assert report.start <= report.end == today_for(user)


def test_an_empty_diary_still_gets_a_report_that_says_so(tmp_path):
    user = make_user()
    path = tmp_path / "empty.pdf"
    write_report(user, path)
    first = " ".join(pages_text(path)[1].split())  # page 1 holds the answers, page 2 the summary
    assert "0 attacks" in first
    assert "No kratom recorded in this period." in first
