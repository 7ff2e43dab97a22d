"""The decorator other pages use to be readable through a share."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from relief.core.access import read_view
from relief.sharing.models import ShareAccess
from relief.sharing.services import create_link_share
from tests.access.people import profile_id, share_with
from tests.factories import make_user


@read_view
def page(request, owner, share):
    zone = timezone.get_current_timezone_name()
    return HttpResponse(f"{owner.username} {share.label if share else 'own'} {zone} {request.reader_who}")


def request(method, user):
    made = RequestFactory().generic(method, "/some/page/")
    made.user = user
    return made


@pytest.mark.django_db
def test_the_owner_reads_and_writes_their_own_page_in_their_own_time_zone():
    owner = make_user(time_zone="Europe/Berlin")

    for method in ("GET", "POST"):
        response = page(request(method, owner), who=profile_id(owner))
        assert response.content.decode() == f"{owner.username} own Europe/Berlin {profile_id(owner)}"
    assert not ShareAccess.objects.exists()


@pytest.mark.django_db
def test_a_share_reads_in_the_owners_time_zone_and_every_visit_is_logged():
    owner, clinician = make_user(time_zone="America/Chicago"), make_user()
    share = share_with(owner, clinician)

    response = page(request("GET", clinician), who=profile_id(owner))

    assert response.content.decode().startswith(f"{owner.username} Dr Reader America/Chicago")
    assert ShareAccess.objects.get(share=share).path == "/some/page/"


@pytest.mark.django_db
def test_a_share_may_not_write_even_where_the_page_accepts_writes():
    owner, clinician = make_user(), make_user()
    share_with(owner, clinician)
    _, token = create_link_share(owner, label="Dr Weber")

    with pytest.raises(PermissionDenied):
        page(request("POST", clinician), who=profile_id(owner))
    with pytest.raises(PermissionDenied):
        page(request("DELETE", AnonymousUser()), who=token)


@pytest.mark.django_db
def test_a_stranger_and_a_visitor_get_404_whatever_they_try():
    owner, stranger = make_user(), make_user()
    _, token = create_link_share(owner, label="Dr Weber")

    for user in (stranger, AnonymousUser()):
        for who in (profile_id(owner), "not-a-token", token[:-1], str(owner.pk)):
            with pytest.raises(Http404):
                page(request("GET", user), who=who)
