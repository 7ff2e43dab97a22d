"""History: every attack and dose, newest first, for the owner and a read-only share, never a stranger."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relief.diary.services import Pain, log_attack
from relief.sharing.services import create_link_share, revoke_share
from relief.treatments.services import log_dose
from tests.access.people import new_marker, profile_id, share_with
from tests.factories import at, make_dose, make_product, make_user, substance
from tests.web.helpers import signed_in

HISTORY = "/diary/history/"


def shared_history(owner) -> str:
    return reverse("diary:shared_history", args=[profile_id(owner)])


def a_migraine_and_two_doses(owner, *, product_name: str = "Red Bali powder"):
    """A migraine on 3 October with ibuprofen in it, and kratom just after local midnight on 6 October."""
    attack = log_attack(
        owner,
        started_at=at("2026-10-03T08:00Z"),
        ended_at=at("2026-10-03T11:30Z"),
        believed_migraine=True,
        pain=[Pain(at=at("2026-10-03T08:30Z"), nrs=7), Pain(at=at("2026-10-03T10:00Z"), nrs=4)],
    ).entry
    ibuprofen = log_dose(
        owner,
        substance=substance("ibuprofen"),
        amount=400,
        unit="mg",
        taken_at=at("2026-10-03T09:00Z"),
        attack=attack,
        outcome={"pain_2h": 2},
    ).entry
    kratom = make_dose(
        owner, amount=3, taken_at=at("2026-10-05T22:30Z"), product=make_product(owner, name=product_name)
    )
    return attack, ibuprofen, kratom


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_the_owner_sees_attacks_and_doses_newest_first_in_their_own_time_zone():
    alice = make_user("alice", time_zone="Europe/Berlin")
    a_migraine_and_two_doses(alice)

    page = text(signed_in(alice).get(HISTORY))

    kratom, ibuprofen, migraine = (page.index(s) for s in ("Kratom 3 g", "Ibuprofen 400 mg", "Migraine"))
    assert kratom < ibuprofen < migraine
    assert "Tue 6 Oct 2026</a> 00:30" in page  # 22:30 UTC is already the next day in Berlin
    assert "Sat 3 Oct 2026</a> 10:00" in page
    assert "3 h 30 min" in page
    assert "worst pain 7/10" in page
    assert "Ibuprofen 400 mg at 11:00" in page  # the dose taken in the attack, on the attack's row
    assert "pain 2 after 2 h" in page
    assert "Red Bali powder" in page


@pytest.mark.django_db
def test_an_attack_without_an_end_is_ongoing():
    alice = make_user("alice")
    log_attack(alice, started_at=at("2026-10-03T08:00Z"))

    assert '<span class="tag">ongoing</span>' in text(signed_in(alice).get(HISTORY))


@pytest.mark.django_db
def test_each_row_links_to_its_edit_page_and_to_its_local_day_for_the_owner():
    alice = make_user("alice", time_zone="Europe/Berlin")
    attack, ibuprofen, kratom = a_migraine_and_two_doses(alice)

    page = text(signed_in(alice).get(HISTORY))

    assert reverse("diary:attack_edit", args=[attack.pk]) in page
    assert reverse("treatments:dose_edit", args=[ibuprofen.pk]) in page
    assert reverse("treatments:dose_edit", args=[kratom.pk]) in page
    assert reverse("day", args=["2026-10-06"]) in page
    assert reverse("day", args=["2026-10-03"]) in page


@pytest.mark.django_db
def test_the_period_is_read_in_local_days():
    alice = make_user("alice", time_zone="Europe/Berlin")
    a_migraine_and_two_doses(alice)
    client = signed_in(alice)

    sixth = text(client.get(HISTORY, {"from": "2026-10-06", "to": "2026-10-06"}))
    fifth = text(client.get(HISTORY, {"from": "2026-10-05", "to": "2026-10-05"}))
    until_the_fourth = text(client.get(HISTORY, {"to": "2026-10-04"}))

    assert "Kratom" in sixth and "Migraine" not in sixth
    assert "Kratom" not in fifth and "Nothing logged in this period" in fifth
    assert "Migraine" in until_the_fourth and "Kratom 3 g" not in until_the_fourth


@pytest.mark.django_db
def test_an_unreadable_period_is_refused_with_the_reason():
    client = signed_in(make_user("alice"))

    response = client.get(HISTORY, {"from": "2026-10-06", "to": "2026-10-01"})

    assert response.status_code == 400
    assert "the end 2026-10-01 is before the start 2026-10-06" in text(response)


@pytest.mark.django_db
def test_the_kind_filter_shows_only_attacks_or_only_doses():
    alice = make_user("alice")
    a_migraine_and_two_doses(alice)
    client = signed_in(alice)

    attacks = text(client.get(HISTORY, {"kind": "attacks"}))
    doses = text(client.get(HISTORY, {"kind": "doses"}))
    everything = text(client.get(HISTORY, {"kind": "nonsense"}))

    assert "Migraine" in attacks and "Kratom 3 g" not in attacks
    assert "Migraine" not in doses and "Kratom 3 g" in doses and "Ibuprofen 400 mg" in doses
    assert "Migraine" in everything and "Kratom 3 g" in everything


@pytest.mark.django_db
def test_fifty_entries_a_page_and_the_filters_follow_to_the_next_page():
    alice = make_user("alice")
    start = at("2026-01-01T12:00Z")
    for n in range(60):
        make_dose(alice, amount=1 + n / 100, taken_at=start + timedelta(days=n))
    client = signed_in(alice)

    first = client.get(HISTORY, {"kind": "doses"})
    second = client.get(HISTORY, {"kind": "doses", "page": 2})

    assert len(first.context["rows"]) == 50
    assert 'href="?kind=doses&amp;page=2"' in text(first)
    assert "Kratom 1.59 g" in text(first)  # the newest
    assert len(second.context["rows"]) == 10
    assert "Kratom 1 g" in text(second)  # the oldest
    assert "Page 2 of 2" in text(second)


@pytest.mark.django_db
def test_entries_logged_at_the_same_moment_are_neither_repeated_nor_lost_across_pages():
    alice = make_user("alice")
    when = at("2026-10-03T08:00Z")
    logged = {make_dose(alice, taken_at=when).pk for _ in range(55)}
    client = signed_in(alice)

    shown = [row.entry.pk for page in (1, 2) for row in client.get(HISTORY, {"page": page}).context["rows"]]

    assert len(shown) == 55 and set(shown) == logged


@pytest.mark.django_db
def test_htmx_gets_only_the_list():
    alice = make_user("alice")
    a_migraine_and_two_doses(alice)

    response = signed_in(alice).get(HISTORY, {"kind": "attacks"}, headers={"HX-Request": "true"})

    assert text(response).strip().startswith('<div id="history-results">')
    assert "Migraine" in text(response) and "<html" not in text(response)


@pytest.mark.django_db
def test_the_page_needs_the_same_few_queries_for_ten_or_sixty_entries():
    alice = make_user("alice")
    client = signed_in(alice)
    start = at("2026-01-01T12:00Z")

    def add(entries: int, offset: int) -> None:
        for n in range(offset, offset + entries, 2):
            when = start + timedelta(days=n)
            attack = log_attack(
                alice, started_at=when, pain=[Pain(at=when + timedelta(minutes=30), nrs=6)]
            ).entry
            make_dose(alice, "ibuprofen", amount=400, unit="mg", taken_at=when, attack=attack)
            log_dose(
                alice,
                substance=substance("kratom"),
                amount=2,
                unit="g",
                taken_at=when + timedelta(hours=3),
                product=make_product(alice, name=f"Product {n}"),
                outcome={"pain_2h": 3},
            )

    add(4, 0)  # 2 attacks and 4 doses
    client.get(HISTORY)  # a first visit fills per-process caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(HISTORY).status_code == 200
    add(36, 4)  # 20 attacks and 40 doses in all
    with CaptureQueriesContext(connection) as many:
        response = client.get(HISTORY)

    assert len(response.context["rows"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_a_share_reader_sees_the_entries_but_no_edit_or_day_links():
    alice, clinician = make_user("alice", time_zone="Europe/Berlin"), make_user("clinician")
    attack, ibuprofen, kratom = a_migraine_and_two_doses(alice)
    share_with(alice, clinician)

    response = signed_in(clinician).get(shared_history(alice))

    page = text(response)
    assert response.status_code == 200
    assert "Migraine" in page and "Kratom 3 g" in page and "Tue 6 Oct 2026</a> 00:30" in page
    assert reverse("diary:attack_edit", args=[attack.pk]) not in page
    assert reverse("treatments:dose_edit", args=[kratom.pk]) not in page
    assert reverse("treatments:dose_edit", args=[ibuprofen.pk]) not in page
    assert reverse("day", args=["2026-10-06"]) not in page
    assert "Read-only journal of alice" in page


@pytest.mark.django_db
def test_a_link_share_reads_the_history_without_an_account():
    alice = make_user("alice")
    a_migraine_and_two_doses(alice)
    _, token = create_link_share(alice, label="Dr Weber")

    response = Client().get(reverse("diary:shared_history", args=[token]), {"kind": "doses"})

    assert response.status_code == 200
    assert "Kratom 3 g" in text(response) and "Migraine" not in text(response)
    assert "/edit/" not in text(response)


@pytest.mark.django_db
def test_a_stranger_gets_a_404_and_never_the_owners_entries():
    alice, stranger = make_user("alice"), make_user("stranger")
    marker = new_marker()
    a_migraine_and_two_doses(alice, product_name=marker)

    through_alices_id = signed_in(stranger).get(shared_history(alice))
    own_history = signed_in(stranger).get(HISTORY)
    logged_out = Client().get(shared_history(alice))

    assert through_alices_id.status_code == 404 and marker not in text(through_alices_id)
    assert own_history.status_code == 200 and marker not in text(own_history)
    assert logged_out.status_code == 404 and marker not in text(logged_out)


@pytest.mark.django_db
def test_a_logged_out_visitor_is_sent_to_sign_in():
    response = Client().get(HISTORY)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_revoked_share_reads_nothing_any_more():
    alice, clinician = make_user("alice"), make_user("clinician")
    marker = new_marker()
    a_migraine_and_two_doses(alice, product_name=marker)
    share = share_with(alice, clinician)
    revoke_share(alice, share)

    response = signed_in(clinician).get(shared_history(alice))

    assert response.status_code == 404 and marker not in text(response)


@pytest.mark.django_db
def test_neither_the_owner_nor_a_reader_sees_anyone_elses_rows():
    alice, bob, clinician = make_user("alice"), make_user("bob"), make_user("clinician")
    marker = new_marker()
    a_migraine_and_two_doses(alice)
    a_migraine_and_two_doses(bob, product_name=marker)
    a_migraine_and_two_doses(clinician, product_name=marker)
    share_with(alice, clinician)

    own = signed_in(alice).get(HISTORY)
    shared = signed_in(clinician).get(shared_history(alice))

    assert len(own.context["rows"]) == 3 and marker not in text(own)
    assert len(shared.context["rows"]) == 3 and marker not in text(shared)


@pytest.mark.django_db
def test_an_empty_history_invites_to_log_the_first_attack():
    alice, clinician = make_user("alice"), make_user("clinician")
    share_with(alice, clinician)

    own = text(signed_in(alice).get(HISTORY))
    shared = text(signed_in(clinician).get(shared_history(alice)))

    assert "Log your first attack" in own and reverse("diary:attack_new") in own
    assert "Nothing has been logged yet" in shared and reverse("diary:attack_new") not in shared


@pytest.mark.django_db
def test_the_log_page_and_the_calendar_link_to_the_history():
    client = signed_in(make_user("alice"))

    assert f'href="{HISTORY}"' in text(client.get(reverse("log")))
    assert f'href="{HISTORY}"' in text(client.get(reverse("calendar")))
