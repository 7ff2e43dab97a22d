"""Small builders for hand-made diaries in tests."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pandas as pd

from relief.analysis.frames import (
    ATTACK_BOOL_COLUMNS,
    ATTACK_COLUMNS,
    DAY_COLUMNS,
    DOSE_COLUMNS,
    Diary,
)

START = pd.Timestamp("2025-03-03")


def make_days(n: int, **columns: Any) -> pd.DataFrame:
    days = pd.DataFrame({"date": pd.date_range(START, periods=n, freq="D").as_unit("ns"), "recorded": True})
    for col in DAY_COLUMNS[2:]:
        days[col] = np.nan
    for name, values in columns.items():
        days[name.replace("__", ":").replace("_TAG_", "tag:")] = values
    return days


def make_attack(day: int, hours: float = 6.0, start_hour: float = 9.0, **fields: Any) -> dict[str, Any]:
    start = START + pd.Timedelta(days=day, hours=start_hour)
    end = start + pd.Timedelta(hours=hours)
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "start": start.tz_localize("UTC"),
        "end": end.tz_localize("UTC"),
        "start_date": start.normalize(),
        "end_date": end.normalize(),
        "duration_h": hours,
        "peak_nrs": 7.0,
        "peak_4pt": 3.0,
        "side": "left",
        "quality": "pulsating",
        "aura_duration_min": np.nan,
        "most_bothersome": "photophobia",
        "disability": 2.0,
    }
    for col in ATTACK_BOOL_COLUMNS:
        row[col] = False
    row.update(worse_with_activity=True, nausea=True, photophobia=True, phonophobia=True)
    row.update(fields)
    return row


def attack_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(ATTACK_COLUMNS))
    for col in ATTACK_BOOL_COLUMNS:
        frame[col] = frame[col].astype("boolean")
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col], utc=True).dt.as_unit("ns")
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col]).dt.as_unit("ns")
    return frame


def make_dose(
    day: int, substance: str, substance_class: str, attack_id: str | None = None, **fields: Any
) -> dict[str, Any]:
    taken = START + pd.Timedelta(days=day, hours=10)
    row: dict[str, Any] = {c: np.nan for c in DOSE_COLUMNS}
    row.update(
        id=str(uuid.uuid4()),
        taken_at=taken.tz_localize("UTC"),
        date=taken.normalize(),
        substance=substance,
        substance_class=substance_class,
        is_kratom=substance_class == "kratom",
        unit="g" if substance_class == "kratom" else "mg",
        reason="acute" if attack_id else "chronic",
        attack_id=attack_id,
        estimate=False,
        mbs_gone_2h=pd.NA,
        rescue_taken=pd.NA,
        returned_24h=pd.NA,
    )
    row.update(fields)
    return row


def dose_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(DOSE_COLUMNS))
    for col in ("mbs_gone_2h", "rescue_taken", "returned_24h"):
        frame[col] = frame[col].astype("boolean")
    frame["taken_at"] = pd.to_datetime(frame["taken_at"], utc=True).dt.as_unit("ns")
    frame["date"] = pd.to_datetime(frame["date"]).dt.as_unit("ns")
    for col in (
        "amount",
        "amount_g",
        "mitragynine_mg",
        "pain_at_dose",
        "pain_30m",
        "pain_1h",
        "pain_2h",
        "pain_24h",
        "relief_min",
    ):
        frame[col] = frame[col].astype("float64")
    return frame


def make_diary(
    days: pd.DataFrame, attacks: list[dict[str, Any]], doses: list[dict[str, Any]] | None = None
) -> Diary:
    return Diary(days=days, attacks=attack_frame(attacks), doses=dose_frame(doses or []))
