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
    assert pl.value == "17,300–17,447" and "sources differ: 17,300; 17,447" in pl.detail
    assert set(pl.sources) == {"https://example.org/pl1", "https://example.org/pl2"}
    assert lt.value == "no figure"
    # Latvia's running total of September is not October's figure.
    assert lv.value == "no figure"


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
