"""Test helpers: a tiny, valid data directory built inline."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEODATA = REPO / "geodata"

SOURCE = "https://example.org/source"


def square(x: float, y: float, size: float = 1.0) -> dict:
    """A GeoJSON polygon square with its south-west corner at (x, y)."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def event(fid: str, start: str, end: str = "", **extra) -> dict:
    """A valid event feature; ``extra`` overrides or adds properties."""
    props = {
        "id": fid,
        "layer": "events",
        "name": f"Event {fid}",
        "start": start,
        "end": end,
        "date_precision": "day",
        "geo_precision": "exact",
        "category": "border",
        "sources": [SOURCE],
        "notes": "",
    }
    props.update(extra)
    return feature(point(24.0, 53.5), **props)


def dated(layer: str, fid: str, geometry: dict, start: str, end: str = "", **extra) -> dict:
    """A valid feature of a dated layer; ``extra`` overrides or adds properties."""
    props = {
        "id": fid,
        "layer": layer,
        "name": f"{layer} {fid}",
        "start": start,
        "end": end,
        "date_precision": "day",
        "geo_precision": "exact",
        "sources": [SOURCE],
        "notes": "",
    }
    props.update(extra)
    return feature(geometry, **props)


def line(*coords) -> dict:
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def route(fid: str, start: str, end: str = "", **extra) -> dict:
    props = {
        "origin_iata": "BGW",
        "origin_name": "Baghdad",
        "destination_iata": "MSQ",
        "destination_name": "Minsk",
        "airline": "Test Air",
        "flights_per_week": 4,
        "direction": "inbound",
        "status": "scheduled",
    }
    props.update(extra)
    return dated("flight_routes", fid, line((27.0, 53.0), (25.0, 53.5)), start, end, **props)


def fence(fid: str, start: str, progress: list, planned_km: float = 100.0, **extra) -> dict:
    props = {"country": "PL", "kind": "steel_wall", "planned_km": planned_km, "progress": progress}
    props.update(extra)
    return dated("fences", fid, line((24.0, 53.0), (24.0, 53.9)), start, "", **props)


def camp(fid: str, start: str, end: str = "", counts: list | None = None, **extra) -> dict:
    counts = counts or []
    peak = max(counts, key=lambda c: c["people"]) if counts else None
    props = {
        "kind": "makeshift_camp",
        "country": "BY",
        "people": peak["people"] if peak else None,
        "people_date": peak["date"] if peak else None,
        "counts": counts,
    }
    props.update(extra)
    return dated("camps", fid, point(24.05, 53.5), start, end, **props)


def crossing(fid: str, closures: list | None = None, **extra) -> dict:
    props = {
        "id": fid,
        "layer": "crossings",
        "name": f"Crossing {fid}",
        "country": "PL",
        "kind": "road",
        "geo_precision": "approximate",
        "closures": closures or [],
        "sources": [SOURCE],
        "notes": "",
    }
    props.update(extra)
    return feature(point(23.9, 53.5), **props)


def zone(fid: str, start: str, end: str = "", **extra) -> dict:
    props = {"country": "PL", "regime": "state of emergency", "extent": "a strip"}
    props.update(extra)
    return dated("emergency_zones", fid, square(23.8, 53.0, 0.2), start, end, **props)


MONTHLY_HEADER = "country,month,metric,value,source_url,notes\n"


def monthly_csv(*rows: str) -> str:
    return MONTHLY_HEADER + "".join(r + "\n" for r in rows)


def minimal_layers() -> dict[str, dict]:
    """File name → collection of a small, valid data directory."""
    return {
        "countries.geojson": collection(
            feature(
                square(24, 53), id="country-BY", iso_a2="BY", name="Belarus", role="belarus", sources=[SOURCE]
            ),
            feature(
                square(22, 53),
                id="country-PL",
                iso_a2="PL",
                name="Poland",
                role="neighbour",
                sources=[SOURCE],
            ),
        ),
        "border_segments.geojson": collection(
            feature(
                {"type": "LineString", "coordinates": [[24, 53], [24, 54]]},
                id="border-BY-PL",
                layer="border_segments",
                name="Belarus–Poland border",
                countries="BY-PL",
                length_km=111.2,
                official_length_km=418.0,
                geo_precision="exact",
                sources=[SOURCE],
                notes="",
            )
        ),
        "towns.geojson": collection(
            feature(point(24.5, 53.5), id="town-1", name="Townsville", country="BY", sources=[SOURCE])
        ),
        "events.geojson": collection(
            event("ev-early", "2021-05-01", "2021-05-01"),
            event("ev-span", "2021-11-08", "2021-11-17"),
            event("ev-open", "2021-11-16"),
        ),
        "flight_routes.geojson": collection(route("r-1", "2021-08-01", "2021-11-11")),
        "fences.geojson": collection(
            fence("f-1", "2022-01-25", [{"date": "2022-06-30", "built_km": 100, "sources": [SOURCE]}])
        ),
        "camps.geojson": collection(
            camp(
                "c-1",
                "2021-11-08",
                "2021-11-17",
                [{"date": "2021-11-10", "people": 2000, "sources": [SOURCE]}],
            )
        ),
        "crossings.geojson": collection(
            crossing("x-1", [{"start": "2021-11-09", "end": "", "note": "closed", "sources": [SOURCE]}])
        ),
        "emergency_zones.geojson": collection(zone("z-1", "2021-09-02", "2021-11-30")),
        "monthly_figures.csv": monthly_csv(
            "PL,2021-10,attempted_crossings,17447,https://example.org/pl,",
            "LT,2021-07,detentions,2882,https://example.org/lt,",
        ),
    }


def write_layers(directory: Path, layers: dict[str, dict]) -> Path:
    """Write the collections as files of ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, doc in layers.items():
        text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
        (directory / name).write_text(text, encoding="utf-8")
    return directory
