"""Build the computed crisis layers from the curated tables in ``geodata/inputs/``.

Writes three files of ``geodata/``:

- ``flight_routes.geojson``: each route period as the great circle
  (``pyproj.Geod(ellps="WGS84").npts``) between its airports, taken from the
  ``airportsdata`` package (MIT);
- ``fences.geojson``: each barrier laid along its country's border line with
  Belarus (``border_segments.geojson``) from the end its record names, for its
  planned length (geodesic, EPSG:3035 to measure);
- ``emergency_zones.geojson``: each regime as a band of its depth inside the
  country along that border line, or the whole country.

Re-runnable and deterministic; no network. Usage::

    python scripts/build_crisis_layers.py [--data-dir geodata]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import airportsdata
import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry import LineString, mapping
from shapely.ops import substring

REPO = Path(__file__).resolve().parent.parent
GEOD = Geod(ellps="WGS84")
METRIC = "EPSG:3035"  # ETRS89 / LAEA Europe: lengths and buffers in metres
AIRPORTS_SOURCE = "https://github.com/mborsetti/airportsdata"
#: Points per great circle: enough for a smooth curve, few enough to stay small.
ARC_POINTS = 64


def write(path: Path, features: list[dict]) -> None:
    """Write a FeatureCollection, one feature per line, coordinates rounded to ~1 m."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8"
    )
    print(f"wrote {path.name}: {len(features)} features, {path.stat().st_size / 1024:.0f} KiB")


def _round(geom) -> dict:
    """GeoJSON of a geometry with coordinates rounded to 5 decimals."""
    return mapping(shapely.set_precision(geom, 1e-5))


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float) -> LineString:
    """The great circle between two points, as a line of ``ARC_POINTS`` + 2 points."""
    middle = GEOD.npts(lon1, lat1, lon2, lat2, ARC_POINTS)
    return LineString([(lon1, lat1), *middle, (lon2, lat2)])


def build_routes(inputs: dict) -> list[dict]:
    """Route features from the curated route periods."""
    airports = airportsdata.load("IATA")
    features = []
    for record in inputs["routes"]:
        origin, destination = airports[record["from"]], airports[record["to"]]
        line = great_circle(origin["lon"], origin["lat"], destination["lon"], destination["lat"])
        direction = "outbound" if record["from"] == "MSQ" else "inbound"
        props = {
            "id": record["id"],
            "layer": "flight_routes",
            "name": record["name"],
            "start": record["start"],
            "end": record["end"],
            "date_precision": record["date_precision"],
            "geo_precision": "exact",
            "origin_iata": record["from"],
            "origin_name": f"{origin['name']}, {origin['city']}",
            "destination_iata": record["to"],
            "destination_name": f"{destination['name']}, {destination['city']}",
            "airline": record["airline"],
            "flights_per_week": record["flights_per_week"],
            "direction": direction,
            "status": record["status"],
            "sources": [*record["sources"], AIRPORTS_SOURCE],
            "notes": record["notes"]
            + " Line: the great circle between the two airports (coordinates from airportsdata).",
        }
        features.append({"type": "Feature", "properties": props, "geometry": _round(line)})
    return features


def border_line(borders: gpd.GeoDataFrame, country: str) -> gpd.GeoSeries:
    """The border line between Belarus and ``country``, in EPSG:4326."""
    rows = borders[borders["countries"] == f"BY-{country}"]
    if len(rows) != 1:
        raise SystemExit(f"border_segments.geojson: expected one BY-{country} line, found {len(rows)}")
    return rows.geometry


def oriented(line: LineString, from_end: str) -> LineString:
    """The line starting at the named end (north, south, west or east)."""
    first, last = line.coords[0], line.coords[-1]
    key = {"north": lambda p: -p[1], "south": lambda p: p[1], "west": lambda p: p[0], "east": lambda p: -p[0]}
    if from_end not in key:
        raise SystemExit(f"fences.json: from_end must be north, south, west or east, not {from_end!r}")
    return line if key[from_end](first) <= key[from_end](last) else line.reverse()


def along(line_4326: gpd.GeoSeries, from_end: str, km: float) -> LineString:
    """The first ``km`` of a border line from ``from_end``, in EPSG:4326."""
    line = oriented(line_4326.iloc[0], from_end)
    metric = gpd.GeoSeries([line], crs=4326).to_crs(METRIC).iloc[0]
    if km * 1000 > metric.length:
        raise SystemExit(f"{km} km is longer than the border line ({metric.length / 1000:.1f} km)")
    part = substring(metric, 0, km * 1000)
    return gpd.GeoSeries([part], crs=METRIC).to_crs(4326).iloc[0]


def build_fences(inputs: dict, borders: gpd.GeoDataFrame) -> list[dict]:
    """Fence features: the planned line along the border, with the progress series."""
    features = []
    for record in inputs["fences"]:
        line = along(border_line(borders, record["country"]), record["from_end"], record["planned_km"])
        props = {
            "id": record["id"],
            "layer": "fences",
            "name": record["name"],
            "start": record["start"],
            "end": record["end"],
            "date_precision": record["date_precision"],
            "geo_precision": "approximate",
            "country": record["country"],
            "kind": record["kind"],
            "planned_km": record["planned_km"],
            "progress": record["progress"],
            "sources": record["sources"],
            "notes": record["notes"],
        }
        features.append({"type": "Feature", "properties": props, "geometry": _round(line)})
    return features


def build_zones(inputs: dict, borders: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> list[dict]:
    """Zone features: bands inside the country along its border with Belarus, or the country."""
    features = []
    for record in inputs["zones"]:
        country = countries[countries["iso_a2"] == record["country"]].to_crs(METRIC).geometry.iloc[0]
        if record["depth_km"] == "country":
            area = country
        else:
            line = border_line(borders, record["country"])
            if record["length_km"]:
                line = gpd.GeoSeries([along(line, "north", record["length_km"])], crs=4326)
            band = line.to_crs(METRIC).iloc[0].buffer(record["depth_km"] * 1000, quad_segs=4)
            area = band.intersection(country)
        # Simplify at a tenth of the depth (at most 300 m): the band is approximate anyway.
        depth = 30.0 if record["depth_km"] == "country" else float(record["depth_km"])
        area = area.simplify(min(300.0, depth * 100), preserve_topology=True)
        area = gpd.GeoSeries([area], crs=METRIC).to_crs(4326).iloc[0]
        area = shapely.make_valid(shapely.set_precision(area, 1e-5))
        props = {
            "id": record["id"],
            "layer": "emergency_zones",
            "name": record["name"],
            "start": record["start"],
            "end": record["end"],
            "date_precision": record["date_precision"],
            "geo_precision": record["geo_precision"],
            "country": record["country"],
            "regime": record["regime"],
            "extent": record["extent"],
            "sources": record["sources"],
            "notes": record["notes"],
        }
        features.append({"type": "Feature", "properties": props, "geometry": mapping(area)})
    return features


def main(argv: list[str] | None = None) -> int:
    """Build the three files; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO / "geodata")
    args = parser.parse_args(argv)
    inputs = args.data_dir / "inputs"
    borders = gpd.read_file(args.data_dir / "border_segments.geojson")
    countries = gpd.read_file(args.data_dir / "countries.geojson")
    load = lambda name: json.loads((inputs / f"{name}.json").read_text(encoding="utf-8"))  # noqa: E731
    write(args.data_dir / "flight_routes.geojson", build_routes(load("flight_routes")))
    write(args.data_dir / "fences.geojson", build_fences(load("fences"), borders))
    write(args.data_dir / "emergency_zones.geojson", build_zones(load("emergency_zones"), borders, countries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
