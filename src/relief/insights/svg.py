"""Charts as SVG shapes, laid out in plain Python from the stored chart numbers (relief.insights.chartdata).

The web process imports no numeric or plotting library: each function here returns a
:class:`Figure`, a list of shapes with coordinates in a fixed view box, which the template
``insights/_chart.html`` writes out as inline SVG, with the same numbers as a table behind it for
screen readers and for anyone who prefers to read them.  Colours are classes styled in
``relief/charts.css`` so that the dark theme applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from relief.analysis.results import FEWEST_FOR_A_RATE
from relief.insights.chartdata import TITLES

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 28, 46
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Shape:
    kind: str  # rect, line, polyline, circle, text
    cls: str
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    x2: float = 0
    y2: float = 0
    r: float = 0
    points: str = ""
    text: str = ""
    anchor: str = "middle"
    title: str = ""


@dataclass
class Figure:
    name: str
    title: str
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    shapes: list[Shape] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (class, label)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""


def _r(value: float) -> float:
    return round(value, 1)


class _Axes:
    """Linear scales from data to the view box."""

    def __init__(self, figure: Figure, x_count: int, y_max: float, *, right_max: float | None = None) -> None:
        self.figure = figure
        self.left, self.right = LEFT, figure.width - RIGHT
        self.top, self.bottom = TOP, figure.height - BOTTOM
        self.x_count = max(x_count, 1)
        self.y_max = y_max if y_max > 0 else 1
        self.right_max = right_max

    @property
    def slot(self) -> float:
        return (self.right - self.left) / self.x_count

    def x(self, index: float) -> float:
        return _r(self.left + (index + 0.5) * self.slot)

    def y(self, value: float, *, right: bool = False) -> float:
        top = self.right_max if right and self.right_max else self.y_max
        return _r(self.bottom - (self.bottom - self.top) * min(max(value, 0), top) / top)

    def frame(
        self,
        y_label: str,
        ticks: list[float],
        *,
        right_label: str = "",
        right_ticks: list[float] | None = None,
    ) -> None:
        shapes = self.figure.shapes
        for tick in ticks:
            y = self.y(tick)
            shapes.append(Shape("line", "grid", x=self.left, y=y, x2=self.right, y2=y))
            shapes.append(Shape("text", "tick", x=self.left - 6, y=y + 4, text=f"{tick:g}", anchor="end"))
        shapes.append(Shape("line", "axis", x=self.left, y=self.bottom, x2=self.right, y2=self.bottom))
        shapes.append(Shape("text", "label", x=self.left - 34, y=self.top - 12, text=y_label, anchor="start"))
        for tick in right_ticks or []:
            y = self.y(tick, right=True)
            shapes.append(Shape("text", "tick", x=self.right + 6, y=y + 4, text=f"{tick:g}", anchor="start"))
        if right_label:
            shapes.append(
                Shape("text", "label", x=self.right + 34, y=self.top - 12, text=right_label, anchor="end")
            )

    def x_labels(self, labels: list[str], every: int = 1) -> None:
        for index, label in enumerate(labels):
            if index % every == 0:
                self.figure.shapes.append(
                    Shape("text", "tick", x=self.x(index), y=self.bottom + 16, text=label)
                )


def _ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top``."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [round(step * i, 6) for i in range(math.ceil(top / step) + 1)]


def _every(count: int, room: int = 12) -> int:
    return max(1, math.ceil(count / room))


def _month_label(month: str) -> str:
    year, _, number = month.partition("-")
    try:
        return f"{MONTHS[int(number) - 1]} {year[2:]}"
    except (ValueError, IndexError):
        return month


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def monthly(data: dict[str, Any]) -> Figure:
    months = data.get("months") or []
    figure = Figure(
        "monthly",
        TITLES["monthly"],
        "Bars: headache and migraine days in each month; line: days with acute medicine.",
        headers=["Month", "Headache days", "Migraine days", "Acute-medicine days"],
    )
    if not months:
        figure.empty = "No data in this period yet."
        return figure
    top = max(10, *(m["headache_days"] for m in months), *(m["acute_days"] for m in months))
    axes = _Axes(figure, len(months), top * 1.1)
    axes.frame("days", _ticks(top))
    bar = axes.slot * 0.36
    points = []
    for i, m in enumerate(months):
        centre = axes.x(i)
        for offset, key, cls, what in (
            (-bar, "headache_days", "c-headache", "headache"),
            (0, "migraine_days", "c-migraine", "migraine"),
        ):
            y = axes.y(m[key])
            figure.shapes.append(
                Shape("rect", cls, x=_r(centre + offset), y=y, w=_r(bar), h=_r(axes.bottom - y),
                      title=f"{m['month']}: {m[key]} {what} days")
            )  # fmt: skip
        points.append(f"{centre},{axes.y(m['acute_days'])}")
        figure.rows.append(
            [m["month"], str(m["headache_days"]), str(m["migraine_days"]), str(m["acute_days"])]
        )
    figure.shapes.append(Shape("polyline", "c-acute line", points=" ".join(points)))
    for i, m in enumerate(months):
        figure.shapes.append(
            Shape("circle", "c-acute", x=axes.x(i), y=axes.y(m["acute_days"]), r=3,
                  title=f"{m['month']}: {m['acute_days']} acute-medicine days")
        )  # fmt: skip
    axes.x_labels([_month_label(m["month"]) for m in months], _every(len(months)))
    figure.legend = [
        ("c-headache", "headache days"),
        ("c-migraine", "migraine days"),
        ("c-acute", "acute-medicine days"),
    ]
    base = data.get("baseline_migraine_days_per_28")
    if base is not None:
        y = axes.y(base)
        figure.shapes.append(Shape("line", "c-migraine dashed", x=axes.left, y=y, x2=axes.right, y2=y))
        figure.legend.append(("c-migraine dashed", f"baseline migraine days per 28 ({_fmt(base)})"))
    return figure


RESPONSE_WIDTH = 360
"""The response chart's view box is narrow, with each label above its row instead of beside it, so
that on a 390 px phone its text is drawn at about its own size (a 640-wide view box shrank the
labels to about 6 px there); ``charts.css`` caps its width on a wide screen."""
ROW = 36
CHAR = 6.2  # about the width of one character of 11 px text


def _fit(text: str, room: float) -> str:
    """``text``, cut with an ellipsis when it would not fit in ``room`` units of 11 px text."""
    most = int(room // CHAR)
    return text if len(text) <= most else text[: max(most - 1, 1)].rstrip() + "…"


def response(data: dict[str, Any]) -> Figure:
    rows = data.get("rows") or []
    top = 8
    bottom = top + ROW * len(rows) + 4
    figure = Figure(
        "response",
        TITLES["response"],
        "Bars: share of treated attacks pain-free at 2 hours; whiskers: the 95% interval. "
        f"Under {FEWEST_FOR_A_RATE} attacks there is no bar, only the interval and a hollow dot: too few to say.",
        width=RESPONSE_WIDTH,
        height=max(120, bottom + 44),
        headers=["Treatment", "Pain-free at 2 h", "95% interval"],
    )
    if not rows:
        figure.empty = "No treated attacks with a 2-hour answer yet."
        return figure
    left, right = 14, RESPONSE_WIDTH - 18

    def x(rate: float | None) -> float:
        return _r(left + (right - left) * min(max(rate or 0, 0), 1))

    for pct in (0, 25, 50, 75, 100):
        figure.shapes.append(Shape("line", "grid", x=x(pct / 100), y=top, x2=x(pct / 100), y2=bottom))
        figure.shapes.append(Shape("text", "tick", x=x(pct / 100), y=bottom + 16, text=f"{pct}%"))
    figure.shapes.append(
        Shape(
            "text",
            "label",
            x=_r((left + right) / 2),
            y=bottom + 34,
            text="pain-free at 2 h, % of treated attacks",
        )
    )
    for i, row in enumerate(rows):
        row_top = top + ROW * i
        middle = _r(row_top + 25)
        few = row["n"] < FEWEST_FOR_A_RATE
        label = f"{row['label']} (n={row['n']})"  # a hollow dot, not a bar, says "too few" (legend)
        figure.shapes.append(
            Shape(
                "text",
                "tick",
                x=left + 4,
                y=_r(row_top + 12),
                text=_fit(label, right - left - 4),
                anchor="start",
            )
        )
        title = f"{label}: {_fmt((row['rate'] or 0) * 100, 0)}%{', too few to say' if few else ''}"
        if few:  # a rate over a handful of attacks is no bar to compare: its interval and a hollow dot
            figure.shapes.append(Shape("circle", "few", x=x(row["rate"]), y=middle, r=4, title=title))
        else:
            figure.shapes.append(
                Shape("rect", "c-headache", x=left, y=_r(middle - 6), w=_r(x(row["rate"]) - left), h=12,
                      title=title)
            )  # fmt: skip
        if row["low"] is not None and row["high"] is not None:
            figure.shapes.append(
                Shape("line", "whisker", x=x(row["low"]), y=middle, x2=x(row["high"]), y2=middle)
            )
            for end in (row["low"], row["high"]):
                figure.shapes.append(
                    Shape("line", "whisker", x=x(end), y=middle - 4, x2=x(end), y2=middle + 4)
                )
        interval = (
            f"{_fmt(row['low'] * 100, 0)}–{_fmt(row['high'] * 100, 0)}%"
            if row["low"] is not None and row["high"] is not None
            else "–"
        )
        rate = (
            f"{row['k']}/{row['n']} ({_fmt((row['rate'] or 0) * 100, 0)}%)"
            if row.get("k") is not None
            else f"{_fmt((row['rate'] or 0) * 100, 0)}%"
        ) + (" too few to say" if few else "")
        figure.rows.append([row["label"], rate, interval])
    figure.legend = [("c-headache", "pain-free at 2 h")]
    if any(row["n"] < FEWEST_FOR_A_RATE for row in rows):
        figure.legend.append(("few", f"fewer than {FEWEST_FOR_A_RATE} attacks: too few to say"))
    base = data.get("untreated_rate")
    if base is not None:
        figure.shapes.append(Shape("line", "untreated dashed", x=x(base), y=top, x2=x(base), y2=bottom))
        figure.legend.append(("untreated dashed", f"untreated attacks {_fmt(base * 100, 0)}%"))
    return figure


def doses(data: dict[str, Any]) -> Figure:
    weeks = data.get("weeks") or []
    figure = Figure(
        "doses",
        TITLES["doses"],
        "Bars: kratom grams each week (left scale); line: days with an acute dose that week (right scale, 0 to 7).",
        headers=["Week from", "Kratom g", "Days with an acute dose"],
    )
    if not weeks:
        figure.empty = "No data in this period yet."
        return figure
    top = max(1.0, *(w["kratom_g"] for w in weeks))
    axes = _Axes(figure, len(weeks), top * 1.1, right_max=7.5)
    axes.frame("g / week", _ticks(top), right_label="days", right_ticks=[0, 2, 4, 6])
    points = []
    for i, w in enumerate(weeks):
        y = axes.y(w["kratom_g"])
        figure.shapes.append(
            Shape("rect", "c-kratom", x=_r(axes.x(i) - axes.slot * 0.4), y=y, w=_r(axes.slot * 0.8),
                  h=_r(axes.bottom - y), title=f"week from {w['week']}: {_fmt(w['kratom_g'])} g")
        )  # fmt: skip
        points.append(f"{axes.x(i)},{axes.y(w['acute_days'], right=True)}")
        figure.rows.append([w["week"], _fmt(w["kratom_g"]), str(w["acute_days"])])
    figure.shapes.append(Shape("polyline", "c-acute line", points=" ".join(points)))
    axes.x_labels([_short_day(w["week"]) for w in weeks], _every(len(weeks), 8))
    figure.legend = [("c-kratom", "kratom grams per week"), ("c-acute", "days with an acute dose")]
    return figure


def _short_day(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day.day} {MONTHS[day.month - 1]}"


def pain(data: dict[str, Any]) -> Figure:
    mean, attacks = data.get("mean") or [], data.get("attacks") or []
    figure = Figure(
        "pain",
        TITLES["pain"],
        "Dots: peak pain of each attack; line: daily worst pain averaged over 28 days.",
        headers=["Day", "Attack peak pain", "Worst pain, 28-day mean"],
    )
    if not mean and not attacks:
        figure.empty = "No data in this period yet."
        return figure
    start, end = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
    span = max((end - start).days, 1)
    axes = _Axes(figure, 1, 10.5)
    axes.frame("pain 0-10", [0, 2, 4, 6, 8, 10])

    def x(text: str) -> float:
        return _r(axes.left + (axes.right - axes.left) * ((date.fromisoformat(text) - start).days / span))

    if mean:
        figure.shapes.append(
            Shape(
                "polyline",
                "c-migraine line",
                points=" ".join(f"{x(p['date'])},{axes.y(p['value'])}" for p in mean),
            )
        )
    for a in attacks:
        if a["peak"] is not None:
            figure.shapes.append(
                Shape("circle", "c-acute", x=x(a["date"]), y=axes.y(a["peak"]), r=3,
                      title=f"{a['date']}: attack, peak pain {_fmt(a['peak'])}")
            )  # fmt: skip
    month = date(start.year, start.month, 1)
    labels = []
    while month <= end:
        if month >= start:
            labels.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    step = _every(len(labels), 8)
    for index, first in enumerate(labels):
        if index % step == 0:
            figure.shapes.append(
                Shape(
                    "text",
                    "tick",
                    x=x(first.isoformat()),
                    y=axes.bottom + 16,
                    text=f"{MONTHS[first.month - 1]} {first:%y}",
                )
            )
    by_day: dict[str, list[str]] = {}
    for a in attacks:
        by_day.setdefault(a["date"], ["", ""])[0] = _fmt(a["peak"])
    means = {p["date"]: p["value"] for p in mean}
    for p in mean[::7]:  # a weekly value is enough to read the trend
        by_day.setdefault(p["date"], ["", ""])[1] = _fmt(p["value"])
    for day in sorted(by_day):
        cells = by_day[day]
        if not cells[1] and day in means:
            cells[1] = _fmt(means[day])
        figure.rows.append([day, cells[0] or "–", cells[1] or "–"])
    figure.legend = [("c-acute", "attack peak pain"), ("c-migraine", "daily worst pain, 28-day mean")]
    return figure


PAIN_STEPS = 10


def calendar(data: dict[str, Any]) -> Figure:
    days = data.get("days") or []
    figure = Figure(
        "calendar",
        TITLES["calendar"],
        "One column per week, Monday at the top; darker is worse pain, grey is a day with nothing recorded.",
        headers=["Day", "Worst pain", "Attack began"],
    )
    if not days:
        figure.empty = "No data in this period yet."
        return figure
    first = date.fromisoformat(days[0]["date"])
    monday = first - timedelta(days=first.weekday())
    weeks = (date.fromisoformat(days[-1]["date"]) - monday).days // 7 + 1
    left, top = 40, 22
    cell = min(14.0, (figure.width - left - 10) / weeks)
    figure.height = int(top + cell * 7 + 30)
    for row, name in enumerate(("Mon", "Wed", "Fri", "Sun")):
        figure.shapes.append(
            Shape("text", "tick", x=left - 6, y=_r(top + cell * (row * 2 + 0.75)), text=name, anchor="end")
        )
    for d in days:
        day = date.fromisoformat(d["date"])
        week, weekday = (day - monday).days // 7, day.weekday()
        if d["pain"] is not None:
            level = min(PAIN_STEPS, max(0, round(d["pain"])))
            cls, what = f"heat-{level}", f"worst pain {_fmt(d['pain'])}"
        elif d["attack"]:
            cls, what = "heat-5", "attack, pain not recorded"
        elif d["recorded"]:
            cls, what = "heat-0", "recorded, no pain"
        else:
            cls, what = "heat-none", "nothing recorded"
        figure.shapes.append(
            Shape("rect", cls, x=_r(left + week * cell), y=_r(top + weekday * cell), w=_r(cell - 1), h=_r(cell - 1),
                  title=f"{d['date']}: {what}")
        )  # fmt: skip
        if day.day == 1 or day == first:
            figure.shapes.append(
                Shape("text", "tick", x=_r(left + week * cell), y=_r(top + cell * 7 + 14),
                      text=f"{MONTHS[day.month - 1]} {day:%y}", anchor="start")
            )  # fmt: skip
        if d["recorded"] or d["attack"] or d["pain"] is not None:
            figure.rows.append([d["date"], _fmt(d["pain"]), "yes" if d["attack"] else ""])
    figure.legend = [
        ("heat-2", "mild"),
        ("heat-6", "moderate"),
        ("heat-9", "severe"),
        ("heat-none", "nothing recorded"),
    ]
    return figure


DRAW = {"monthly": monthly, "response": response, "doses": doses, "pain": pain, "calendar": calendar}


def figures(charts: dict[str, Any], names: tuple[str, ...]) -> dict[str, Figure]:
    """The figures for ``names`` from stored chart numbers; a chart missing from them is drawn empty."""
    return {name: DRAW[name](charts.get(name) or {}) for name in names}
