"""Rendering: folium output inspected as text; escaping; inputs left unchanged."""

from __future__ import annotations

import copy

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from mapapp import render
from mapapp.layers import BORDER_SEGMENTS, EVENTS, TOWNS

EVIL = '<img src=x onerror="alert(1)">'


def events_frame(**extra) -> gpd.GeoDataFrame:
    row = {
        "id": "ev-1",
        "layer": "events",
        "name": EVIL,
        "start": "2021-11-08",
        "end": "2021-11-17",
        "date_precision": "month",
        "geo_precision": "approximate",
        "category": "border",
        "sources": ["https://example.org/a?x=1&y=2", "https://example.org/b"],
        "notes": "<b>bold?</b>",
    }
    row.update(extra)
    return gpd.GeoDataFrame([row], geometry=[Point(23.65, 53.5)], crs="EPSG:4326")


def test_popup_escapes_text_and_links_every_source():
    html = render.popup_html(EVENTS, events_frame().iloc[0].to_dict())
    assert EVIL not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<b>bold?</b>" not in html and "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert html.count('target="_blank" rel="noopener noreferrer"') == 2
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html
    # Precision is said: the month-precision dates and the approximate place.
    assert "Nov 2021 (month precision)" in html
    assert "<dt>Location</dt><dd>approximate</dd>" in html


def test_display_collection_is_lean_escaped_and_leaves_input_alone():
    frame = events_frame()
    before = copy.deepcopy(frame)
    doc = render.display_collection(EVENTS, frame)
    assert frame.equals(before) and list(frame.columns) == list(before.columns)
    props = doc["features"][0]["properties"]
    assert set(props) == {"id", "style", "_tooltip", "_popup"}
    assert props["_tooltip"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert props["style"]["fillColor"] == EVENTS.colours["border"][0]


def test_towns_get_permanent_labels_escaped():
    frame = gpd.GeoDataFrame(
        [{"id": "t", "name": "Brest <b>", "country": "BY", "sources": ["https://www.geonames.org/629634"]}],
        geometry=[Point(23.7, 52.1)],
        crs="EPSG:4326",
    )
    props = render.display_collection(TOWNS, frame)["features"][0]["properties"]
    assert props["_label"] == "Brest &lt;b&gt;" and "_tooltip" not in props


def test_only_http_sources_become_links():
    html = render.popup_html(
        EVENTS, events_frame(sources=["javascript:alert(1)", "https://ok.example/x"]).iloc[0].to_dict()
    )
    assert 'href="javascript' not in html
    assert "<li>javascript:alert(1)</li>" in html
    assert '<a href="https://ok.example/x" target="_blank" rel="noopener noreferrer">' in html


def test_markdown_escape_defuses_links_images_and_formulas():
    text = render.md_escape("[x](https://a.b) ![](https://t.example/p.png) $x$ **b**")
    for live in ("[x](", "![](", "$x$", "**b**", "https://"):
        assert live not in text
    assert text.replace("\\", "") == "[x](https://a.b) ![](https://t.example/p.png) $x$ **b**"


def test_border_lines_styled_per_neighbour_and_simplified():
    line = LineString([(23.0 + i * 0.0001, 52.0 + (i % 2) * 0.00001) for i in range(200)])
    frame = gpd.GeoDataFrame(
        [
            {
                "id": "border-BY-PL",
                "name": "Belarus–Poland border",
                "countries": "BY-PL",
                "sources": ["https://a.b/c"],
            }
        ],
        geometry=[line],
        crs="EPSG:4326",
    )
    doc = render.display_collection(BORDER_SEGMENTS, frame, simplify=render.DISPLAY_TOLERANCE)
    feature = doc["features"][0]
    assert feature["properties"]["style"]["color"] == BORDER_SEGMENTS.colours["BY-PL"][0]
    assert len(feature["geometry"]["coordinates"]) < 10


def test_legend_lists_neighbours_and_only_present_categories():
    html = render.legend_html([BORDER_SEGMENTS, EVENTS], {"events": {"aviation"}})
    for _, label in BORDER_SEGMENTS.colours.values():
        assert label in html
    assert "Aviation" in html and "Humanitarian" not in html


def test_linked_layer_fetches_its_url_and_embeds_nothing():
    group = render.feature_group(BORDER_SEGMENTS, url="/app/static/data/border_segments.abc.geojson")
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    script = fmap.get_root().render()
    assert '$.ajax("/app/static/data/border_segments.abc.geojson"' in script


def test_base_map_offline_has_no_tiles_and_draws_the_backdrop():
    fmap = render.base_map("offline", "/app/static/data/countries.x.geojson", [BORDER_SEGMENTS])
    html = fmap.get_root().render()
    assert "tileLayer" not in html and "openstreetmap.org/{z}" not in html
    assert '$.ajax("/app/static/data/countries.x.geojson"' in html
    assert "mapapp-offline" in html and "contributors (ODbL)" in html


def test_base_map_online_has_osm_tiles_with_attribution():
    html = render.base_map("osm", "/x.geojson", []).get_root().render()
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html


def test_unknown_basemap_is_refused():
    with pytest.raises(ValueError, match="basemap must be one of"):
        render.base_map("satellite", "/x.geojson", [])
