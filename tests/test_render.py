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
    # Two sources, each with its archived copy nearest to the event's first day.
    assert html.count('target="_blank" rel="noopener noreferrer"') == 4
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html
    assert 'href="https://web.archive.org/web/20211108/https://example.org/b"' in html
    assert html.count(">archived copy (nearest capture)</a>") == 2
    # Precision is said: the month-precision dates and the approximate place.
    assert "Nov 2021 (month precision)" in html
    assert "<dt>Location</dt><dd>approximate (within a few km; see the notes)</dd>" in html


def test_display_collection_is_lean_escaped_and_leaves_input_alone():
    frame = events_frame()
    before = copy.deepcopy(frame)
    doc = render.display_collection(EVENTS, frame)
    assert frame.equals(before) and list(frame.columns) == list(before.columns)
    halo, marker = doc["features"]
    props = marker["properties"]
    assert set(props) == {"id", "style", "_tooltip", "_popup"}
    assert props["_tooltip"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (approximate location)"
    assert props["style"]["fillColor"] == EVENTS.colours["border"][0]
    # The approximate place gets a dashed ring under the marker that catches no clicks.
    assert halo["properties"]["_aid"] is True and halo["properties"]["style"]["dashArray"] == "3 3"
    assert halo["properties"]["style"]["radius"] > props["style"]["radius"]
    assert halo["geometry"] == marker["geometry"]


def test_exact_points_get_no_halo():
    doc = render.display_collection(EVENTS, events_frame(geo_precision="exact"))
    assert len(doc["features"]) == 1 and "_aid" not in doc["features"][0]["properties"]


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


def test_page_text_is_escaped_html_never_markdown():
    html = render.page_text("[x](https://a.b) ![](https://t.example/p.png) $x$ <b>", ["https://s.example/a?b=1&c=2"])
    assert html.startswith('<div class="mapapp-caption">[x](https://a.b) ![](https://t.example/p.png) $x$ &lt;b&gt;')
    assert ' Sources: <a href="https://s.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">[1]</a>' in html
    assert "javascript" not in render.page_text("x", ["javascript:alert(1)"])


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


def test_linked_layer_fetches_its_url_once_and_embeds_nothing():
    group = render.feature_group(BORDER_SEGMENTS, url="/app/static/data/border_segments.abc.geojson")
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    script = fmap.get_root().render()
    assert 'var url = "/app/static/data/border_segments.abc.geojson";' in script
    # Fetched only when this page has not parsed it yet: a date step redraws from memory.
    assert "if (!cache[url]) {" in script and "$.ajax(url, {dataType: 'json', async: false})" in script
    assert '"coordinates"' not in script


def _on_a_map(group) -> str:
    fmap = render.base_map()
    group.add_to(fmap)
    return fmap.get_root().render()


def test_the_base_map_holds_no_basemap_so_switching_keeps_the_view():
    html = render.base_map().get_root().render()
    assert "tileLayer" not in html and "countries" not in html and "contributors (ODbL)" in html


def test_offline_basemap_draws_the_backdrop_kept_under_the_layers():
    html = _on_a_map(render.basemap_group("offline", "/mapapp-files/data/countries.x.geojson"))
    assert "tileLayer" not in html and "openstreetmap.org" not in html.replace("openstreetmap.org/copyright", "")
    assert 'var url = "/mapapp-files/data/countries.x.geojson";' in html
    assert "mapapp-offline" in html and 'kept["basemap"]' in html and "bringToBack" in html


def test_online_basemap_has_osm_tiles_with_attribution():
    html = _on_a_map(render.basemap_group("osm", "/x.geojson"))
    assert "tile.openstreetmap.org" in html and "OpenStreetMap" in html and 'kept["basemap"]' in html


def test_unknown_basemap_is_refused():
    with pytest.raises(ValueError, match="basemap must be one of"):
        render.basemap_group("satellite", "/x.geojson")


# --- the crisis layers ----------------------------------------------------------------

from mapapp.layers import CAMPS, EMERGENCY_ZONES, FENCES, FLIGHT_ROUTES  # noqa: E402


def route_frame(**extra) -> gpd.GeoDataFrame:
    row = {
        "id": "r",
        "name": "Baghdad – Minsk",
        "start": "2021-08-02",
        "end": "2021-08-04",
        "date_precision": "day",
        "geo_precision": "exact",
        "airline": "Iraqi Airways",
        "origin_name": "Baghdad",
        "destination_name": "Minsk",
        "flights_per_week": 4,
        "direction": "inbound",
        "status": "scheduled",
        "sources": ["https://example.org/r"],
        "notes": "",
    }
    row.update(extra)
    line = LineString([(44.2, 33.3), (38.0, 44.0), (28.0, 53.9)])
    return gpd.GeoDataFrame([row], geometry=[line], crs="EPSG:4326")


def test_routes_are_wider_with_more_flights_and_dashed_when_suspended():
    busy = render.feature_style(FLIGHT_ROUTES, {"flights_per_week": 14, "status": "scheduled"})
    quiet = render.feature_style(FLIGHT_ROUTES, {"flights_per_week": 1, "status": "scheduled"})
    unknown = render.feature_style(FLIGHT_ROUTES, {"flights_per_week": None, "status": "scheduled"})
    suspended = render.feature_style(FLIGHT_ROUTES, {"flights_per_week": 0, "status": "suspended"})
    assert busy["weight"] > quiet["weight"] > 0 and unknown["weight"] == 2.0
    assert "dashArray" not in busy and suspended["dashArray"] == "6 6"
    assert suspended["color"] == FLIGHT_ROUTES.colours["suspended"][0]


def test_an_unknown_frequency_is_said_not_left_out():
    html = render.popup_html(FLIGHT_ROUTES, route_frame(flights_per_week=None).iloc[0].to_dict())
    assert "<dt>Flights per week</dt><dd>not given in the sources</dd>" in html


def test_routes_carry_an_arrow_that_points_towards_minsk():
    doc = render.display_collection(FLIGHT_ROUTES, route_frame())
    line, arrow = doc["features"]
    assert arrow["properties"]["_aid"] is True
    wing, tip, _ = arrow["geometry"]["coordinates"]
    # The arrow's tip is nearer Minsk than its wings: it points along the flight.
    to_minsk = lambda p: (p[0] - 28.0) ** 2 + (p[1] - 53.9) ** 2  # noqa: E731
    assert to_minsk(tip) < to_minsk(wing)
    assert "From</dt><dd>Baghdad" in line["properties"]["_popup"]
    assert "Flights per week</dt><dd>4</dd>" in line["properties"]["_popup"]


def test_fence_built_part_is_solid_and_the_planned_rest_dashed():
    row = {
        "id": "f",
        "name": "Steel wall",
        "start": "2022-01-25",
        "end": "",
        "date_precision": "day",
        "geo_precision": "approximate",
        "country": "PL",
        "kind": "steel_wall",
        "planned_km": 186.25,
        "built_km": 135.0,
        "built_km_interpolated": True,
        "built_km_basis": "interpolated between 90 km on 19 May 2022 and 180 km on 30 Jun 2022",
        "built_km_sources": ["https://example.org/day"],
        "sources": ["https://example.org/fence"],
        "notes": "",
        "_rest": LineString([(23.5, 53.0), (23.6, 52.5)]),
    }
    frame = gpd.GeoDataFrame([row], geometry=[LineString([(23.5, 53.9), (23.5, 53.0)])], crs="EPSG:4326")
    rest, built = render.display_collection(FENCES, frame)["features"]
    assert rest["properties"]["style"]["dashArray"] == "4 7"
    assert "dashArray" not in built["properties"]["style"]
    assert built["properties"]["style"]["weight"] > rest["properties"]["style"]["weight"]
    popup = built["properties"]["_popup"]
    assert "135 km of 186.25 km planned (interpolated)" in popup
    assert "Sources of this day&#x27;s figure" in popup and "https://example.org/day" in popup


def test_camps_grow_with_the_people_counted():
    small = render.feature_style(CAMPS, {"kind": "makeshift_camp", "people_on_day": 100})
    large = render.feature_style(CAMPS, {"kind": "makeshift_camp", "people_on_day": 2000})
    none = render.feature_style(CAMPS, {"kind": "makeshift_camp", "people_on_day": None})
    assert none["radius"] < small["radius"] < large["radius"] <= 24


def test_zones_are_translucent_and_dashed_when_approximate():
    style = render.feature_style(EMERGENCY_ZONES, {"country": "PL", "geo_precision": "approximate"})
    assert style["fillOpacity"] < 0.3 and style["dashArray"]
    assert "dashArray" not in render.feature_style(
        EMERGENCY_ZONES, {"country": "PL", "geo_precision": "exact"}
    )


def test_legend_says_what_is_on_the_map_now():
    html = render.legend_html(
        [FLIGHT_ROUTES, CAMPS, EVENTS],
        {"flight_routes": {"restricted"}, "camps": set(), "events": {"border"}},
        ["Dashed ring: approximate location"],
    )
    assert "Nationality ban on the route" in html and "Scheduled route" not in html
    assert '<b>Camps and centres</b><div class="none">none on this day</div>' in html
    assert "At the border" in html and "Aviation" not in html
    assert "Dashed ring: approximate location" in html


def test_legend_update_carries_the_day_and_escaped_html():
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="legend").add_to(fmap)
    render.LegendUpdate(render.legend_html([EVENTS], {"events": {"border"}}), "2021-11-16").add_to(group)
    script = fmap.get_root().render()
    assert 'window.__mapappDay = "2021-11-16";' in script
    assert "mapapp-legend-body" in script


