"""Charts are laid out from stored numbers in plain Python, each with a table of the same numbers."""

from relief.insights import svg

MONTHS = {
    "months": [
        {"month": "2026-01", "headache_days": 6, "migraine_days": 3, "acute_days": 4},
        {"month": "2026-02", "headache_days": 12, "migraine_days": 8, "acute_days": 11},
    ],
    "baseline_migraine_days_per_28": 5.5,
}


def bars(figure: svg.Figure, cls: str) -> list[svg.Shape]:
    return [s for s in figure.shapes if s.kind == "rect" and s.cls == cls]


def test_monthly_bars_grow_with_the_days_and_stay_inside_the_view_box():
    figure = svg.monthly(MONTHS)
    january, february = bars(figure, "c-headache")

    assert february.h > january.h > 0
    assert all(s.y >= 0 and s.y + s.h <= figure.height for s in figure.shapes if s.kind == "rect")
    assert figure.rows == [["2026-01", "6", "3", "4"], ["2026-02", "12", "8", "11"]]
    assert any("baseline" in label and "5.5" in label for _, label in figure.legend)


def test_response_bars_show_the_rate_and_the_interval_in_the_table():
    figure = svg.response(
        {
            "rows": [
                {"label": "Kratom 1-3 g", "k": 3, "n": 6, "rate": 0.5, "low": 0.19, "high": 0.81},
                {"label": "Sumatriptan", "k": 6, "n": 6, "rate": 1.0, "low": 0.61, "high": 1.0},
            ],
            "untreated_rate": 0.2,
        }
    )
    half, full = bars(figure, "c-headache")

    assert abs(full.w - 2 * half.w) < 1
    assert figure.rows[0] == ["Kratom 1-3 g", "3/6 (50%)", "19–81%"]
    assert sum(1 for s in figure.shapes if s.cls == "whisker") == 6  # a line and two caps each


def test_a_chart_without_data_says_so_instead_of_drawing_empty_axes():
    for name, draw in svg.DRAW.items():
        figure = draw({})
        assert figure.empty and not figure.shapes and not figure.rows, name


def test_the_calendar_colours_each_day_by_its_worst_pain_and_greys_unrecorded_days():
    figure = svg.calendar(
        {
            "days": [
                {"date": "2026-03-02", "pain": 8.0, "recorded": True, "attack": True},
                {"date": "2026-03-03", "pain": None, "recorded": False, "attack": False},
                {"date": "2026-03-04", "pain": None, "recorded": True, "attack": False},
            ]
        }
    )
    cells = [s for s in figure.shapes if s.kind == "rect"]

    assert [c.cls for c in cells] == ["heat-8", "heat-none", "heat-0"]
    assert [row[0] for row in figure.rows] == ["2026-03-02", "2026-03-04"]


def test_pain_over_time_places_attacks_by_date_and_lists_them():
    figure = svg.pain(
        {
            "start": "2026-01-01",
            "end": "2026-01-31",
            "mean": [{"date": "2026-01-10", "value": 3.0}],
            "attacks": [{"date": "2026-01-05", "peak": 7}, {"date": "2026-01-25", "peak": 4}],
        }
    )
    early, late = [s for s in figure.shapes if s.kind == "circle"]

    assert early.x < late.x and early.y < late.y  # later, and less pain (lower on the page is less)
    assert ["2026-01-05", "7", "–"] in figure.rows


def test_doses_per_week_use_two_scales():
    figure = svg.doses({"weeks": [{"week": "2026-01-05", "kratom_g": 12.5, "acute_days": 3}]})

    assert bars(figure, "c-kratom")[0].h > 0
    assert figure.rows == [["2026-01-05", "12.5", "3"]]


SMALL_AND_LARGE = {
    "rows": [
        {"label": "Kratom 1-3 g", "k": 1, "n": 9, "rate": 0.11, "low": 0.02, "high": 0.44},
        {"label": "Kratom >5 g", "k": 1, "n": 2, "rate": 0.5, "low": 0.09, "high": 0.91},
    ],
    "untreated_rate": 0.0,
}


