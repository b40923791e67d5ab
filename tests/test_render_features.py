"""Display geometry: lean shapes, route chevrons, points spread so each can be clicked."""

from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from mapapp.render import features


def test_border_lines_are_simplified_for_display_and_the_input_left_alone():
    line = LineString([(23.0 + i * 0.0001, 52.0 + (i % 2) * 0.00001) for i in range(200)])
    copy = shapely.from_wkb(shapely.to_wkb(line))
    lean = features.lean_geometry(line, 0.0006)
    assert lean["type"] == "LineString" and len(lean["coordinates"]) < 10
    assert line.equals_exact(copy, 0) and len(line.coords) == 200
    # Without a tolerance every vertex stays.
    assert len(features.lean_geometry(line)["coordinates"]) == 200


def test_coordinates_are_rounded_to_about_a_metre_and_points_never_simplified():
    point = features.lean_geometry(Point(23.123456789, 53.987654321), simplify=1.0)
    assert point == {"type": "Point", "coordinates": (23.12346, 53.98765)}
    area = features.lean_geometry(Polygon([(0, 0), (1, 0), (1, 1), (0, 1)]), simplify=0.1)
    assert area["type"] == "Polygon" and len(area["coordinates"][0]) == 5


def test_parts_of_a_line_that_touch_become_one_line():
    parts = MultiLineString([[(0, 0), (1, 0)], [(1, 0), (2, 1)]])
    merged = features.one_line(parts)
    assert merged.geom_type == "LineString" and merged.length == pytest.approx(parts.length)
    apart = MultiLineString([[(0, 0), (1, 0)], [(5, 5), (6, 5)]])
    assert features.one_line(apart).geom_type == "MultiLineString"
    line = LineString([(0, 0), (1, 1)])
    assert features.one_line(line) is line


def test_routes_carry_an_arrow_that_points_towards_minsk():
    route = LineString([(44.2, 33.3), (38.0, 44.0), (28.0, 53.9)])  # Baghdad → Minsk
    wing, tip, other_wing = features.arrow_coords(route)
    # The tip is on the route, 60 % along it, and nearer Minsk than its wings.
    assert route.distance(Point(tip)) < 1e-3
    assert route.project(Point(tip), normalized=True) == pytest.approx(0.6, abs=1e-3)
    to_minsk = lambda p: math.hypot(p[0] - 28.0, p[1] - 53.9)  # noqa: E731
    assert to_minsk(tip) < to_minsk(wing) and to_minsk(tip) < to_minsk(other_wing)
    for end in (wing, other_wing):
        assert math.hypot(end[0] - tip[0], end[1] - tip[1]) == pytest.approx(features.ARROW_DEG, abs=1e-3)
    # Reversed, the arrow turns round.
    back_tip = features.arrow_coords(route.reverse())[1]
    assert to_minsk(back_tip) > to_minsk(tip)


@pytest.mark.parametrize(
    "geom",
    [None, LineString([(1, 1), (1, 1)]), Point(1, 1), MultiLineString([[(0, 0), (1, 0)], [(5, 5), (6, 5)]])],
)
def test_no_arrow_where_there_is_no_single_line_to_follow(geom):
    assert features.arrow_coords(geom) is None


def test_points_that_share_a_place_are_spread_and_lone_points_stay():
    placed = features.spread_points(
        [("road", 23.64, 53.51), ("rail", 23.64, 53.51), ("far", 25.0, 54.0), ("near", 23.640001, 53.51)]
    )
    assert placed["far"] == (25.0, 54.0)
    assert len({placed["road"], placed["rail"], placed["near"]}) == 3
    for key in ("road", "rail", "near"):
        lon, lat = placed[key]
        # On a small circle around the place (in metres on the ground, not in degrees of longitude).
        distance = math.hypot((lon - 23.64) * math.cos(math.radians(53.51)), lat - 53.51)
        assert distance == pytest.approx(features.SPREAD_DEG, abs=1e-5), key


def test_the_spread_is_the_same_for_the_same_points_in_the_same_order():
    points = [("a", 24.0, 53.5), ("b", 24.0, 53.5)]
    assert features.spread_points(points) == features.spread_points(list(points))
    assert features.spread_points(points)["a"] == features.spread_points(points[::-1])["b"]
    assert features.spread_points([]) == {}
