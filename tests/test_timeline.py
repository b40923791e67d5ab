"""Date logic at the edges: first day, last day, open end, the period's bounds."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import Point

from mapapp import timeline


def frame(rows):
    return gpd.GeoDataFrame(
        [{"id": i, "start": s, "end": e} for i, s, e in rows],
        geometry=[Point(0, 0)] * len(rows),
        crs="EPSG:4326",
    )


EVENTS = frame(
    [("a", "2021-11-08", "2021-11-17"), ("b", "2021-11-16", ""), ("c", "2021-05-01", "2021-05-01")]
)


def ids_on(day: str) -> list[str]:
    return list(timeline.active_on(EVENTS, dt.date.fromisoformat(day))["id"])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2021-11-07", []),  # day before the first day
        ("2021-11-08", ["a"]),  # first day
        ("2021-11-16", ["a", "b"]),  # open end starts
        ("2021-11-17", ["a", "b"]),  # last day
        ("2021-11-18", ["b"]),  # day after the last day; open end goes on
        ("2022-12-31", ["b"]),  # open end lasts to the end of the period
        ("2021-05-01", ["c"]),  # a one-day feature on its day
        ("2021-05-02", []),
    ],
)
def test_active_on_edges(day, expected):
    assert ids_on(day) == expected


def test_active_on_returns_a_new_frame():
    result = timeline.active_on(EVENTS, dt.date(2021, 11, 16))
    result.loc[result.index[0], "id"] = "changed"
    assert list(EVENTS["id"]) == ["a", "b", "c"]


def test_missing_end_counts_as_ongoing():
    f = frame([("x", "2021-06-01", None)])
    assert list(timeline.active_on(f, dt.date(2022, 1, 1))["id"]) == ["x"]


def test_undated_frame_is_returned_whole():
    f = gpd.GeoDataFrame({"id": ["border"]}, geometry=[Point(0, 0)], crs="EPSG:4326")
    assert list(timeline.active_on(f, dt.date(2021, 11, 13))["id"]) == ["border"]


def test_parse_day_accepts_the_period_bounds():
    assert timeline.parse_day("2021-05-01") == timeline.CRISIS_START
    assert timeline.parse_day("2022-12-31") == timeline.CRISIS_END


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2021-04-30",
            "date 2021-04-30 is outside the map's period: valid range is 2021-05-01 to 2022-12-31",
        ),
        ("2023-01-01", "date 2023-01-01 is outside the map's period"),
        (
            "2021-11-31",
            "invalid date '2021-11-31': expected YYYY-MM-DD; valid range is 2021-05-01 to 2022-12-31",
        ),
        ("13/11/2021", "invalid date '13/11/2021'"),
        ("2021-11-3", "invalid date '2021-11-3'"),
        ("", "invalid date ''"),
    ],
)
def test_parse_day_names_value_and_range(text, message):
    with pytest.raises(timeline.DateOutOfRange) as info:
        timeline.parse_day(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        ("2021-11-16", "2021-11-16", "day", "16 Nov 2021"),
        ("2021-11-08", "2021-11-17", "day", "8 Nov 2021 – 17 Nov 2021"),
        ("2021-09-02", "", "day", "since 2 Sep 2021 (ongoing)"),
        ("2021-11-01", "2021-11-30", "month", "Nov 2021 (month precision)"),
        ("2021-01-01", "", "year", "since 2021 (ongoing) (year precision)"),
    ],
)
def test_describe_period(start, end, precision, expected):
    assert timeline.describe_period(start, end, precision) == expected


def test_period_length():
    assert timeline.days_in_period() == 610
