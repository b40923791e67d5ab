"""The bundled base geography: border lengths, the tripoint, properties, sizes."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from helpers import GEODATA
from pyproj import Geod, Transformer
from shapely.geometry import Point, shape

GEOD = Geod(ellps="WGS84")
OFFICIAL_KM = {"BY-PL": 418.0, "BY-LT": 678.8, "BY-LV": 172.9}
# Poland–Lithuania–Belarus tripoint (https://it.wikipedia.org/wiki/Confine_tra_la_Lituania_e_la_Polonia).
TRIPOINT = (23.515842, 53.954881)


def borders() -> dict[str, dict]:
    doc = json.loads((GEODATA / "border_segments.geojson").read_text())
    return {f["properties"]["countries"]: f for f in doc["features"]}


def test_one_line_per_neighbour():
    assert sorted(borders()) == ["BY-LT", "BY-LV", "BY-PL", "BY-RU", "BY-UA"]


@pytest.mark.parametrize("pair", sorted(OFFICIAL_KM))
def test_geodesic_length_within_90_to_105_percent_of_official(pair):
    f = borders()[pair]
    km = GEOD.geometry_length(shape(f["geometry"])) / 1000
    assert 0.90 * OFFICIAL_KM[pair] <= km <= 1.05 * OFFICIAL_KM[pair], km
    # The stored figures tell the truth about the geometry.
    assert f["properties"]["length_km"] == pytest.approx(km, abs=0.1)
    assert f["properties"]["official_length_km"] == OFFICIAL_KM[pair]


def test_pl_lt_by_tripoint_within_1_km():
    pl, lt = shape(borders()["BY-PL"]["geometry"]), shape(borders()["BY-LT"]["geometry"])
    meeting = pl.intersection(lt)
    assert meeting.geom_type == "Point", meeting
    _, _, metres = GEOD.inv(*TRIPOINT, meeting.x, meeting.y)
    assert metres <= 1000, metres


@pytest.mark.parametrize("pair", ["BY-PL", "BY-LT", "BY-LV", "BY-UA"])
def test_each_eu_border_is_one_continuous_line(pair):
    assert shape(borders()[pair]["geometry"]).geom_type == "LineString"


def test_border_properties():
    for pair, f in borders().items():
        props = f["properties"]
        assert props["id"] == f"border-{pair}"
        assert props["layer"] == "border_segments"
        assert props["sources"] and all(
            u.startswith("https://") or u.startswith("http://") for u in props["sources"]
        )


def test_borders_lie_on_belarus_outline():
    doc = json.loads((GEODATA / "countries.geojson").read_text())
    belarus = next(shape(f["geometry"]) for f in doc["features"] if f["properties"]["iso_a2"] == "BY")
    to_metres = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
    outline = shapely.transform(belarus.boundary, lambda xy: np.column_stack(to_metres.transform(*xy.T)))
    for pair, f in borders().items():
        coords = np.asarray(shapely.get_coordinates(shape(f["geometry"])))[::10]
        points = shapely.points(np.column_stack(to_metres.transform(*coords.T)))
        # Every vertex within 1 km of the backdrop's (simplified, lake-filled) outline.
        assert shapely.distance(points, outline).max() < 1000, pair


def test_towns_are_where_they_should_be():
    doc = json.loads((GEODATA / "towns.geojson").read_text())
    towns = {f["properties"]["name"]: shape(f["geometry"]) for f in doc["features"]}
    assert set(towns) == {
        "Minsk",
        "Grodno (Hrodna)",
        "Brest",
        "Białystok",
        "Vilnius",
        "Daugavpils",
        "Warsaw",
        "Riga",
    }
    # Minsk within 2 km of 53.9 N, 27.5667 E (https://en.wikipedia.org/wiki/Minsk).
    _, _, metres = GEOD.inv(27.5667, 53.9, towns["Minsk"].x, towns["Minsk"].y)
    assert metres < 2000


def test_every_town_is_inside_its_country():
    countries = {
        f["properties"]["iso_a2"]: shape(f["geometry"])
        for f in json.loads((GEODATA / "countries.geojson").read_text())["features"]
    }
    for f in json.loads((GEODATA / "towns.geojson").read_text())["features"]:
        point = Point(f["geometry"]["coordinates"])
        assert countries[f["properties"]["country"]].contains(point), f["properties"]["name"]


def test_every_file_is_under_5_mb():
    for path in GEODATA.iterdir():
        assert path.stat().st_size < 5 * 1024 * 1024, path.name
