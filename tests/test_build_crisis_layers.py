"""The build script of the computed layers: great circles, fences along borders, zone bands."""

from __future__ import annotations

import importlib.util
import json

import geopandas as gpd
import pytest
from helpers import GEODATA, REPO
from pyproj import Geod
from shapely.geometry import LineString

spec = importlib.util.spec_from_file_location(
    "build_crisis_layers", REPO / "scripts" / "build_crisis_layers.py"
)
build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build)

GEOD = Geod(ellps="WGS84")


def test_great_circle_follows_the_geodesic():
    line = build.great_circle(44.2346, 33.2625, 28.0307, 53.8825)  # Baghdad → Minsk
    assert line.coords[0] == (44.2346, 33.2625) and line.coords[-1] == (28.0307, 53.8825)
    # Each point lies on the geodesic: the path is no longer than the direct distance.
    direct = GEOD.inv(44.2346, 33.2625, 28.0307, 53.8825)[2]
    assert GEOD.geometry_length(line) == pytest.approx(direct, rel=1e-4)


@pytest.mark.parametrize(
    ("end", "first"), [("north", (2, 2)), ("south", (0, 0)), ("west", (0, 0)), ("east", (2, 2))]
)
def test_oriented_starts_at_the_named_end(end, first):
    line = LineString([(0, 0), (1, 1), (2, 2)])
    assert build.oriented(line, end).coords[0] == first


def test_along_takes_the_first_kilometres():
    borders = gpd.read_file(GEODATA / "border_segments.geojson")
    part = build.along(build.border_line(borders, "PL"), "north", 50)
    assert part.coords[0][1] > 53.9  # starts at the Lithuanian tripoint
    assert GEOD.geometry_length(part) / 1000 == pytest.approx(50, rel=0.01)
    with pytest.raises(SystemExit, match="longer than the border line"):
        build.along(build.border_line(borders, "PL"), "north", 5000)


def test_rebuilding_gives_the_committed_files(tmp_path):
    # The committed files are exactly what the script makes from the inputs.
    data_dir = tmp_path / "geodata"
    (data_dir / "inputs").mkdir(parents=True)
    for name in ("border_segments.geojson", "countries.geojson"):
        (data_dir / name).write_bytes((GEODATA / name).read_bytes())
    for path in (GEODATA / "inputs").glob("*.json"):
        (data_dir / "inputs" / path.name).write_bytes(path.read_bytes())
    assert build.main(["--data-dir", str(data_dir)]) == 0
    for name in ("flight_routes.geojson", "fences.geojson", "emergency_zones.geojson"):
        assert json.loads((data_dir / name).read_text()) == json.loads((GEODATA / name).read_text()), name
