"""Named warnings and errors of the analysis library."""

from __future__ import annotations


class InsufficientDataWarning(UserWarning):
    """The diary does not (yet) hold enough data for a trustworthy estimate.

    Estimators still return a result; the affected rows carry a
    ``not_enough_data`` verdict and a note saying what is missing.
    """


class NotFittedError(RuntimeError):
    """``summary()`` or a result attribute was used before ``fit()``."""
