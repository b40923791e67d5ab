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
    }


def write_layers(directory: Path, layers: dict[str, dict]) -> Path:
    """Write the collections as files of ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, doc in layers.items():
        text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
        (directory / name).write_text(text, encoding="utf-8")
    return directory
