"""Pure n-of-1 analysis library for Relief Journal.

This package never imports Django: it takes plain pandas data frames (see
:mod:`relief.analysis.frames`) and returns result objects.
"""

from .report import AnalysisConfig, analyze
from .review import review_treatment

__all__ = ["AnalysisConfig", "analyze", "review_treatment"]
