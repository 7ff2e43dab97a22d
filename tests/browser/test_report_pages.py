"""The clinician report, insights and safety pages as a person sees them, on a phone and a desktop."""

import pytest
from django.contrib.auth.models import User

from relief.diary.demo import create_demo
from relief.exchange.tasks import build_report_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("report", "/exchange/report/", "One-minute summary"),
    ("insights", "/insights/", "Your questions, answered from your diary"),
    ("safety", "/safety/", "Information, not medical advice"),
]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_each_report_page_renders_its_charts_is_accessible_and_stays_on_this_server(size, request):
    session = request.getfixturevalue(size)
    create_demo("reader", days=200, seed=6)
    build_report_pdf(User.objects.get(username="reader").pk, "..")  # the worker's job: insights and PDF
    session.sign_in(User.objects.get(username="reader"))
    for name, path, heading in PAGES:
        session.open(path)
        session.page.get_by_text(heading).first.wait_for()
        broken = session.page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length"
        )
        assert broken == 0, f"{name}: {broken} image(s) did not render"
        width = session.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{name} is {width[0]} px wide on a {width[1]} px screen"
        session.screenshot(f"{name}-{size}")
        if name == "insights" and size == "phone":
            # answers first, details folded away: the page fits a few phone screens
            height = session.page.evaluate("document.documentElement.scrollHeight")
            assert height <= 5 * 844, f"the insights page is {height} px tall on a phone"
        if name == "report":
            _long_sections_fold_on_a_phone_and_open_on_a_desktop_and_in_print(session, size)
        assert session.serious_accessibility_problems() == [], name


def _long_sections_fold_on_a_phone_and_open_on_a_desktop_and_in_print(session, size) -> None:  # type: ignore[no-untyped-def]
    opened = "[document.querySelectorAll('details.section').length, document.querySelectorAll('details.section[open]').length]"
    sections, open_now = session.page.evaluate(f"() => {opened}")
    assert sections >= 5  # ICHD-3, treatments, triggers, side effects, products, charts
    if size == "desktop":
        assert open_now == sections
        return
    assert open_now == 0
    # the questions and the one-minute summary come first; the rest is one tap away
    height = session.page.evaluate("() => document.documentElement.scrollHeight")
    assert height <= 9 * 844, f"the report page is {height} px tall on a phone"
    session.page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert session.page.evaluate(f"() => {opened}") == [sections, sections]
