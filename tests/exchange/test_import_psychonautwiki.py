from datetime import UTC, datetime

import pytest

from relief.exchange.importers import ImportFormatError, import_text, run_import
from relief.treatments.models import CustomUnit, Dose
from tests.exchange.helpers import SAMPLES, with_catalogue
from tests.factories import make_user


@pytest.mark.django_db
def test_the_persons_own_ingestions_become_doses_at_their_epoch_millisecond_times():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "psychonautwiki.json", "psychonautwiki")
    assert report.ok, report.problems
    assert [p.line for p in report.skipped] == [3]  # logged for Sam
    doses = list(Dose.objects.filter(user=user).select_related("substance").order_by("taken_at"))
    assert len(doses) == 4
    first = doses[0]
    assert first.substance.key == "kratom"
    assert first.taken_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert (first.amount_g, first.stomach, first.route) == (3.0, "empty", "oral")
    assert "red vein" in first.notes
    assert doses[3].amount is None and doses[3].route == "buccal"  # unknown dose stays unknown


@pytest.mark.django_db
def test_custom_units_become_the_persons_units_so_capsules_convert_to_grams():
    with_catalogue()
    user = make_user()
    run_import(user, SAMPLES / "psychonautwiki.json", "psychonautwiki")
    unit = CustomUnit.objects.get(user=user)
    assert (unit.name, unit.grams) == ("capsule", 0.5)
    capsules = Dose.objects.get(user=user, unit="capsule")
    assert (capsules.amount, capsules.amount_g, capsules.is_estimate) == (4, 2.0, True)


@pytest.mark.django_db
def test_substances_outside_the_catalogue_become_the_persons_own():
    with_catalogue()
    user = make_user()
    run_import(user, SAMPLES / "psychonautwiki.json", "psychonautwiki")
    lotus = Dose.objects.get(user=user, substance__name="Blue lotus")
    assert lotus.substance.user == user
    assert lotus.route == "inhaled"


@pytest.mark.django_db
def test_a_broken_export_names_each_bad_ingestion_and_saves_nothing():
    with_catalogue()
    user = make_user()
    report = run_import(user, SAMPLES / "psychonautwiki_broken.json", "psychonautwiki")
    assert [p.line for p in report.problems] == [2, 3, 4, 5]
    assert "not plausible" in report.problems[-1].message  # 90 g in one dose
    assert Dose.objects.filter(user=user).count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_a_journal_export_is_refused():
    user = make_user()
    with pytest.raises(ImportFormatError, match="not JSON"):
        import_text(user, "Date,Type\n", "psychonautwiki")
    with pytest.raises(ImportFormatError, match="experiences"):
        import_text(user, '{"foo": []}', "psychonautwiki")
