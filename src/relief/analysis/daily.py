"""Per-day views of the attack list: onsets, the at-risk set and coverage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .frames import Diary


@dataclass(frozen=True)
class AttackDays:
    """Attack facts aligned with ``diary.days`` (position i = i-th day)."""

    onset: npt.NDArray[np.float64]
    """1.0 when an attack starts that day."""
    inside: npt.NDArray[np.bool_]
    """True when an attack that started on an earlier day is still going on."""
    covered: npt.NDArray[np.bool_]
    """True when any attack touches the day (headache day)."""
    first_day: npt.NDArray[np.int64]
    """Per attack (in ``diary.attacks`` order): index of its start day, -1 if outside the diary."""
    last_day: npt.NDArray[np.int64]
    """Per attack: index of its last day (clipped to the diary; open attacks run to the end)."""


def day_positions(days: pd.DataFrame, dates: pd.Series) -> npt.NDArray[np.int64]:
    """Index into ``days`` for each date (local calendar day); -1 when outside."""
    if len(days) == 0:
        return np.full(len(dates), -1, dtype=np.int64)
    first = pd.Timestamp(days["date"].iloc[0]).normalize()
    values = pd.to_datetime(dates)
    offsets = ((values.dt.normalize() - first).dt.days).to_numpy(dtype=np.float64, na_value=np.nan)
    pos = np.where(np.isnan(offsets), -1, offsets).astype(np.int64)
    pos[(pos < 0) | (pos >= len(days))] = -1
    return pos


def attack_days(diary: Diary) -> AttackDays:
    n = len(diary.days)
    attacks = diary.attacks
    onset = np.zeros(n)
    inside = np.zeros(n, dtype=bool)
    covered = np.zeros(n, dtype=bool)
    if len(attacks) == 0 or n == 0:
        empty = np.zeros(len(attacks), dtype=np.int64) - 1
        return AttackDays(onset, inside, covered, empty, empty.copy())
    first = pd.Timestamp(diary.days["date"].iloc[0]).normalize()
    start = ((pd.to_datetime(attacks["start_date"]).dt.normalize() - first).dt.days).to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    end = ((pd.to_datetime(attacks["end_date"]).dt.normalize() - first).dt.days).to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    # An attack without an end is still going on only when it is the latest one; an older
    # open attack ended at some unknown time before the next one, so only its first day is known.
    latest = int(np.nanargmax(start)) if not np.all(np.isnan(start)) else -1
    open_end = np.where(np.arange(len(start)) == latest, n - 1, start)
    end = np.where(np.isnan(end), open_end, end)
    first_day = np.full(len(attacks), -1, dtype=np.int64)
    last_day = np.full(len(attacks), -1, dtype=np.int64)
    for k, (s, e) in enumerate(zip(start, end, strict=True)):
        if np.isnan(s) or s >= n or e < 0:
            continue
        s_i = max(int(s), 0)
        e_i = min(max(int(e), int(s)), n - 1)
        if s >= 0:
            onset[s_i] = 1.0
            first_day[k] = s_i
        last_day[k] = e_i
        covered[s_i : e_i + 1] = True
        inside[int(s) + 1 if s >= 0 else 0 : e_i + 1] = True
    return AttackDays(onset, inside, covered, first_day, last_day)
