"""The map on one day: fences cut to their length, crossing states, camp counts, change days."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from helpers import SOURCE, camp, collection, crossing, fence, write_layers
from pyproj import Geod

from mapapp import data, snapshot

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def dataset(tmp_path, layers):
    layers["fences.geojson"] = collection(
        fence(
            "f-1",
            "2022-01-01",
            [
                {"date": "2022-02-01", "built_km": 25, "sources": ["https://example.org/25"]},
                {"date": "2022-03-01", "built_km": 100, "sources": ["https://example.org/100"]},
            ],
            planned_km=100,
        )
    )
    layers["crossings.geojson"] = collection(
        crossing(
            "x-1",
            [{"start": "2021-11-09", "end": "2021-11-20", "note": "closed by Poland", "sources": [SOURCE]}],
        )
    )
    layers["camps.geojson"] = collection(
        camp(
            "c-1",
            "2021-11-08",
            "2021-11-17",
            [
                {"date": "2021-11-09", "people": 2000, "sources": ["https://example.org/2000"]},
                {"date": "2021-11-15", "people": 3500, "sources": ["https://example.org/3500"]},
            ],
        )
    )
    return data.load_dataset(write_layers(tmp_path / "geodata", layers))


def geodesic_km(geom) -> float:
    return GEOD.geometry_length(geom) / 1000


def test_fence_geometry_is_the_part_built_on_the_day(dataset):
    # The stored line is 0.9° of latitude (~100 km): the planned length.
    full = dataset.frame("fences").geometry.iloc[0]
    feb = snapshot.frames_on(dataset, dt.date(2022, 2, 1), ["fences"])["fences"].iloc[0]
    assert feb["built_km"] == 25 and not feb["built_km_interpolated"]
    assert geodesic_km(feb.geometry) == pytest.approx(0.25 * geodesic_km(full), rel=0.01)
    assert geodesic_km(feb["_rest"]) == pytest.approx(0.75 * geodesic_km(full), rel=0.01)
    assert feb["built_km_sources"] == ["https://example.org/25"]
    mid = snapshot.frames_on(dataset, dt.date(2022, 2, 15), ["fences"])["fences"].iloc[0]
    assert mid["built_km_interpolated"] and 25 < mid["built_km"] < 100
    done = snapshot.frames_on(dataset, dt.date(2022, 6, 1), ["fences"])["fences"].iloc[0]
    assert done["built_km"] == 100 and done["_rest"] is None
    assert done.geometry.equals(full)


def test_fence_on_its_first_day_has_no_built_geometry_and_is_not_in_a_snapshot_as_a_line(dataset):
    first = snapshot.frames_on(dataset, dt.date(2022, 1, 1), ["fences"])["fences"].iloc[0]
    assert first.geometry is None and first["built_km"] == 0
    doc = snapshot.snapshot(dataset, dt.date(2022, 1, 1))
    feature = next(f for f in doc["features"] if f["properties"]["id"] == "f-1")
    assert feature["geometry"] is None
    assert "_rest" not in feature["properties"]


def test_fences_are_not_shown_before_they_start(dataset):
    assert snapshot.frames_on(dataset, dt.date(2021, 12, 31), ["fences"])["fences"].empty


def test_frames_on_leaves_the_dataset_alone(dataset):
    before = copy.deepcopy(dataset.frame("fences"))
    snapshot.frames_on(dataset, dt.date(2022, 2, 15))
    assert dataset.frame("fences").equals(before)
    assert "built_km" not in dataset.frame("fences").columns


@pytest.mark.parametrize(
    ("day", "status"),
    [("2021-11-08", "open"), ("2021-11-09", "closed"), ("2021-11-20", "closed"), ("2021-11-21", "open")],
)
def test_crossing_status_follows_its_closures(dataset, day, status):
    row = snapshot.frames_on(dataset, dt.date.fromisoformat(day), ["crossings"])["crossings"].iloc[0]
    assert row["status"] == status
    if status == "closed":
        assert row["status_note"] == "closed 9 Nov 2021 – 20 Nov 2021. closed by Poland"
        assert row["status_sources"] == [SOURCE]


@pytest.mark.parametrize(
    ("day", "people"),
    [("2021-11-08", None), ("2021-11-09", 2000), ("2021-11-14", 2000), ("2021-11-16", 3500)],
)
def test_camp_shows_the_latest_count_by_the_day(dataset, day, people):
    row = snapshot.frames_on(dataset, dt.date.fromisoformat(day), ["camps"])["camps"].iloc[0]
    assert (row["people_on_day"] if people else None) == people


@pytest.mark.parametrize(
    ("day", "present"),
    [("2021-11-07", False), ("2021-11-08", True), ("2021-11-17", True), ("2021-11-18", False)],
)
def test_camp_stands_exactly_on_its_days(dataset, day, present):
    frame = snapshot.frames_on(dataset, dt.date.fromisoformat(day), ["camps"])["camps"]
    assert (len(frame) == 1) is present


def test_change_days_hold_starts_ends_and_series(dataset):
    days = snapshot.change_days(dataset)
    assert days == sorted(set(days))
    for expected in (
        "2021-11-08",  # camp and event start
        "2021-11-18",  # the day after the camp's end
        "2021-11-15",  # a camp count
        "2021-11-09",  # a crossing closes
        "2021-11-21",  # and opens again
        "2022-02-01",  # fence progress
    ):
        assert dt.date.fromisoformat(expected) in days


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.37, 0.5, 0.99, 1.0])
def test_cut_line_agrees_with_shapely_substring(fraction):
    from shapely.geometry import LineString
    from shapely.ops import substring

    line = LineString([(0, 0), (1, 0), (1, 2), (4, 2), (4, 3)])
    part, rest = snapshot.cut_line(line, fraction)
    if fraction == 0:
        assert part is None and rest.equals(line)
    elif fraction == 1:
        assert part.equals(line) and rest is None
    else:
        assert part.equals_exact(substring(line, 0, fraction, normalized=True), 1e-9)
        assert rest.equals_exact(substring(line, fraction, 1, normalized=True), 1e-9)
        assert part.length + rest.length == pytest.approx(line.length)