def test_region_only_points_get_a_dotted_circle_on_the_ground():
    halo, marker = render.display_collection(EVENTS, events_frame(geo_precision="region"))["features"]
    assert halo["properties"]["style"]["dashArray"] == "1 4"
    assert halo["properties"]["style"]["radius_m"] == render.REGION_RADIUS_M == 25_000
    assert marker["properties"]["_tooltip"].endswith("(region only)")


def test_points_that_share_a_place_are_spread_and_closed_crossings_drawn_last():
    from mapapp.layers import CROSSINGS

    rows = [
        {"id": "road", "name": "Kuźnica road", "status": "closed", "geo_precision": "exact", "sources": []},
        {"id": "rail", "name": "Kuźnica rail", "status": "open", "geo_precision": "exact", "sources": []},
        {"id": "far", "name": "Elsewhere", "status": "open", "geo_precision": "exact", "sources": []},
    ]
    frame = gpd.GeoDataFrame(
        rows, geometry=[Point(23.64, 53.51), Point(23.64, 53.51), Point(25.0, 54.0)], crs="EPSG:4326"
    )
    before = copy.deepcopy(frame)
    features = render.display_collection(CROSSINGS, frame)["features"]
    assert [f["properties"]["id"] for f in features][-1] == "road"  # on top, so it can be clicked
    where = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in features}
    assert where["road"] != where["rail"]
    for fid in ("road", "rail"):
        assert abs(where[fid][1] - 53.51) <= render.SPREAD_DEG + 1e-9
    assert tuple(where["far"]) == (25.0, 54.0)
    assert frame.equals(before)


