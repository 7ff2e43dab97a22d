"""Small helpers for the exchange tests: the built-in catalogue and sample paths."""

from __future__ import annotations

from pathlib import Path

from relief.treatments.catalogue import sync_catalogue
from relief.treatments.models import Substance

SAMPLES = Path(__file__).with_name("samples")
REAL_LOG = SAMPLES / "real" / "personal_migraine_log_2018_2020.csv"  # provenance: samples/real/README.md


def with_catalogue() -> None:
    """Load the built-in substances (migrations do not, in tests)."""
    if not Substance.objects.filter(key="kratom").exists():
        sync_catalogue(Substance)