def test_a_rate_over_too_few_attacks_is_drawn_as_an_interval_not_as_the_biggest_bar():
    figure = svg.response(SMALL_AND_LARGE)

    (bar,) = bars(figure, "c-headache")  # only the row with 9 attacks has a bar
    (dot,) = [s for s in figure.shapes if s.kind == "circle" and s.cls == "few"]
    assert "n=9" in bar.title and "(n=2): 50%, too few to say" in dot.title
    assert sum(1 for s in figure.shapes if s.cls == "whisker") == 6  # both intervals still drawn
    assert figure.rows[1] == ["Kratom >5 g", "1/2 (50%) too few to say", "9–91%"]
    assert any("too few" in label for _, label in figure.legend)


def test_the_pdf_chart_gives_no_bar_to_a_rate_over_too_few_attacks():
    from types import SimpleNamespace

    from relief.insights import drawing

    def treatment(band, k, n, low, high):
        return {
            "treatment": "Kratom",
            "dose_band": band,
            "pain_free_2h": {"k": k, "n": n, "rate": k / n, "ci": [low, high]},
        }

    report = SimpleNamespace(
        treatments=[treatment("1-3 g", 1, 9, 0.02, 0.44), treatment(">5 g", 1, 2, 0.09, 0.91)],
        doc={"untreated": {"pain_free_2h": {"rate": 0.0}}},
    )
    figure = drawing.response_rates(report)
    (ax,) = figure.axes

    widths = [patch.get_width() for patch in ax.patches]
    assert len(widths) == 1 and abs(widths[0] - 100 / 9) < 0.01  # the 9-attack row only
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Kratom >5 g (n=2, too few)" in labels
    assert any("too few" in t.get_text() for t in ax.get_legend().get_texts())


def test_rows_of_one_product_are_named_by_the_product_in_the_charts():
    from types import SimpleNamespace

    from relief.insights import chartdata, drawing

    def row(band, product, k, n):
        endpoint = {"k": k, "n": n, "rate": k / n, "ci": [0.0, 1.0]}
        return {"treatment": "Kratom", "dose_band": band, "product": product, "pain_free_2h": endpoint}

    report = SimpleNamespace(
        treatments=[row(None, None, 4, 12), row("3-5 g", None, 2, 6), row(None, "Red Bali", 3, 7)],
        doc={"untreated": {}},
    )

    data = chartdata.response(report)
    assert [r["label"] for r in data["rows"]] == ["Kratom", "Kratom 3-5 g", "Kratom, Red Bali"]
    texts = [s.text for s in svg.response(data).shapes if s.kind == "text" and s.anchor == "start"]
    assert "Kratom, Red Bali (n=7)" in texts
    (ax,) = drawing.response_rates(report).axes
    assert "Kratom, Red Bali (n=7)" in [t.get_text() for t in ax.get_yticklabels()]


def test_long_treatment_names_keep_their_labels_inside_the_chart():
    figure = svg.response(
        {
            "rows": [
                {
                    "label": "Kratom, Green Maeng Da extra strong",
                    "k": 1,
                    "n": 3,
                    "rate": 0.33,
                    "low": 0.06,
                    "high": 0.79,
                },
                {"label": "Ibuprofen", "k": 3, "n": 7, "rate": 0.43, "low": 0.16, "high": 0.75},
            ],
            "untreated_rate": None,
        }
    )
    labels = [s for s in figure.shapes if s.kind == "text" and s.anchor == "start"]
    assert len(labels) == 2
    for label in labels:  # left-aligned at x above its row: about 6.2 units a character to its right
        assert label.x + 6.2 * len(label.text) <= figure.width, label.text


def test_the_response_chart_keeps_its_labels_readable_on_a_phone():
    """Drawn 390 px wide or less, a view box wider than the phone shrinks 11 px text below legibility
    (a 640-wide one drew the labels at about 6 px); a name too long for the row is cut, not shrunk."""
    name = "Kratom, Green Maeng Da extra strong capsules from the shop on the corner"
    figure = svg.response(
        {
            "rows": [{"label": name, "k": 2, "n": 6, "rate": 0.33, "low": 0.1, "high": 0.7}],
            "untreated_rate": 0.1,
        }
    )
    assert figure.width <= 390
    (label,) = [s for s in figure.shapes if s.kind == "text" and s.anchor == "start"]
    assert label.text.endswith("…") and name.startswith(label.text[:-1])
    assert label.x + 6.2 * len(label.text) <= figure.width
    assert figure.rows[0][0] == name  # the table keeps the whole name
