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
    assert timeline.parse_day("2020-08-09") == timeline.CRISIS_START
    assert timeline.parse_day("2022-12-31") == timeline.CRISIS_END


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2020-08-08",
            "date 2020-08-08 is outside the map's period: valid range is 2020-08-09 to 2022-12-31",
        ),
        ("2023-01-01", "date 2023-01-01 is outside the map's period"),
        (
            "2021-11-31",
            "invalid date '2021-11-31': expected YYYY-MM-DD; valid range is 2020-08-09 to 2022-12-31",
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


# --- steps, jumps and weeks ---------------------------------------------------------


def test_step_stays_inside_the_period():
    assert timeline.step(dt.date(2021, 11, 13), 1) == dt.date(2021, 11, 14)
    assert timeline.step(dt.date(2021, 11, 13), -7) == dt.date(2021, 11, 6)
    assert timeline.step(timeline.CRISIS_END, 7) == timeline.CRISIS_END
    assert timeline.step(timeline.CRISIS_START, -1) == timeline.CRISIS_START


def test_previous_and_next_change_are_strict():
    changes = [dt.date(2021, 8, 5), dt.date(2021, 11, 8), dt.date(2021, 11, 18)]
    day = dt.date(2021, 11, 8)
    assert timeline.previous_change(changes, day) == dt.date(2021, 8, 5)
    assert timeline.next_change(changes, day) == dt.date(2021, 11, 18)
    assert timeline.previous_change(changes, dt.date(2021, 8, 5)) is None
    assert timeline.next_change(changes, dt.date(2021, 11, 18)) is None
    assert timeline.next_change(changes, dt.date(2021, 11, 10)) == dt.date(2021, 11, 18)


def test_week_runs_monday_to_sunday():
    assert timeline.week_of(dt.date(2021, 11, 13)) == (dt.date(2021, 11, 8), dt.date(2021, 11, 14))
    assert timeline.week_of(dt.date(2021, 11, 8)) == (dt.date(2021, 11, 8), dt.date(2021, 11, 14))


# --- fences, counts, closures -------------------------------------------------------

A, B = "https://example.org/a", "https://example.org/b"
PROGRESS = [
    {"date": "2022-05-19", "built_km": 90, "sources": [A]},
    {"date": "2022-06-30", "built_km": 180, "sources": [B]},
]


def test_fence_not_built_before_its_start():
    assert timeline.fence_built_by(PROGRESS, "2022-01-25", dt.date(2022, 1, 24)) is None


def test_fence_on_its_first_day_has_nothing_standing_yet():
    progress = timeline.fence_built_by(PROGRESS, "2022-01-25", dt.date(2022, 1, 25))
    assert progress.built_km == 0 and not progress.interpolated


def test_fence_on_a_sourced_day_gives_that_figure_and_its_source():
    progress = timeline.fence_built_by(PROGRESS, "2022-01-25", dt.date(2022, 5, 19))
    assert (progress.built_km, progress.interpolated, progress.sources) == (90, False, (A,))
    assert "19 May 2022" in progress.basis


def test_fence_between_two_points_is_interpolated_and_says_so():
    # 2022-06-09 is 21 of the 42 days between the two points: half-way.
    progress = timeline.fence_built_by(PROGRESS, "2022-01-25", dt.date(2022, 6, 9))
    assert progress.built_km == 135.0 and progress.interpolated
    assert progress.sources == (A, B)
    assert progress.basis.startswith("interpolated between 90 km on 19 May 2022 and 180 km on 30 Jun 2022")


def test_fence_before_the_first_point_grows_from_zero_at_its_start():
    progress = timeline.fence_built_by(PROGRESS, "2022-01-25", dt.date(2022, 3, 23))
    assert progress.interpolated and 0 < progress.built_km < 90


def test_fence_after_the_last_point_keeps_the_last_figure():
    progress = timeline.fence_built_by(PROGRESS, "2022-01-25", dt.date(2022, 12, 1))
    assert (progress.built_km, progress.interpolated) == (180, False)
    assert progress.basis == "last reported figure, for 30 Jun 2022"


def test_count_on_is_the_latest_count_made_by_that_day():
    counts = [{"date": "2021-11-09", "people": 2000}, {"date": "2021-11-15", "people": 3500}]
    assert timeline.count_on(counts, dt.date(2021, 11, 8)) is None
    assert timeline.count_on(counts, dt.date(2021, 11, 9))["people"] == 2000
    assert timeline.count_on(counts, dt.date(2021, 11, 14))["people"] == 2000
    assert timeline.count_on(counts, dt.date(2021, 11, 20))["people"] == 3500


def test_period_on_finds_the_closure_holding_the_day():
    closures = [{"start": "2021-11-09", "end": "2021-11-20"}, {"start": "2023-02-10", "end": ""}]
    assert timeline.period_on(closures, dt.date(2021, 11, 8)) is None
    assert timeline.period_on(closures, dt.date(2021, 11, 20)) is closures[0]
    assert timeline.period_on(closures, dt.date(2021, 11, 21)) is None
    assert timeline.period_on(closures, dt.date(2024, 1, 1)) is closures[1]