def test_popup_sources_come_before_the_folded_notes():
    html = render.popup_html(EVENTS, events_frame().iloc[0].to_dict())
    assert html.index("<b>Sources</b>") < html.index('<details class="notes">')
    assert "<summary>Notes: how this is known</summary>&lt;b&gt;bold?&lt;/b&gt;</details>" in html


def test_a_linked_day_drawing_leaves_lasting_parts_to_the_library():
    frame = route_frame()
    shapes, popups = render.library(FLIGHT_ROUTES, frame)
    assert set(shapes) == set(popups) == {"r"}
    assert render.DAY_MARK in popups["r"] and shapes["r"]["type"] == "LineString"
    line, arrow = render.display_collection(FLIGHT_ROUTES, frame, linked=True)["features"]
    assert (
        line["geometry"] is None and "_popup" not in line["properties"] and line["properties"]["_day"] == ""
    )
    assert arrow["geometry"] is not None  # drawing aids are drawn where they are
    # Completed as the browser does, the popup is the one an embedded drawing carries.
    full = render.display_collection(FLIGHT_ROUTES, frame)["features"][0]["properties"]["_popup"]
    assert popups["r"].replace(render.DAY_MARK, line["properties"]["_day"]) == full


def test_library_keeps_no_day_figures_and_fences_keep_their_shape_per_day():
    row = {
        "id": "f",
        "name": "Wall",
        "start": "2022-01-25",
        "end": "",
        "date_precision": "day",
        "geo_precision": "approximate",
        "country": "PL",
        "kind": "steel_wall",
        "planned_km": 100.0,
        "built_km": 50.0,
        "built_km_interpolated": False,
        "built_km_basis": "reported for 30 Jun 2022",
        "built_km_sources": ["https://example.org/day"],
        "sources": ["https://example.org/fence"],
        "notes": "",
    }
    frame = gpd.GeoDataFrame([row], geometry=[LineString([(23.5, 53.9), (23.5, 53.0)])], crs="EPSG:4326")
    shapes, popups = render.library(FENCES, frame)
    assert shapes == {} and "50 km" not in popups["f"]
    day = render.display_collection(FENCES, frame, linked=True)["features"][0]
    assert day["geometry"]["type"] == "LineString" and "50 km of 100 km planned" in day["properties"]["_day"]


