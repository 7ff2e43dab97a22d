"""The report page and its PDF download import no numeric or plotting library in the web process.

Run in a fresh interpreter, since the test process itself has imported them long before.
"""

from tests.insights.test_web_imports import heavy_modules_imported

SCRIPT = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from datetime import date, datetime, UTC
from django.test import Client
from relief.accounts.services import create_account, get_profile
from relief.exchange.models import StoredReport
from relief.insights.models import StoredInsights
from relief.insights.services import basis, diary_version
person = create_account("web", password=None, time_zone="UTC")
kept = dict(
    user=person, period="..", start=date(2026, 1, 1), end=date(2026, 1, 31),
    diary_version=diary_version(person), basis=basis(person, ".."), computed_at=datetime.now(UTC),
)
StoredInsights.objects.create(doc=sys.argv[1], charts=json.loads(sys.argv[2]), **kept)
StoredReport.objects.create(pdf=b"%PDF-1.4 stored by the worker", **kept)
client = Client()
client.force_login(person)
who = str(get_profile(person).pk)
page = client.get(f"/exchange/report/{who}/")
assert page.status_code == 200, page.status_code
assert b"One-minute summary" in page.content and b"Download the PDF" in page.content
pdf = client.get(f"/exchange/report/{who}/pdf/")
assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4 stored by the worker", pdf.status_code
client.get(f"/exchange/report/{who}/state/")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy})))
"""


def test_the_report_page_and_pdf_import_no_numeric_or_plotting_library():
    assert heavy_modules_imported(SCRIPT, "report") == []
