"""Pure n-of-1 analysis library for Relief Journal.

This package never imports Django: it takes plain pandas data frames (see
:mod:`relief.analysis.frames`) and returns result objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import AnalysisConfig, analyze
    from .review import review_treatment

__all__ = ["AnalysisConfig", "analyze", "review_treatment"]


def __getattr__(name: str) -> Any:
    """Load the analysis on first use: ``relief.analysis.exceptions`` and friends stay light to import."""
    if name in ("AnalysisConfig", "analyze"):
        # lazy: pandas and SciPy load on first use (module __getattr__)
        from . import report

        return getattr(report, name)
    if name == "review_treatment":
        # lazy: pandas and SciPy load on first use (module __getattr__)
        from .review import review_treatment

        return review_treatment
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
