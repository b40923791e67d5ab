"""Headline figures: what they count, and that each keeps its sources."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from mapapp import figures


def camps(*rows: dict) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(list(rows), geometry=[Point(23.7, 53.5)] * len(rows), crs="EPSG:4326")


def camp_row(name, kind, people, day="2021-11-15", sources=("https://example.org/c",)) -> dict:
    return {
        "name": name,
        "kind": kind,
        "people_on_day": people,
        "people_on_day_date": day if people is not None else "",
        "people_on_day_sources": list(sources) if people is not None else [],
    }


def test_camp_people_adds_up_the_border_camps_only():
    frame = camps(
        camp_row("Kuźnica camp", "makeshift_camp", 2000),
        camp_row("Bruzgi centre", "logistics_centre", 1000, sources=("https://example.org/b",)),
        camp_row("Pabradė", "reception_centre", 600),
    )
    figure = figures.camp_people(frame)
    assert figure.value == "3,000"
    assert "Kuźnica camp: 2,000 (15 Nov 2021)" in figure.detail and "Pabradė" not in figure.detail
    assert figure.sources == ("https://example.org/c", "https://example.org/b")


def test_an_old_count_says_how_old_it_is():
    frame = camps(camp_row("Bruzgi centre", "logistics_centre", 2000, day="2021-11-20"))
    assert "(20 Nov 2021)" in figures.camp_people(frame, dt.date(2021, 11, 30)).detail
    later = figures.camp_people(frame, dt.date(2022, 1, 15)).detail
    assert "(20 Nov 2021, 56 days before this day)" in later


def test_camp_people_says_when_a_camp_has_no_count_yet():
    figure = figures.camp_people(camps(camp_row("Kuźnica camp", "makeshift_camp", None)))
    assert figure.value == "no count" and "Kuźnica camp" in figure.detail and not figure.sources


def test_camp_people_without_camps():
    assert figures.camp_people(None).value == "none"
    assert figures.camp_people(camps(camp_row("Pabradė", "reception_centre", 600))).value == "none"


def test_fence_km_per_country_lists_kinds_apart():
    fences = gpd.GeoDataFrame(
        [
            {
                "name": "Poland: steel wall (2022)",
                "country": "PL",
                "kind": "steel_wall",
                "built_km": 135.0,
                "planned_km": 186.25,
                "built_km_interpolated": True,
                "built_km_basis": "interpolated between …",
                "built_km_sources": ["https://example.org/w"],
                "sources": ["https://example.org/wall"],
            },
            {
                "name": "Poland: 2.5 m razor-wire fence (2021)",
                "country": "PL",
                "kind": "razor_wire",
                "built_km": 80.0,
                "planned_km": 180.0,
                "built_km_interpolated": False,
                "built_km_basis": "reported for 30 Sep 2021",
                "built_km_sources": ["https://example.org/r"],
                "sources": ["https://example.org/wire"],
            },
        ],
        geometry=[None, None],
    )
    pl, lt, lv = figures.fence_km(fences, {"steel_wall": "Steel wall", "razor_wire": "Razor wire"})
    assert pl.value == "135 km"
    assert (
        pl.detail
        == "Steel wall (2022): 135 of 186 km (interpolated); 2.5 m razor-wire fence (2021): 80 of 180 km"
    )
    assert pl.sources == ("https://example.org/w", "https://example.org/r")
    assert lt.value == lv.value == "none"


def test_a_figure_quotes_a_long_name_briefly_and_keeps_its_numbers():
    # A figure is written down for every day its numbers change: a name of 10,000
    # characters must not be repeated whole each time (the popup has it whole).
    long = "Camp " + "x" * 10_000
    camp = figures.camp_people(camps(camp_row(long, "makeshift_camp", 2000)))
    assert camp.value == "2,000"
    assert len(camp.detail) < 300 and "x…: 2,000 (15 Nov 2021)" in camp.detail
    fence = gpd.GeoDataFrame(
        [
            {
                "name": "Poland: " + "y" * 10_000,
                "country": "PL",
                "kind": "steel_wall",
                "built_km": 12.5,
                "planned_km": 186.0,
                "built_km_interpolated": True,
                "built_km_basis": "interpolated",
                "built_km_sources": ["https://example.org/w"],
                "sources": [],
            }
        ],
        geometry=[None],
    )
    pl = figures.fence_km(fence, {})[0]
    assert pl.detail == "Y" + "y" * (figures.BRIEF_LIMIT - 2) + "…: 12.5 of 186 km (interpolated)"
    short = "Kuźnica camp"
    assert figures.brief(short) == short and len(figures.brief(long)) == figures.BRIEF_LIMIT


MONTHLY = pd.DataFrame(
    [
        ["PL", "2021-10", "attempted_crossings", 17447.0, "https://example.org/pl1", ""],
        ["PL", "2021-10", "attempted_crossings", 17300.0, "https://example.org/pl2", "approximate"],
        ["LT", "2021-07", "detentions", 2882.0, "https://example.org/lt", ""],
        [
            "LV",
            "2021-09",
            "prevented_entries_cumulative",
            1284.0,
            "https://example.org/lv",
            "since 10 Aug 2021",
        ],
    ],
    columns=["country", "month", "metric", "value", "source_url", "notes"],
)


def test_month_figures_keep_disagreeing_sources():
    pl, lt, lv = figures.month_figures(MONTHLY, dt.date(2021, 10, 20))
    assert pl.label == "Poland, October 2021"
    # Side by side, each with its source, never a min–max range.
    assert pl.value == "17,447 · 17,300" and "–" not in pl.value
    assert "17,447 [1]; 17,300 [2]" in pl.detail
    assert pl.sources == ("https://example.org/pl1", "https://example.org/pl2")
    assert [r.value for r in pl.readings] == ["17,447", "17,300"]
    assert lt.value == "no figure"
    # Latvia's running total of September is not October's figure.
    assert lv.value == "no figure"


TYPED_COLUMNS = [
    "country",
    "month",
    "metric",
    "value",
    "source_url",
    "notes",
    "basis",
    "period_start",
    "period_end",
    "end_precision",
    "value_kind",
    "body",
    "counts",
]
BG = "Polish Border Guard"
TRIES = "attempts to cross illegally"
TYPED = pd.DataFrame(
    [
        [
            "PL",
            "2021-09",
            "attempted_crossings",
            7535.0,
            "https://e.org/a",
            "",
            "month",
            "2021-09-01",
            "2021-09-30",
            "day",
            "exact",
            BG,
            TRIES,
        ],
        [
            "PL",
            "2021-09",
            "attempted_crossings",
            7667.0,
            "https://e.org/b",
            "",
            "month",
            "2021-09-01",
            "2021-09-30",
            "day",
            "exact",
            BG,
            TRIES,
        ],
        [
            "PL",
            "2021-09",
            "attempted_crossings",
            7500.0,
            "https://e.org/c",
            "",
            "month",
            "2021-09-01",
            "2021-09-30",
            "day",
            "about",
            BG,
            TRIES,
        ],
        [
            "PL",
            "2021-10",
            "attempted_crossings_running_total",
            6700.0,
            "https://e.org/d",
            "",
            "running",
            "2021-10-01",
            "2021-10-12",
            "day",
            "rounded",
            BG,
            TRIES,
        ],
        [
            "LT",
            "2020-12",
            "detentions_year_total",
            74.0,
            "https://e.org/e",
            "",
            "year",
            "2020-01-01",
            "2020-12-31",
            "day",
            "exact",
            "Interior Ministry",
            "arrivals",
        ],
        [
            "LT",
            "2020-12",
            "detentions_year_total",
            81.0,
            "https://e.org/f",
            "",
            "year",
            "2020-01-01",
            "2020-12-31",
            "day",
            "exact",
            "AP",
            "caught",
        ],
        [
            "LV",
            "2021-11",
            "prevented_entries_running_total",
            2031.0,
            "https://e.org/g",
            "",
            "running",
            "2021-08-10",
            "2021-11-30",
            "month",
            "exact",
            "Latvian State Border Guard",
            "stopped",
        ],
        [
            "LV",
            "2021-11",
            "detentions_running_total",
            407.0,
            "https://e.org/h",
            "",
            "running",
            "2021-01-01",
            "2021-11-30",
            "month",
            "exact",
            "Latvian State Border Guard",
            "detained",
        ],
    ],
    columns=TYPED_COLUMNS,
)


def test_two_exact_figures_stand_side_by_side_and_loose_ones_stay_in_the_detail():
    pl, _, _ = figures.month_figures(TYPED, dt.date(2021, 9, 1))
    assert pl.value == "7,667 · 7,535"
    assert "about 7,500 [3]" in pl.detail and "Polish Border Guard" in pl.detail
    assert [r.kind for r in pl.readings] == ["exact", "exact", "about"]
    assert pl.readings[0].period == "September 2021" and pl.readings[0].counts == TRIES


def test_a_month_to_date_figure_is_not_the_month():
    pl, _, _ = figures.month_figures(TYPED, dt.date(2021, 10, 15))
    assert pl.value == "6,700 (running total)"
    assert pl.readings[0].period == "1 Oct 2021 to 12 Oct 2021"
    assert "Polish Border Guard: 1 Oct 2021 to 12 Oct 2021" in pl.detail


def test_bodies_that_disagree_on_one_period_are_both_in_the_headline():
    _, lt, _ = figures.month_figures(TYPED, dt.date(2020, 12, 1))
    assert lt.value == "74 · 81 (whole-year total)"
    assert {r.body for r in lt.readings} == {"Interior Ministry", "AP"}


def test_every_running_series_of_the_month_is_listed_with_its_start():
    _, _, lv = figures.month_figures(TYPED, dt.date(2021, 11, 3))
    assert lv.value == "2,031 (running total)"
    assert [r.period for r in lv.readings] == ["10 Aug 2021 to November 2021", "1 Jan 2021 to November 2021"]
    assert lv.sources == ("https://e.org/g", "https://e.org/h")


def test_chart_points_are_whole_months_only():
    points = figures.chart_points(TYPED, "attempted_crossings")
    assert set(points["month"]) == {"2021-09"} and len(points) == 3


def test_a_running_total_shows_only_in_its_own_month_and_says_what_it_counts():
    _, _, lv = figures.month_figures(MONTHLY, dt.date(2021, 9, 30))
    assert lv.value == "1,284 (running total)"
    assert "entries prevented (running total)" in lv.detail and "since 10 Aug 2021" in lv.detail
    assert lv.sources == ("https://example.org/lv",)


def test_month_figures_fall_back_to_another_monthly_count():
    _, lt, _ = figures.month_figures(MONTHLY, dt.date(2021, 7, 1))
    assert lt.value == "2,882" and lt.detail.startswith("people detained")


def test_week_events_are_those_of_the_iso_week():
    events = gpd.GeoDataFrame(
        [
            {"name": "Sunday before", "start": "2021-11-07", "date_precision": "day"},
            {"name": "Monday", "start": "2021-11-08", "date_precision": "day"},
            {"name": "Sunday", "start": "2021-11-14", "date_precision": "day"},
            {"name": "A month", "start": "2021-11-01", "date_precision": "month"},
        ],
        geometry=[Point(0, 0)] * 4,
    )
    week = figures.week_events(events, dt.date(2021, 11, 10))
    assert list(week["name"]) == ["Monday", "Sunday"]


def test_metric_words():
    assert figures.metric_words("attempted_crossings") == "Attempted crossings"
    assert figures.metric_words("prevented_entries_cumulative") == "Entries prevented (running total)"
    assert figures.metric_words("prevented_entries_running_total") == "Entries prevented (running total)"
    assert figures.metric_words("detentions_year_total") == "People detained (whole-year total)"


def test_chart_line_breaks_at_missing_months_and_takes_the_middle_of_disagreeing_sources():
    monthly = pd.DataFrame(
        [
            ["PL", "2021-02", "attempted_crossings", 1.0, "https://e.org/1", ""],
            ["PL", "2021-07", "attempted_crossings", 200.0, "https://e.org/2", ""],
            ["PL", "2021-08", "attempted_crossings", 3531.0, "https://e.org/3", ""],
            ["PL", "2021-08", "attempted_crossings", 3500.0, "https://e.org/4", ""],
            ["LT", "2021-07", "detentions", 2882.0, "https://e.org/5", ""],
        ],
        columns=["country", "month", "metric", "value", "source_url", "notes"],
    )
    points = figures.chart_points(monthly, "attempted_crossings")
    assert len(points) == 4 and set(points["country_name"]) == {"Poland"}
    line = figures.chart_line(points)
    assert list(line["month"]) == ["2021-02", "2021-07", "2021-08"]
    assert line.set_index("month").loc["2021-08", "value"] == 3515.5
    runs = list(line["run"])
    assert runs[0] != runs[1] and runs[1] == runs[2]  # Feb stands alone: Mar–Jun have no figure
    assert "date" not in monthly.columns  # the input is left alone


KUZNICA_COUNTS = [
    {
        "date": "2021-11-12",
        "people": 1000,
        "sources": ["https://e.org/pl"],
        "by": "Polish Border Guard",
        "counts": "people in the camp",
        "value_kind": "over",
    },
    {
        "date": "2021-11-13",
        "people": 2000,
        "sources": ["https://e.org/by"],
        "by": "Belarusian State Border Committee",
        "value_kind": "about",
    },
    {
        "date": "2021-11-15",
        "people": 2000,
        "sources": ["https://e.org/tass"],
        "by": "TASS",
        "value_kind": "about",
        "estimates": [
            {"people": 3500, "by": "Żaryn", "value_kind": "about", "sources": ["https://e.org/polsat"]}
        ],
    },
]


def test_camp_readings_give_each_sides_latest_count_by_the_day():
    readings = figures.camp_readings(KUZNICA_COUNTS, dt.date(2021, 11, 13))
    assert [(r.body, r.value, r.period) for r in readings] == [
        ("Belarusian State Border Committee", "about 2,000", "13 Nov 2021"),
        ("Polish Border Guard", "over 1,000", "12 Nov 2021"),
    ]
    assert figures.camp_readings(KUZNICA_COUNTS, dt.date(2021, 11, 11)) == ()
    assert figures.camp_readings(None, None) == ()


def test_a_camp_counted_differently_on_its_latest_day_shows_both_numbers_not_a_range():
    row = camp_row("Kuźnica camp", "makeshift_camp", 2000, day="2021-11-15", sources=("https://e.org/tass",))
    frame = camps({**row, "counts": KUZNICA_COUNTS})
    figure = figures.camp_people(frame, dt.date(2021, 11, 15))
    assert figure.value == "about 2,000 · about 3,500"
    assert "Żaryn: 15 Nov 2021" in figure.detail and "Polish Border Guard: 12 Nov 2021" in figure.detail
    assert "https://e.org/polsat" in figure.sources and len(figure.readings) == 4