def test_a_kept_layer_is_redrawn_only_when_its_version_changes():
    fmap = folium.Map(tiles=None)
    render.feature_group(EVENTS, {"type": "FeatureCollection", "features": []}, version="v7").add_to(fmap)
    legend = folium.FeatureGroup(name="legend").add_to(fmap)
    render.LegendUpdate("", "2021-11-16", keys=["events"]).add_to(legend)
    script = fmap.get_root().render()
    assert 'var old = kept["events"];' in script and 'old.version === "v7"' in script
    assert f"layer.addTo({fmap.get_name()});" in script  # added to the map itself, not the group
    # The legend's script removes kept layers that are not shown any more.
    assert 'var shown = ["events"];' in script and "map.removeLayer(kept[key].layer)" in script


def test_drawing_versions_follow_the_drawing():
    a = {"type": "FeatureCollection", "features": [{"properties": {"id": "x"}}]}
    b = {"type": "FeatureCollection", "features": [{"properties": {"id": "y"}}]}
    assert render.drawing_version(a) == render.drawing_version(copy.deepcopy(a)) != render.drawing_version(b)


def test_a_camp_popup_shows_every_count_side_by_side_with_who_counted():
    props = {
        "id": "c",
        "name": "Camp",
        "start": "2021-11-08",
        "end": "2021-11-18",
        "counts": [
            {
                "date": "2021-11-08",
                "people": 800,
                "value_kind": "about",
                "by": "Polish Border Guard",
                "counts": "people in the camp",
                "sources": ["https://pl.example/a"],
                "estimates": [
                    {"people": 4000, "value_kind": "under", "by": "<b>RMF</b>", "sources": ["https://r.example/"]}
                ],
            },
            {"date": "2021-11-13", "people": 2000, "by": "Belarusian State Border Committee", "sources": []},
        ],
    }
    html = render.popup_html(render.LAYERS["camps"], props)
    assert "<summary>Every count in the sources</summary>" in html
    assert (
        "<li><b>8 Nov 2021</b>: about 800 (Polish Border Guard, people in the camp) "
        '<a href="https://pl.example/a" target="_blank" rel="noopener noreferrer">[1]</a>'
        ' · almost 4,000 (&lt;b&gt;RMF&lt;/b&gt;) <a href="https://r.example/"' in html
    )
    assert "<li><b>13 Nov 2021</b>: 2,000 (Belarusian State Border Committee)</li>" in html
