from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from relief.diary.models import Attack
from relief.diary.services import log_attack
from tests.factories import ago, make_user


@pytest.mark.django_db
def test_it_refuses_an_attack_that_ends_before_it_starts():
    user = make_user()
    start = ago(hours=2)
    with pytest.raises(ValidationError) as err:
        log_attack(user, started_at=start, ended_at=start - timedelta(minutes=5))
    assert "ended_at" in err.value.message_dict
    assert "before the start" in err.value.message_dict["ended_at"][0]
    assert Attack.objects.count() == 0
