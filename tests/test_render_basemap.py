"""The map folium builds, and what lies under the layers: country outlines or tiles."""

from __future__ import annotations

import copy

import geopandas as gpd
from shapely.geometry import MultiPolygon, Polygon

from mapapp.render import basemap, style


def test_the_base_map_holds_no_basemap_so_switching_keeps_the_view():
    html = basemap.base_map().get_root().render()
    assert "tileLayer" not in html and "countries" not in html


def test_the_map_options_say_where_it_opens_and_how_far_it_zooms():
    options = basemap.map_options(basemap.base_map())
    assert options["center"] == list(basemap.CENTER) == [53.8, 25.8]
    assert options["zoom"] == basemap.ZOOM
    assert (options["minZoom"], options["maxZoom"]) == (basemap.MIN_ZOOM, basemap.MAX_ZOOM)
    assert options["scale"] is True and options["preferCanvas"] is False
    assert all("_" not in key for key in options)  # Leaflet's spelling, as folium writes it


def test_the_basemaps_and_their_attributions():
    assert list(basemap.BASEMAPS) == ["offline", "osm"]
    assert basemap.OSM_TILES.startswith("https://tile.openstreetmap.org/")
    assert "OpenStreetMap" in basemap.OSM_TILES_ATTRIBUTION
    # The bundled outlines and towns are credited on every basemap.
    assert "contributors (ODbL)" in basemap.OSM_ATTRIBUTION and "GeoNames" in basemap.OSM_ATTRIBUTION
    assert basemap.OSM_ATTRIBUTION.count('rel="noopener noreferrer"') == 2


def countries() -> gpd.GeoDataFrame:
    # A detailed Belarus with a large lake and a tiny one, and an island too small to draw.
    outline = [(24 + i * 0.001, 53) for i in range(1000)] + [(25, 54), (24, 54)]
    lake = [(24.2, 53.2), (24.5, 53.2), (24.5, 53.5), (24.2, 53.5)]
    pond = [(24.7, 53.7), (24.71, 53.7), (24.71, 53.71), (24.7, 53.71)]
    island = Polygon([(26, 56), (26.01, 56), (26.01, 56.01)])
    belarus = MultiPolygon([Polygon(outline, [lake, pond]), island])
    rows = [
        {"id": "country-BY", "name": "Belarus", "role": "belarus"},
        {"id": "country-PL", "name": "Poland", "role": "neighbour"},
    ]
    return gpd.GeoDataFrame(
        rows, geometry=[belarus, Polygon([(22, 53), (23, 53), (23, 54)])], crs="EPSG:4326"
    )


def test_the_offline_backdrop_is_lean_styled_and_leaves_its_input_alone():
    frame = countries()
    before = copy.deepcopy(frame)
    doc = basemap.backdrop_collection(frame)
    assert frame.equals(before)
    belarus, poland = doc["features"]
    assert belarus["properties"] == {"id": "country-BY", "style": style.countries_style({"role": "belarus"})}
    assert poland["properties"]["style"]["fillColor"] == style.BACKDROP_FILL["neighbour"]
    # The island is too small to draw, the pond too; the lake stays; the 1,000 vertices go.
    assert belarus["geometry"]["type"] == "Polygon"
    exterior, *holes = belarus["geometry"]["coordinates"]
    assert len(holes) == 1 and len(exterior) < 20
