"""Schema checks: a good file passes, each kind of bad file fails with its message."""

from __future__ import annotations

import pytest
from helpers import collection, event, feature, point

from mapapp import schema


def check(doc: dict) -> list[str]:
    return [str(p) for p in schema.check_features("events.geojson", doc, (), dated=True, layer="events")]


def test_good_collection_has_no_problems():
    assert check(collection(event("a", "2021-11-08", "2021-11-17"), event("b", "2021-11-16"))) == []


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"start": "2021-13-01"}, "feature 'x': field 'start' = '2021-13-01': not an ISO date"),
        ({"start": "8 Nov 2021"}, "field 'start' = '8 Nov 2021': not an ISO date"),
        ({"start": "2021-W46-2"}, "field 'start' = '2021-W46-2': not an ISO date"),
        ({"start": "2021-11-1 "}, "field 'start' = '2021-11-1 ': not an ISO date"),
        ({"end": "2021/11/20"}, "field 'end' = '2021/11/20': not an ISO date"),
        ({"end": "2021-W46-2"}, "field 'end' = '2021-W46-2': not an ISO date"),
        ({"end": "20211116"}, "field 'end' = '20211116': not an ISO date"),
        ({"end": None}, "field 'end' = None: not an ISO date (YYYY-MM-DD) or \"\" (ongoing)"),
        (
            {"start": "2021-11-17", "end": "2021-11-08"},
            "field 'end' = '2021-11-08': is before start 2021-11-17",
        ),
        ({"date_precision": "week"}, "field 'date_precision' = 'week': must be one of"),
        ({"geo_precision": "rough"}, "field 'geo_precision' = 'rough': must be one of"),
        ({"sources": []}, "field 'sources' = []: must be a non-empty list of URLs"),
        ({"sources": "https://example.org"}, "must be a non-empty list of URLs"),
        (
            {"sources": ["example.org/page"]},
            "field 'sources' = 'example.org/page': not an acceptable http(s) URL",
        ),
        ({"sources": ["https://exa mple.org"]}, "not an acceptable http(s) URL"),
        ({"sources": ["ftp://example.org/x"]}, "not an acceptable http(s) URL"),
        ({"layer": "camps"}, "field 'layer' = 'camps': expected 'events'"),
        ({"name": ""}, "field 'name' = '': must be a non-empty text"),
        ({"notes": None}, "field 'notes' = None: must be text"),
    ],
)
def test_each_bad_value_is_named(props, expected):
    problems = check(collection(event("x", "2021-11-08", **{k: v for k, v in props.items() if k != "start"})))
    if "start" in props:
        problems = check(collection(event("x", props["start"], props.get("end", ""))))
    assert any(p.startswith("events.geojson: ") and expected in p for p in problems), problems


@pytest.mark.parametrize(
    "missing", ["id", "name", "start", "end", "date_precision", "geo_precision", "sources", "notes"]
)
def test_missing_required_field(missing):
    f = event("x", "2021-11-08")
    del f["properties"][missing]
    problems = check(collection(f))
    assert any(f"field {missing!r} = None: required field is missing" in p for p in problems), problems


def test_duplicate_ids_are_reported():
    problems = check(collection(event("dup", "2021-11-08"), event("dup", "2021-11-09")))
    assert problems == ["events.geojson: feature 'dup': field 'id' = 'dup': duplicate id"]


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (None, "missing geometry"),
        ({"type": "Point", "coordinates": []}, "empty geometry"),
        ({"type": "Blob", "coordinates": [1, 2]}, "unreadable geometry"),
        (point(2_600_000.0, 6_700_000.0), "coordinates outside lon/lat range"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "invalid geometry: Self-intersection",
        ),
    ],
)
def test_bad_geometry(geometry, expected):
    f = event("g", "2021-11-08")
    f["geometry"] = geometry
    problems = check(collection(f))
    assert any(
        p.startswith("events.geojson: feature 'g': field 'geometry'") and expected in p for p in problems
    ), problems


def test_every_problem_of_a_file_is_reported_at_once():
    bad = collection(
        event("a", "2021-02-30"),
        event("b", "2021-11-08", sources=["nope"]),
        event("c", "2021-11-08", geo_precision="somewhere"),
    )
    problems = check(bad)
    assert len(problems) == 3
    assert [p.split(": ")[1] for p in problems] == ["feature 'a'", "feature 'b'", "feature 'c'"]


def test_crs_other_than_wgs84_is_refused():
    doc = collection(event("a", "2021-11-08"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}}
    assert check(doc) == [
        "events.geojson: field 'crs' = 'urn:ogc:def:crs:EPSG::3035': CRS must be EPSG:4326 (WGS84 lon/lat)"
    ]


def test_wgs84_crs_member_is_accepted():
    doc = collection(event("a", "2021-11-08"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert check(doc) == []


def test_not_a_feature_collection():
    assert check({"type": "Feature"}) == ["events.geojson: not a GeoJSON FeatureCollection"]


def test_undated_layer_checks_its_own_required_fields():
    doc = collection(feature(point(24, 53), id="t", name="Town"))
    problems = [
        str(p) for p in schema.check_features("towns.geojson", doc, ("id", "name", "sources"), False, None)
    ]
    assert problems == ["towns.geojson: feature 't': field 'sources' = None: required field is missing"]


def test_bad_crs_is_reported_with_the_feature_problems():
    doc = collection(event("a", "2021-11-08"), event("b", "someday"))
    doc["crs"] = {"type": "name", "properties": {"name": ["EPSG:3035"]}}
    problems = check(doc)
    assert "events.geojson: field 'crs' = ['EPSG:3035']: CRS must be EPSG:4326 (WGS84 lon/lat)" in problems
    assert any("feature 'b': field 'start' = 'someday'" in p for p in problems)


@pytest.mark.parametrize(
    ("precision", "start", "end", "expected"),
    [
        ("month", "2021-11-01", "2021-11-30", []),
        ("month", "2021-11-01", "", []),
        ("month", "2021-11-16", "2021-11-30", ["field 'start' = '2021-11-16': month precision: use the 1st"]),
        (
            "month",
            "2021-11-01",
            "2021-11-29",
            ["field 'end' = '2021-11-29': month precision: use the month's last day"],
        ),
        ("month", "2024-02-01", "2024-02-29", []),
        ("year", "2021-01-01", "2021-12-31", []),
        (
            "year",
            "2021-03-01",
            "2021-12-30",
            [
                "field 'start' = '2021-03-01': year precision: use 1 January",
                "field 'end' = '2021-12-30': year precision: use 31 December",
            ],
        ),
    ],
)
def test_coarse_precision_uses_placeholder_days(precision, start, end, expected):
    problems = check(collection(event("p", start, end, date_precision=precision)))
    assert [p.split("feature 'p': ", 1)[1] for p in problems] == expected
