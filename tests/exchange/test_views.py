import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from relief.diary.models import Attack, DayRecord
from relief.exchange.models import PendingImport
from tests.access.people import share_with
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_attack, make_user

pytestmark = pytest.mark.django_db


def csrf_client(user) -> Client:
    """A client that enforces CSRF like a browser: it reads the token from a page first."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("exchange:import"))
    return client


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, headers={"X-CSRFToken": client.cookies["csrftoken"].value})


def upload(client: Client, name: str, fmt: str, content: bytes | None = None):
    data = content if content is not None else (SAMPLES / name).read_bytes()
    return post(client, reverse("exchange:import"), {"file": SimpleUploadedFile(name, data), "format": fmt})


def test_the_owner_sees_a_preview_and_nothing_is_saved_until_they_confirm():
    with_catalogue()
    owner = make_user()
    client = csrf_client(owner)
    response = upload(client, "headi.csv", "headi")
    assert response.status_code == 200
    page = response.content.decode()
    assert "What will be imported" in page
    assert "Ibuprofen" in page
    assert Attack.objects.filter(user=owner).count() == 0
    pending = PendingImport.objects.get(user=owner)
    response = post(client, reverse("exchange:import_confirm", args=[pending.pk]))
    assert response.status_code == 302
    assert Attack.objects.filter(user=owner).count() == 3
    assert not PendingImport.objects.filter(pk=pending.pk).exists()


def test_a_file_with_bad_lines_shows_each_line_and_offers_no_import_button():
    with_catalogue()
    owner = make_user()
    page = upload(csrf_client(owner), "headi_broken.csv", "headi").content.decode()
    assert "Nothing can be imported yet" in page
    assert "is before start_date" in page
    assert "/confirm/" not in page
    assert not PendingImport.objects.filter(user=owner).exists()


def test_a_file_of_the_wrong_format_is_refused_with_the_reason():
    owner = make_user()
    response = upload(csrf_client(owner), "x.csv", "headi", b"Date,Type\n1-1-2020,0\n")
    assert response.status_code == 400
    assert "does not look like a Headi file" in response.content.decode()


def test_person_written_text_in_the_preview_is_escaped():
    with_catalogue()
    owner = make_user()
    content = b"Date,Medication\n1-2-2020,<script>alert(1)</script>\n"
    page = upload(csrf_client(owner), "x.csv", "generic", content).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_import_page_carries_a_progress_indicator_and_a_real_form_action():
    with_catalogue()
    owner = make_user()
    page = upload(csrf_client(owner), "headi.csv", "headi").content.decode()
    assert "<progress" in page
    assert 'hx-indicator="#import-progress"' in page
    assert 'action="/exchange/import/' in page


@pytest.mark.parametrize("who", ["clinician", "stranger"])
def test_no_one_but_the_owner_can_confirm_an_import(who):
    with_catalogue()
    owner, other = make_user(), make_user()
    if who == "clinician":
        share_with(owner, other)
    upload(csrf_client(owner), "headi.csv", "headi")
    pending = PendingImport.objects.get(user=owner)
    response = post(csrf_client(other), reverse("exchange:import_confirm", args=[pending.pk]))
    assert response.status_code == 404
    assert Attack.objects.count() == 0
    assert PendingImport.objects.filter(pk=pending.pk).exists()


@pytest.mark.parametrize("who", ["owner", "clinician", "stranger"])
def test_exports_hold_only_the_signed_in_persons_own_journal(who):
    with_catalogue()
    owner = make_user()
    make_attack(owner, notes="owner-secret")
    viewer = owner if who == "owner" else make_user()
    if who == "clinician":
        share_with(owner, viewer)
    client = Client()
    client.force_login(viewer)
    fhir = client.get(reverse("exchange:export_fhir"))
    assert fhir.status_code == 200
    assert ("owner-secret" in fhir.content.decode()) is (who == "owner")
    assert json.loads(fhir.content)["resourceType"] == "Bundle"
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("exchange:export_csv")).content))
    attacks = archive.read("attacks.csv").decode()
    assert ("owner-secret" in attacks) is (who == "owner")


def test_signed_out_visitors_are_sent_to_the_login_page():
    for name in ("exchange:index", "exchange:import", "exchange:export_fhir", "exchange:export_csv"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_windows_1252_file_is_saved_as_it_was_previewed():
    with_catalogue()
    owner = make_user()
    client = csrf_client(owner)
    content = "Date,Medication\n1-2-2020,Ibuprofène\n".encode("cp1252")
    assert "Ibuprofène" in upload(client, "liste.csv", "generic", content).content.decode()
    upload(client, "liste.csv", "generic", content)  # a second check replaces the first waiting upload
    pending = PendingImport.objects.get(user=owner)
    post(client, reverse("exchange:import_confirm", args=[pending.pk]))
    dose = Attack.objects.get(user=owner).doses.get()
    assert dose.substance.key == "ibuprofen"
    assert "'Ibuprofène'" in dose.notes


def upload_auto(client: Client, name: str, content: bytes | None = None, **fields):
    data = content if content is not None else (SAMPLES / name).read_bytes()
    return post(client, reverse("exchange:import"), {"file": SimpleUploadedFile(name, data), **fields})


def test_a_file_uploaded_without_choosing_the_app_is_recognised_and_previewed():
    with_catalogue()
    owner = make_user(time_zone="Europe/Berlin")
    page = upload_auto(csrf_client(owner), "migraine_buddy.csv", format="auto").content.decode()
    assert "Recognised as <strong>a Migraine Buddy export" in page
    assert "Columns not imported, and why" in page and "Geohash" in page
    assert "How the first entries will appear" in page
    assert "Mum&#x27;s ginger tea" in page  # a new substance is named before it is made
    assert PendingImport.objects.get(user=owner).format == "migraine-buddy"


def test_a_file_nobody_can_recognise_is_refused_with_the_formats_to_choose_from():
    owner = make_user()
    response = upload_auto(csrf_client(owner), "odd.csv", b"colour,size\nred,3\n", format="auto")
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot tell what kind of file this is" in page
    assert "migraine-buddy" in page and "--format" in page


def test_the_web_import_takes_one_persons_rows_of_a_study_file():
    with_catalogue()
    owner = make_user()
    client = csrf_client(owner)
    page = upload_auto(
        client, "daily_headache_study.csv", format="auto", mapping="day1=2025-03-01", person="P02"
    ).content.decode()
    assert "People in this file: <code>P01</code>, <code>P02</code>, <code>P07</code>" in page
    pending = PendingImport.objects.get(user=owner)
    post(client, reverse("exchange:import_confirm", args=[pending.pk]))
    assert DayRecord.objects.filter(user=owner).count() == 56


def test_a_big_file_is_saved_in_the_background_with_a_progress_page(monkeypatch):
    from relief.core import tasks
    from relief.exchange import tasks as import_tasks

    monkeypatch.setattr(import_tasks, "BACKGROUND_ENTRIES", 5)
    tasks.huey.flush()
    with_catalogue()
    owner = make_user(time_zone="Europe/Berlin")
    client = csrf_client(owner)
    upload_auto(client, "migraine_buddy.csv", format="auto")
    pending = PendingImport.objects.get(user=owner)
    page = post(client, reverse("exchange:import_confirm", args=[pending.pk])).content.decode()
    assert "<progress" in page and reverse("exchange:import_status", args=[pending.pk]) in page
    assert 'hx-trigger="every 1s"' in page
    assert Attack.objects.filter(user=owner).count() == 0
    queued = tasks.huey.dequeue()  # what the worker would run (its hooks would close the test's connection)
    assert queued.name.endswith("import_pending_task") and queued.args == (str(pending.pk),)
    import_tasks.run_pending(*queued.args)
    assert Attack.objects.filter(user=owner).count() == 15
    done = client.get(reverse("exchange:import_status", args=[pending.pk]), headers={"HX-Request": "true"})
    text = done.content.decode()
    assert "Imported migraine_buddy.csv: 15 attacks" in text
    assert "every 1s" not in text  # polling stops
    assert PendingImport.objects.get(pk=pending.pk).content == ""  # the file is not kept


def test_progress_is_read_from_outside_the_import_transaction():
    from relief.exchange import tasks as import_tasks

    import_tasks.write_progress("abc", 40, 160)
    assert import_tasks.read_progress("abc") == (40, 160)
    assert import_tasks.read_progress("never-written") is None


@pytest.mark.parametrize("who", ["clinician", "stranger"])
def test_no_one_but_the_owner_sees_an_imports_progress(who):
    with_catalogue()
    owner, other = make_user(), make_user()
    if who == "clinician":
        share_with(owner, other)
    upload(csrf_client(owner), "headi.csv", "headi")
    pending = PendingImport.objects.get(user=owner)
    PendingImport.objects.filter(pk=pending.pk).update(status="running")
    client = Client()
    client.force_login(other)
    assert client.get(reverse("exchange:import_status", args=[pending.pk])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("exchange:import_status", args=[pending.pk])).status_code == 200


def test_the_projects_own_json_export_is_recognised_previewed_and_imported_on_the_page():
    from relief.exchange.jsonformat import dumps, export_document

    with_catalogue()
    source = make_user()
    make_attack(source, notes="from the old server")
    content = dumps(export_document(source)).encode()
    source.delete()
    owner = make_user()
    client = csrf_client(owner)
    page = upload_auto(client, "journal.json", content, format="auto").content.decode()
    assert "Recognised as <strong>a Relief Journal export" in page
    assert "1 attack" in page
    assert Attack.objects.filter(user=owner).count() == 0
    pending = PendingImport.objects.get(user=owner)
    assert post(client, reverse("exchange:import_confirm", args=[pending.pk])).status_code == 302
    assert Attack.objects.get(user=owner).notes == "from the old server"
