"""The map itself and what lies under the layers: country outlines or tiles."""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely
from folium.utilities import camelize

from mapapp.render.style import countries_style

#: Where the map opens: Belarus and the EU border in view.
CENTER = (53.8, 25.8)
ZOOM = 6
MIN_ZOOM = 4
MAX_ZOOM = 16
#: Attribution of the data drawn on every basemap.
OSM_ATTRIBUTION = (
    'Borders © <a href="https://www.openstreetmap.org/copyright" target="_blank" '
    'rel="noopener noreferrer">OpenStreetMap</a> contributors (ODbL), via geo-maps; '
    'towns <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">'
    "GeoNames</a> (CC BY 4.0)"
)
#: The basemaps a reader can choose: id → label.
BASEMAPS = {
    "offline": "Offline: bundled outlines (no network needed)",
    "osm": "OpenStreetMap tiles (online)",
}

#: Backdrop simplification (degrees) for Belarus and its neighbours, and for the
#: countries beyond; lakes and islands smaller than these areas (deg², ~140 and
#: ~35 km²) are left out. The backdrop only gives context: the border lines drawn
#: over it keep their full detail.
BACKDROP_TOLERANCE = {"near": 0.003, "context": 0.012}
BACKDROP_MIN_HOLE = 0.02
BACKDROP_MIN_PART = 0.005


def _backdrop_shape(geom, role: str):
    """A country outline lean enough to draw fast at every zoom."""
    parts = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    kept = [
        shapely.Polygon(p.exterior, [h for h in p.interiors if shapely.Polygon(h).area >= BACKDROP_MIN_HOLE])
        for p in parts
        if p.area >= BACKDROP_MIN_PART
    ] or list(parts)[:1]
    lean = shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]
    tolerance = BACKDROP_TOLERANCE["context" if role == "context" else "near"]
    return shapely.set_precision(lean.simplify(tolerance, preserve_topology=True), 1e-4)


def backdrop_collection(countries: gpd.GeoDataFrame) -> dict:
    """Display collection of the country backdrop (styled, not interactive)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": props["id"], "style": countries_style(props)},
                "geometry": _backdrop_shape(geom, props.get("role", "context")).__geo_interface__,
            }
            for props, geom in zip(
                countries.drop(columns="geometry").to_dict("records"), countries.geometry, strict=True
            )
        ],
    }


#: OpenStreetMap's tiles and their attribution (the online basemap).
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" '
    'rel="noopener noreferrer">OpenStreetMap</a> contributors'
)


def base_map() -> folium.Map:
    """The map as folium builds it: where it opens, its zoom range, its scale bar.

    The browser's map (``mapapp/static/timemap.js``) is created from these
    options (:func:`map_options`); the basemap and the layers are the
    engine's, drawn for the day.
    """
    return folium.Map(
        location=CENTER,
        zoom_start=ZOOM,
        tiles=None,
        control_scale=True,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        prefer_canvas=False,
    )


def map_options(fmap: folium.Map) -> dict:
    """Leaflet's options of a folium map, as folium would write them into its script."""
    options = {camelize(key): value for key, value in fmap.options.items()}
    return {
        **options,
        "center": list(fmap.location),
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "scale": bool(fmap.control_scale),
    }
