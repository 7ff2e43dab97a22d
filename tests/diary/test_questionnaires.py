import pytest
from django.core.exceptions import ValidationError

from relief.diary.models import QuestionnaireResponse
from relief.diary.services import log_questionnaire
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_scores_are_computed_from_the_item_answers():
    user = make_user()
    midas = log_questionnaire(user, instrument="midas", answers=[2, 3, 1, 4, 2, 12, 6]).entry
    hit6 = log_questionnaire(user, instrument="hit6", answers=[0, 1, 2, 3, 4, 2]).entry
    sows = log_questionnaire(user, instrument="sows", answers=[1] * 16).entry
    assert midas.score == 12  # Q1-Q5 only
    assert hit6.score == 6 + 8 + 10 + 11 + 13 + 10
    assert sows.score == 16


@pytest.mark.parametrize(
    ("instrument", "answers", "expected"),
    [
        ("hit6", [1, 2, 3], "needs 6 answers"),
        ("hit6", [0, 1, 2, 3, 4, 5], "outside 0-4"),
        ("sows", [0] * 15, "needs 16 answers"),
        ("midas", [1, 1, 1, 1, 1, 10, 11], "answer 7 is 11"),
        ("midas", [1, 1, 1, 1, -1, 10, 5], "answer 5 is -1"),
    ],
)
def test_wrong_answers_are_refused_with_what_the_questionnaire_needs(instrument, answers, expected):
    user = make_user()
    with pytest.raises(ValidationError) as err:
        log_questionnaire(user, instrument=instrument, answers=answers)
    assert expected in err.value.message_dict["answers"][0]
    assert QuestionnaireResponse.objects.count() == 0
