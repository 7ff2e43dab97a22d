"""Products with batches and lab reports, side effects, factors and questionnaires: owner and stranger."""

import pytest
from django.urls import reverse

from relief.diary.models import FactorTag, QuestionnaireResponse, SideEffect
from relief.products.models import Batch, LabReport, Product
from tests.factories import (
    ago,
    make_batch,
    make_dose,
    make_lab_report,
    make_product,
    make_side_effect,
    make_user,
    substance,
)
from tests.web.helpers import post_form, signed_in, strict


@pytest.mark.django_db
def test_a_product_gets_a_batch_and_a_lab_report():
    alice = make_user("alice")
    client = strict(alice)
    data = {
        "substance": substance("kratom").pk,
        "vendor": "Leafy",
        "name": "Green Malay",
        "form": "leaf_powder",
    }
    assert post_form(client, reverse("products:new"), data).status_code == 302
    product = Product.objects.get(user=alice)
    batch_data = {"lot_number": "GM-7", "purchase_date": "2026-10-01", "amount_bought_g": "250"}
    post_form(client, reverse("products:batch_new", args=[product.pk]), batch_data)
    batch = Batch.objects.get(product=product)
    report = {
        "lab": "Acme Labs",
        "mitragynine_mg_per_g": "15",
        "lead_ppm": "0.2",
        "salmonella_detected": "false",
    }
    post_form(client, reverse("products:report_new", args=[batch.pk]), report)
    saved = LabReport.objects.get(batch=batch)
    assert (saved.mitragynine_mg_per_g, saved.salmonella_detected) == (15, False)
    page = client.get(reverse("products:detail", args=[product.pk])).content.decode()
    assert "GM-7" in page and "Acme Labs" in page


@pytest.mark.django_db
def test_the_product_page_says_what_each_batchs_lab_report_shows_with_its_sources():
    alice = make_user("alice")
    product = make_product(alice, name="Bulk powder")
    tested = make_batch(product, "BP-1")
    make_lab_report(tested, test_date=ago(days=30).date(), lead_ppm=1.5, salmonella_detected=True)
    make_batch(product, "BP-2")
    page = strict(alice).get(reverse("products:detail", args=[product.pk])).content.decode()
    first, second = page.split("Lot BP-1")[1].split("Lot BP-2")
    assert "Lab results over the Utah kratom limits" in first and "alert-unsafe" in first
    assert "No lab report for this batch" in second and "over the Utah" not in second
    assert page.count("Sources") == 2


@pytest.mark.django_db
def test_implausible_lab_values_are_refused_with_the_reason():
    alice = make_user("alice")
    batch = make_batch(make_product(alice))
    data = {"mitragynine_mg_per_g": "1", "seven_oh_mg_per_g": "50"}
    response = signed_in(alice).post(reverse("products:report_new", args=[batch.pk]), data)
    assert response.status_code == 200
    assert "ten times" in response.content.decode()


@pytest.mark.django_db
def test_products_batches_and_reports_are_edited_and_deleted():
    alice = make_user("alice")
    product = make_product(alice)
    batch = make_batch(product)
    report = make_lab_report(batch, lab="Old lab")
    client = signed_in(alice)
    client.post(reverse("products:report_edit", args=[report.pk]), {"lab": "New lab"})
    report.refresh_from_db()
    assert report.lab == "New lab"
    client.post(reverse("products:batch_edit", args=[batch.pk]), {"lot_number": "B-2"})
    batch.refresh_from_db()
    assert batch.lot_number == "B-2"
    dose = make_dose(alice, product=product, batch=batch)
    client.post(reverse("products:delete", args=[product.pk]))
    assert not Product.objects.exists() and not LabReport.objects.exists()
    dose.refresh_from_db()
    assert dose.product is None


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["detail", "edit", "delete", "batch_new"])
def test_a_stranger_gets_404_for_someone_elses_product(name):
    product = make_product(make_user("alice"))
    client = signed_in(make_user("mallory"))
    assert client.get(reverse(f"products:{name}", args=[product.pk])).status_code == 404
    assert client.post(reverse(f"products:{name}", args=[product.pk]), {"name": "x"}).status_code == 404
    assert Product.objects.get(pk=product.pk).name == "Red Bali powder"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["batch_edit", "batch_delete", "report_new"])
def test_a_stranger_gets_404_for_someone_elses_batch(name):
    batch = make_batch(make_product(make_user("alice")))
    client = signed_in(make_user("mallory"))
    assert client.post(reverse(f"products:{name}", args=[batch.pk]), {"lab": "x"}).status_code == 404
    assert Batch.objects.filter(pk=batch.pk).exists() and not LabReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["report_edit", "report_delete"])
def test_a_stranger_gets_404_for_someone_elses_lab_report(name):
    report = make_lab_report(make_batch(make_product(make_user("alice"))), lab="Acme")
    client = signed_in(make_user("mallory"))
    assert client.post(reverse(f"products:{name}", args=[report.pk]), {"lab": "x"}).status_code == 404
    assert LabReport.objects.get(pk=report.pk).lab == "Acme"


