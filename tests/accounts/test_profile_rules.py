import pytest
from django.core.exceptions import ValidationError

from relief.accounts.services import AccountError, get_profile, resolve_user
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_profile_refuses_an_unknown_time_zone_and_a_bad_country_code():
    profile = get_profile(make_user())
    profile.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as err:
        profile.full_clean()
    assert "IANA" in err.value.message_dict["time_zone"][0]
    profile.time_zone, profile.country = "Europe/Berlin", "Germany"
    with pytest.raises(ValidationError) as err:
        profile.full_clean()
    assert "country" in err.value.message_dict


def test_a_birth_year_must_be_plausible():
    profile = get_profile(make_user())
    profile.birth_year = 1850
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_with_one_account_it_is_the_default_and_with_several_the_cli_asks_for_one():
    alone = make_user("alone")
    assert resolve_user(None) == alone
    make_user("second")
    with pytest.raises(AccountError, match="--user NAME"):
        resolve_user(None)
    assert resolve_user("second").username == "second"
    with pytest.raises(AccountError, match="relief user create nobody"):
        resolve_user("nobody")
