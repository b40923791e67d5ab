"""Display geometry: lean shapes, route chevrons, markers spread so each can be clicked."""

from __future__ import annotations

import math
from collections.abc import Iterable

import shapely
from shapely.geometry.base import BaseGeometry

#: How far apart markers that share a place are spread, in degrees (~0.9 km):
#: within the "few km" of an approximate place, enough to click each at zoom 10.
SPREAD_DEG = 0.008
#: Chevron size in degrees: visible at the zoom levels that show whole routes.
ARROW_DEG = 0.9


def lean_geometry(geom: BaseGeometry, simplify: float | None = None) -> dict:
    """GeoJSON geometry, simplified for display and rounded to ~1 m.

    Parameters
    ----------
    geom
        Any shapely geometry (not changed).
    simplify
        Tolerance in degrees for lines and areas, or None to keep every vertex.
    """
    if simplify and geom.geom_type != "Point":
        geom = geom.simplify(simplify, preserve_topology=True)
    return shapely.set_precision(geom, 1e-5).__geo_interface__


def one_line(geom: BaseGeometry) -> BaseGeometry:
    """A single LineString where the parts of a MultiLineString touch end to end."""
    return shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom


def arrow_coords(line: BaseGeometry) -> list[list[float]] | None:
    """A chevron at 60 % of a route, pointing along it (the direction of flight), or None."""
    if line is None or line.geom_type != "LineString" or line.length == 0:
        return None
    tip = line.interpolate(0.6, normalized=True)
    back = line.interpolate(max(0.0, 0.6 - 0.02), normalized=True)
    dx, dy = tip.x - back.x, tip.y - back.y
    norm = math.hypot(dx, dy)
    if norm == 0:
        return None
    dx, dy = dx / norm, dy / norm
    wings = []
    for sign in (1, -1):
        angle = math.radians(150 * sign)
        wx = dx * math.cos(angle) - dy * math.sin(angle)
        wy = dx * math.sin(angle) + dy * math.cos(angle)
        wings.append([round(tip.x + ARROW_DEG * wx, 4), round(tip.y + ARROW_DEG * wy, 4)])
    return [wings[0], [round(tip.x, 4), round(tip.y, 4)], wings[1]]


def spread_points(points: Iterable[tuple[str, float, float]]) -> dict[str, tuple[float, float]]:
    """Where to draw points that share a place, so that each one can be clicked.

    Parameters
    ----------
    points
        ``(key, lon, lat)`` in drawing order (the order decides who goes where).

    Returns
    -------
    dict
        key → ``(lon, lat)``: points alone at their place stay put; points that
        share one are spread on a small circle (:data:`SPREAD_DEG`) around it,
        for display only.
    """
    points = list(points)
    by_place: dict[tuple[float, float], list[int]] = {}
    for index, (_, lon, lat) in enumerate(points):
        by_place.setdefault((round(lon, 4), round(lat, 4)), []).append(index)
    out = {key: (lon, lat) for key, lon, lat in points}
    for indices in by_place.values():
        if len(indices) < 2:
            continue
        for k, index in enumerate(indices):
            key, lon, lat = points[index]
            angle = 2 * math.pi * k / len(indices)
            dx = SPREAD_DEG * math.cos(angle) / math.cos(math.radians(lat))
            out[key] = (lon + dx, lat + SPREAD_DEG * math.sin(angle))
    return out
