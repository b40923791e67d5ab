"""How features look: the layer's spec decides colour, size, width and dashes."""

from __future__ import annotations

import copy
import dataclasses

from mapapp.layers import (
    BORDER_SEGMENTS,
    CAMPS,
    CROSSINGS,
    EMERGENCY_ZONES,
    EVENTS,
    FENCES,
    FLIGHT_ROUTES,
    TOWNS,
)
from mapapp.render import style


def test_colour_comes_from_the_colour_by_property_or_the_layer():
    assert style.colour_of(BORDER_SEGMENTS, {"countries": "BY-PL"}) == BORDER_SEGMENTS.colours["BY-PL"][0]
    assert style.colour_of(BORDER_SEGMENTS, {"countries": "BY-LT"}) == BORDER_SEGMENTS.colours["BY-LT"][0]
    # An unknown value falls back to the layer's colour, never fails.
    assert style.colour_of(BORDER_SEGMENTS, {"countries": "XX"}) == BORDER_SEGMENTS.colour
    assert style.colour_of(TOWNS, {}) == TOWNS.colour == "#212121"


def test_border_lines_are_styled_per_neighbour():
    poland = style.feature_style(BORDER_SEGMENTS, {"countries": "BY-PL"})
    assert (
        poland["color"] == BORDER_SEGMENTS.colours["BY-PL"][0] and poland["weight"] == BORDER_SEGMENTS.weight
    )
    assert poland["className"] == "mapapp-border_segments"


def test_routes_are_wider_with_more_flights_and_dashed_when_suspended():
    busy = style.feature_style(FLIGHT_ROUTES, {"flights_per_week": 14, "status": "scheduled"})
    quiet = style.feature_style(FLIGHT_ROUTES, {"flights_per_week": 1, "status": "scheduled"})
    unknown = style.feature_style(FLIGHT_ROUTES, {"flights_per_week": None, "status": "scheduled"})
    suspended = style.feature_style(FLIGHT_ROUTES, {"flights_per_week": 0, "status": "suspended"})
    restricted = style.feature_style(FLIGHT_ROUTES, {"flights_per_week": 3, "status": "restricted"})
    assert busy["weight"] > quiet["weight"] > 0 and unknown["weight"] == 2.0
    assert "dashArray" not in busy and suspended["dashArray"] == "6 6" == restricted["dashArray"]
    assert suspended["color"] == FLIGHT_ROUTES.colours["suspended"][0]
    assert style.line_weight(FLIGHT_ROUTES, {"flights_per_week": 10_000}) == 8.0  # capped


def test_camps_grow_with_the_people_counted():
    small = style.feature_style(CAMPS, {"kind": "makeshift_camp", "people_on_day": 100})
    large = style.feature_style(CAMPS, {"kind": "makeshift_camp", "people_on_day": 2000})
    none = style.feature_style(CAMPS, {"kind": "makeshift_camp", "people_on_day": None})
    assert none["radius"] < small["radius"] < large["radius"] <= 24
    assert style.point_radius(CAMPS, {"people_on_day": 1_000_000}) == 24
    assert small["fillColor"] == CAMPS.colours["makeshift_camp"][0] and small["fill"] is True


def test_size_and_width_are_declared_in_the_spec_not_per_layer_id():
    # Any layer that declares size_by / width_by is sized by it; without, its weight.
    sized = dataclasses.replace(EVENTS, size_by="people")
    assert style.point_radius(sized, {"people": 2000}) > style.point_radius(sized, {"people": 100})
    assert style.point_radius(EVENTS, {"people": 2000}) == EVENTS.weight
    wide = dataclasses.replace(FENCES, width_by="planned_km")
    assert style.line_weight(wide, {"planned_km": 100}) > style.line_weight(wide, {"planned_km": 1})
    assert style.line_weight(FENCES, {"planned_km": 100}) == FENCES.weight


def test_text_booleans_and_non_finite_numbers_are_no_size():
    for value in ("2000", True, float("nan"), float("inf"), None):
        assert style.point_radius(CAMPS, {"people_on_day": value}) == 5.0
        assert style.line_weight(FLIGHT_ROUTES, {"flights_per_week": value}) == 2.0


def test_zones_are_translucent_and_dashed_when_approximate():
    approximate = style.feature_style(EMERGENCY_ZONES, {"country": "PL", "geo_precision": "approximate"})
    assert approximate["fillOpacity"] < 0.3 and approximate["dashArray"]
    region = style.feature_style(EMERGENCY_ZONES, {"country": "LT", "geo_precision": "region"})
    assert region["dashArray"] and region["color"] == EMERGENCY_ZONES.colours["LT"][0]
    assert "dashArray" not in style.feature_style(
        EMERGENCY_ZONES, {"country": "PL", "geo_precision": "exact"}
    )


def test_crossings_are_coloured_by_their_state_on_the_day():
    closed = style.feature_style(CROSSINGS, {"status": "closed"})
    opened = style.feature_style(CROSSINGS, {"status": "open"})
    assert closed["fillColor"] == CROSSINGS.colours["closed"][0] != opened["fillColor"]


def test_halos_ring_approximate_points_and_circle_a_region_on_the_ground():
    approximate = style.halo_style("#123456", 6.0, region=False)
    region = style.halo_style("#123456", 6.0, region=True)
    assert approximate["dashArray"] == "3 3" and "radius_m" not in approximate
    assert region["dashArray"] == "1 4" and region["radius_m"] == style.REGION_RADIUS_M == 25_000
    for halo in (approximate, region):
        # Bigger than the marker, in its colour, and it catches no clicks.
        assert halo["radius"] > 6.0 and halo["color"] == "#123456" and halo["interactive"] is False


def test_the_planned_rest_of_a_fence_is_thinner_and_dashed():
    built = style.feature_style(FENCES, {"kind": "steel_wall"})
    before = copy.deepcopy(built)
    rest = style.rest_style(built)
    assert "dashArray" not in built and rest["dashArray"] == "4 7"
    assert built["weight"] > rest["weight"] >= 2.0 and rest["color"] == built["color"]
    assert built == before  # a new style, the built one unchanged


def test_a_route_chevron_takes_the_route_colour_and_is_never_thin():
    route = style.feature_style(FLIGHT_ROUTES, {"flights_per_week": 0, "status": "suspended"})
    arrow = style.arrow_style(route)
    assert arrow["color"] == route["color"] and arrow["weight"] >= 2.0 and arrow["fill"] is False
    assert arrow["interactive"] is False and arrow["className"] == "mapapp-aid"


def test_the_backdrop_makes_belarus_stand_out():
    belarus = style.countries_style({"role": "belarus"})
    neighbour = style.countries_style({"role": "neighbour"})
    context = style.countries_style({"role": "context"})
    unknown = style.countries_style({})
    assert len({belarus["fillColor"], neighbour["fillColor"], context["fillColor"]}) == 3
    assert unknown == context and belarus["fillOpacity"] == 1.0


def test_styles_leave_the_properties_alone():
    props = {"kind": "makeshift_camp", "people_on_day": 100, "geo_precision": "approximate"}
    before = copy.deepcopy(props)
    style.feature_style(CAMPS, props)
    assert props == before
