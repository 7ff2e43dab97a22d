"""The report's charts for the PDF, drawn with matplotlib on the worker or the command line, never in the web app.

Figures are built with the object API on the Agg canvas (never pyplot), so no GUI
backend is ever touched and figures are freed when they go out of scope.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from relief.analysis.results import FEWEST_FOR_A_RATE
from relief.analysis.wording import treatment_name
from relief.exchange.reports.data import Report

HEADACHE = "#8fb3d9"
MIGRAINE = "#1f4e79"
ACUTE = "#c0504d"
KRATOM = "#4f8a3c"
WIDTH = 7.0
HEIGHTS = {"monthly": 2.6, "calendar": 1.9, "pain": 2.6, "doses": 2.6}
ASPECT = {name: height / WIDTH for name, height in HEIGHTS.items()}  # height / width, for laying out the PDF


def _figure(height: float = 2.6) -> Figure:
    figure = Figure(figsize=(WIDTH, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def render(figure: Figure, fmt: str) -> bytes:
    """The figure as ``svg`` (text kept as text) or ``png`` (150 dpi) bytes."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "relief"}):
        if fmt == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def _empty(ax, text: str = "No data in this period yet") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def monthly_days(report: Report) -> Figure:
    """Headache and migraine days per month, acute-medication days as a line, baseline as a dashed line."""
    figure = _figure(HEIGHTS["monthly"])
    ax = figure.add_subplot()
    months = report.monthly
    if not months:
        _empty(ax)
        return figure
    x = np.arange(len(months))
    labels = [m["month"] for m in months]
    ax.bar(x - 0.2, [m["headache_days"] for m in months], 0.4, label="headache days", color=HEADACHE)
    ax.bar(x + 0.2, [m["migraine_days"] for m in months], 0.4, label="migraine days", color=MIGRAINE)
    ax.plot(
        x,
        [m["acute_medication_days"].get("any", 0) for m in months],
        "o-",
        color=ACUTE,
        label="acute-medication days",
    )
    base = (report.doc["frequency"].get("baseline") or {}).get("baseline")
    if base and base.get("migraine_days_per_28") is not None:
        ax.axhline(
            base["migraine_days_per_28"],
            color=MIGRAINE,
            linestyle="--",
            linewidth=1,
            label="baseline migraine days / 28 d",
        )
    ax.set_xticks(
        x,
        labels,
        rotation=45 if len(labels) > 6 else 0,
        ha="right" if len(labels) > 6 else "center",
        fontsize=8,
    )
    ax.set_ylabel("days")
    ax.legend(fontsize=7, loc="upper left", ncols=2, frameon=False)
    ax.set_ylim(
        0,
        max(
            10,
            *(m["headache_days"] for m in months),
            *(m["acute_medication_days"].get("any", 0) for m in months),
        )
        * 1.35,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def calendar_heatmap(report: Report) -> Figure:
    """Worst pain of every day, one column per week; grey where nothing was recorded."""
    days = report.diary.days
    weeks = max(1, ((report.end - report.start).days + report.start.weekday()) // 7 + 1)
    figure = _figure(HEIGHTS["calendar"])
    ax = figure.add_subplot()
    grid = np.full((7, weeks), -1.0)  # -1: outside the period (drawn white)
    pain_by_day = {}
    if len(days):
        for _, row in days.iterrows():
            pain_by_day[pd.Timestamp(row["date"]).date()] = (bool(row["recorded"]), row["worst_pain"])
    attack_days = set()
    if len(report.diary.attacks):
        attack_days = {pd.Timestamp(d).date() for d in report.diary.attacks["start_date"]}
    first_monday = report.start - timedelta(days=report.start.weekday())
    day = report.start
    while day <= report.end:
        week, weekday = (day - first_monday).days // 7, day.weekday()
        was_recorded, pain = pain_by_day.get(day, (False, np.nan))
        grid[weekday, week] = np.nan
        if pain is not None and not pd.isna(pain):
            grid[weekday, week] = float(pain)
        elif day in attack_days:
            grid[weekday, week] = 5.0
        elif was_recorded:
            grid[weekday, week] = 0.0
        day += timedelta(days=1)
    palette = ListedColormap(
        [
            "#f2f2f2",
            "#fde0c5",
            "#facba6",
            "#f8b58b",
            "#f59e72",
            "#f2855d",
            "#ef6a4c",
            "#e34f41",
            "#c63d3d",
            "#a02c3a",
            "#6e1f33",
        ]
    )
    colours = palette.with_extremes(bad="#b8b8b8", under="white")
    masked = np.ma.masked_invalid(grid)
    image = ax.imshow(masked, aspect="auto", cmap=colours, vmin=0, vmax=10, interpolation="nearest")
    ax.set_yticks(range(7), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], fontsize=7)
    ticks = [w for w in range(weeks) if (first_monday + timedelta(weeks=w)).day <= 7]
    ax.set_xticks(ticks, [(first_monday + timedelta(weeks=w)).strftime("%b %Y") for w in ticks], fontsize=7)
    colourbar = figure.colorbar(image, ax=ax, shrink=0.9, pad=0.01)
    colourbar.set_label("worst pain 0-10", fontsize=7)
    colourbar.ax.tick_params(labelsize=7)
    ax.set_title("Grey: nothing recorded that day", fontsize=7, loc="right", color="#555555")
    return figure


def pain_over_time(report: Report) -> Figure:
    """Peak pain of each attack and the 28-day average of daily worst pain."""
    figure = _figure()
    ax = figure.add_subplot()
    attacks, days = report.diary.attacks, report.diary.days
    if not len(attacks) and not (len(days) and days["worst_pain"].notna().any()):
        _empty(ax)
        return figure
    if len(days) and days["worst_pain"].notna().any():
        series = pd.Series(
            pd.to_numeric(days["worst_pain"], errors="coerce").to_numpy(), index=pd.to_datetime(days["date"])
        )
        ax.plot(
            series.index,
            series.rolling(28, min_periods=7).mean(),
            color=MIGRAINE,
            label="daily worst pain, 28-day mean",
        )
    if len(attacks):
        peaks = pd.to_numeric(attacks["peak_nrs"], errors="coerce")
        ax.scatter(
            pd.to_datetime(attacks["start_date"]),
            peaks,
            s=12,
            color=ACUTE,
            label="attack peak pain",
            zorder=3,
        )
    ax.set_ylim(0, 10.5)
    ax.set_ylabel("pain 0-10")
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    figure.autofmt_xdate()
    return figure


def _response_rows(report: Report) -> list[dict]:
    return [t for t in report.treatments if (t.get("pain_free_2h") or {}).get("n")]


def _response_height(rows: list[dict]) -> float:
    return max(1.8, 0.35 * len(rows) + 0.9)


def aspect(name: str, report: Report) -> float:
    """Height over width of a chart, for laying out the PDF."""
    if name == "response":
        return _response_height(_response_rows(report)) / WIDTH
    return ASPECT[name]


def response_rates(report: Report) -> Figure:
    """Pain freedom at 2 h with its 95 % interval, by treatment and dose band (the IHS primary endpoint)."""
    rows = _response_rows(report)
    figure = _figure(_response_height(rows))
    ax = figure.add_subplot()
    if not rows:
        _empty(ax, "No treated attacks with a 2-hour answer yet")
        return figure
    untreated = report.doc.get("untreated") or {}
    few = np.array([t["pain_free_2h"]["n"] < FEWEST_FOR_A_RATE for t in rows])
    labels = [
        treatment_name(t) + f" (n={t['pain_free_2h']['n']}{', too few' if small else ''})"
        for t, small in zip(rows, few, strict=True)
    ]
    rates = np.array([t["pain_free_2h"]["rate"] * 100 for t in rows])
    low = np.array([(t["pain_free_2h"]["ci"][0] or 0) * 100 for t in rows])
    high = np.array([(t["pain_free_2h"]["ci"][1] or 0) * 100 for t in rows])
    y = np.arange(len(rows))[::-1]
    spread = [np.clip(rates - low, 0, None), np.clip(high - rates, 0, None)]
    # A rate over a handful of attacks gets no bar (it would look like the best treatment), only its
    # interval and a hollow dot.
    ax.barh(
        y[~few],
        rates[~few],
        color=HEADACHE,
        xerr=[spread[0][~few], spread[1][~few]],
        error_kw={"elinewidth": 1, "capsize": 2},
    )
    if few.any():
        ax.errorbar(
            rates[few],
            y[few],
            xerr=[spread[0][few], spread[1][few]],
            fmt="o",
            mfc="none",
            color="#555555",
            elinewidth=1,
            capsize=2,
            label=f"fewer than {FEWEST_FOR_A_RATE} attacks: too few to say",
        )
    base = (untreated.get("pain_free_2h") or {}).get("rate")
    if base is not None:
        ax.axvline(
            base * 100,
            color="#555555",
            linestyle=":",
            linewidth=1,
            label=f"untreated attacks {base * 100:.0f}%",
        )
    if base is not None or few.any():
        ax.legend(fontsize=7, loc="lower right", frameon=False)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("pain-free at 2 h, % of treated attacks (95% interval)", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def dose_frequency(report: Report) -> Figure:
    """Kratom grams and days with any acute medication, per week."""
    figure = _figure()
    ax = figure.add_subplot()
    doses = report.diary.doses
    if not len(doses):
        _empty(ax)
        return figure
    frame = doses.assign(week=pd.to_datetime(doses["date"]).dt.to_period("W-SUN").dt.start_time)
    kratom = frame[frame["is_kratom"].astype(bool)]
    grams = pd.to_numeric(kratom["amount_g"], errors="coerce").groupby(kratom["week"]).sum()
    acute = frame[(frame["reason"] == "acute")].groupby("week")["date"].nunique()
    weeks = pd.date_range(
        pd.Timestamp(report.start).to_period("W-SUN").start_time, pd.Timestamp(report.end), freq="7D"
    )
    ax.bar(weeks, grams.reindex(weeks, fill_value=0), width=5, color=KRATOM, label="kratom grams per week")
    ax.set_ylabel("kratom g / week")
    other = ax.twinx()
    other.plot(
        weeks,
        acute.reindex(weeks, fill_value=0),
        "o-",
        markersize=3,
        color=ACUTE,
        label="days with an acute dose",
    )
    other.set_ylim(0, 7.5)
    other.set_ylabel("acute-dose days / week")
    handles = ax.get_legend_handles_labels()
    more = other.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], fontsize=7, loc="upper left", frameon=False)
    figure.autofmt_xdate()
    return figure


CHARTS: dict[str, tuple[str, Callable[[Report], Figure]]] = {
    "monthly": ("Headache, migraine and acute-medication days by month", monthly_days),
    "calendar": ("Calendar: worst pain of each day", calendar_heatmap),
    "pain": ("Pain over time", pain_over_time),
    "response": ("Pain freedom at 2 hours by treatment and dose band", response_rates),
    "doses": ("Kratom amount and acute-medication days per week", dose_frequency),
}


def chart(name: str, report: Report, fmt: str) -> bytes:
    return render(CHARTS[name][1](report), fmt)