@pytest.mark.django_db
def test_a_side_effect_is_logged_against_a_dose_changed_and_deleted():
    alice = make_user("alice")
    dose = make_dose(alice)
    client = strict(alice)
    data = {
        "symptom": "nausea",
        "severity": "moderate",
        "occurred_at": ago(minutes=20).strftime("%Y-%m-%dT%H:%M"),
        "dose": dose.pk,
    }
    assert post_form(client, reverse("diary:side_effect_new"), data).status_code == 302
    effect = SideEffect.objects.get(user=alice)
    assert (effect.dose, effect.severity) == (dose, "moderate")
    data.update(severity="mild")
    post_form(client, reverse("diary:side_effect_edit", args=[effect.pk]), data)
    effect.refresh_from_db()
    assert effect.severity == "mild"
    post_form(client, reverse("diary:side_effect_delete", args=[effect.pk]), {})
    assert not SideEffect.objects.exists()


@pytest.mark.django_db
def test_other_as_a_symptom_needs_its_name():
    alice = make_user("alice")
    data = {"symptom": "other", "severity": "mild", "occurred_at": ago(minutes=5).strftime("%Y-%m-%dT%H:%M")}
    response = signed_in(alice).post(reverse("diary:side_effect_new"), data)
    assert "name the symptom" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["side_effect_edit", "side_effect_delete"])
def test_a_stranger_gets_404_for_someone_elses_side_effect(name):
    effect = make_side_effect(make_user("alice"))
    client = signed_in(make_user("mallory"))
    assert client.get(reverse(f"diary:{name}", args=[effect.pk])).status_code == 404
    assert client.post(reverse(f"diary:{name}", args=[effect.pk])).status_code == 404
    assert SideEffect.objects.filter(pk=effect.pk).exists()


@pytest.mark.django_db
def test_factors_are_added_renamed_hidden_and_deleted():
    alice = make_user("alice")
    client = strict(alice)
    post_form(client, reverse("diary:factors"), {"name": "Coffee", "unit": "cups", "tracked": "on"})
    tag = FactorTag.objects.get(user=alice)
    assert tag.unit == "cups"
    post_form(
        client, reverse("diary:factor_edit", args=[tag.pk]), {"name": "Coffee after 2 pm", "unit": "cups"}
    )
    tag.refresh_from_db()
    assert (tag.name, tag.tracked) == ("Coffee after 2 pm", False)
    post_form(client, reverse("diary:factor_delete", args=[tag.pk]), {})
    assert not FactorTag.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["factor_edit", "factor_delete"])
def test_a_stranger_gets_404_for_someone_elses_factor(name):
    tag = FactorTag.objects.create(user=make_user("alice"), name="Coffee")
    assert signed_in(make_user("mallory")).post(reverse(f"diary:{name}", args=[tag.pk])).status_code == 404


@pytest.mark.django_db
def test_a_hit6_answer_set_is_scored_and_listed():
    alice = make_user("alice")
    client = strict(alice)
    answers = {f"q{n}": "2" for n in range(1, 7)}
    response = post_form(client, reverse("diary:questionnaire_new", args=["hit6"]), answers)
    assert response.status_code == 302
    assert QuestionnaireResponse.objects.get(user=alice).score == 60
    assert "score <strong>60</strong>" in client.get(reverse("diary:questionnaires")).content.decode()


@pytest.mark.django_db
def test_midas_asks_for_day_counts_and_refuses_more_than_ninety():
    alice = make_user("alice")
    answers = {f"q{n}": "3" for n in range(1, 8)} | {"q1": "120"}
    response = signed_in(alice).post(reverse("diary:questionnaire_new", args=["midas"]), answers)
    assert response.status_code == 200
    assert not QuestionnaireResponse.objects.exists()


@pytest.mark.django_db
def test_an_unknown_questionnaire_is_404_and_answers_are_the_owners():
    alice = make_user("alice")
    client = signed_in(alice)
    assert client.get(reverse("diary:questionnaire_new", args=["nope"])).status_code == 404
    client.post(reverse("diary:questionnaire_new", args=["sows"]), {f"q{n}": "1" for n in range(1, 17)})
    response = QuestionnaireResponse.objects.get(user=alice)
    url = reverse("diary:questionnaire_delete", args=[response.pk])
    assert signed_in(make_user("mallory")).post(url).status_code == 404
    assert client.post(url).status_code == 302


@pytest.mark.django_db
def test_questionnaire_answers_can_be_corrected():
    alice = make_user("alice")
    client = signed_in(alice)
    client.post(reverse("diary:questionnaire_new", args=["hit6"]), {f"q{n}": "0" for n in range(1, 7)})
    response = QuestionnaireResponse.objects.get(user=alice)
    assert client.get(reverse("diary:questionnaire_edit", args=[response.pk])).status_code == 200
    client.post(reverse("diary:questionnaire_edit", args=[response.pk]), {f"q{n}": "4" for n in range(1, 7)})
    response.refresh_from_db()
    assert response.score == 78
    stranger = signed_in(make_user("mallory"))
    assert stranger.get(reverse("diary:questionnaire_edit", args=[response.pk])).status_code == 404
