"""Shared estimator conventions: fit() returns self, summary() needs fit(), config from a dict."""

from __future__ import annotations

import pytest

from relief.analysis import AnalysisConfig
from relief.analysis.classify import DiaryClassification
from relief.analysis.exceptions import InsufficientDataWarning, NotFittedError
from relief.analysis.frequency import FrequencyAnalysis
from relief.analysis.simulate import simulate_diary
from relief.analysis.tolerance import ToleranceAnalysis
from relief.analysis.treatments import TreatmentAnalysis
from relief.analysis.triggers import TriggerAnalysis

ESTIMATORS = [FrequencyAnalysis, TriggerAnalysis, TreatmentAnalysis, ToleranceAnalysis, DiaryClassification]


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_summary_before_fit_is_refused(estimator) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFittedError):
        estimator().summary()


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_fit_returns_the_estimator_and_summary_is_a_table(estimator) -> None:  # type: ignore[no-untyped-def]
    diary = simulate_diary(200, seed=9).diary
    fitted = estimator().fit(diary)
    assert isinstance(fitted, estimator)
    assert len(fitted.summary()) > 0


def test_the_insufficient_data_warning_is_a_user_warning_that_can_be_filtered() -> None:
    assert issubclass(InsufficientDataWarning, UserWarning)


def test_a_config_dict_sets_bands_minimum_and_fdr() -> None:
    cfg = AnalysisConfig.from_dict(
        {
            "fdr": 0.1,
            "lags": [0, 1],
            "minimum": {"attacks": 20},
            "kratom_bands": [["low", 0, 4], ["high", 4, 100]],
            "migraine_day": {"min_duration_h": 4.0},
        }
    )
    assert cfg.fdr == 0.1
    assert cfg.lags == (0, 1)
    assert cfg.minimum.attacks == 20
    assert [b[0] for b in cfg.kratom_bands] == ["low", "high"]
    assert cfg.migraine_day.min_duration_h == 4.0
