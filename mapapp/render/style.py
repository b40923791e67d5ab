"""How a feature looks: colour, size, width, dashes; a layer's spec decides which."""

from __future__ import annotations

import math

from mapapp.layers import LayerSpec


def colour_of(spec: LayerSpec, props: dict) -> str:
    """The colour a feature is drawn in."""
    if spec.colour_by and props.get(spec.colour_by) in spec.colours:
        return spec.colours[props[spec.colour_by]][0]
    return spec.colour


def _number(value: object) -> float | None:
    """A finite number, or None for missing/NaN/text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def point_radius(spec: LayerSpec, props: dict) -> float:
    """Circle radius in pixels: by the layer's ``size_by`` number (area grows with it), else fixed."""
    if spec.size_by:
        number = _number(props.get(spec.size_by))
        if number is None:
            return 5.0
        # 100 → 7 px, 2,000 → 16 px, capped at 24.
        return round(min(24.0, 4.0 + 2.7 * math.sqrt(number / 40.0)), 1)
    return spec.weight


def line_weight(spec: LayerSpec, props: dict) -> float:
    """Line width in pixels: by the layer's ``width_by`` number, else fixed."""
    if spec.width_by:
        number = _number(props.get(spec.width_by))
        if number is None:
            return 2.0
        return round(min(8.0, 1.5 + 0.9 * math.sqrt(number)), 1)
    return spec.weight


#: Statuses drawn dashed: the route is there but not flown as before.
DASHED_STATUSES = {"suspended", "restricted"}


def feature_style(spec: LayerSpec, props: dict) -> dict:
    """Leaflet path options for one feature (``className`` names its layer, for styling and tests)."""
    return {**_style(spec, props), "className": f"mapapp-{spec.id}"}


def _style(spec: LayerSpec, props: dict) -> dict:
    """Colour, width and fill of one feature."""
    colour = colour_of(spec, props)
    if spec.geometry == "line":
        style = {"color": colour, "weight": line_weight(spec, props), "opacity": 0.95}
        if props.get("status") in DASHED_STATUSES:
            style.update(dashArray="6 6", opacity=0.85)
        return style
    if spec.geometry == "point":
        radius = point_radius(spec, props)
        return {
            "radius": radius,
            "color": "#ffffff",
            "weight": 1 if radius < 5 else 1.5,
            # A CircleMarker starts with fill off.
            "fill": True,
            "fillColor": colour,
            "fillOpacity": 0.9,
        }
    style = {"color": colour, "weight": 1.2, "fill": True, "fillColor": colour, "fillOpacity": 0.16}
    if props.get("geo_precision") in ("approximate", "region"):
        style["dashArray"] = "5 4"
    return style


#: Radius of the circle that marks a place known only to its region, in metres.
REGION_RADIUS_M = 25_000


def halo_style(colour: str, radius: float, region: bool) -> dict:
    """The ring around a point placed approximately (dashed, in pixels) or only to its region.

    A region ring is a circle of :data:`REGION_RADIUS_M` on the ground
    (``radius_m``), so it keeps saying "somewhere around here" when the reader
    zooms in.
    """
    style = {
        "radius": radius + 9,
        "color": colour,
        "weight": 1.2,
        "dashArray": "1 4" if region else "3 3",
        "fill": True,
        "fillColor": colour,
        "fillOpacity": 0.06 if region else 0.12,
        "interactive": False,
        "className": "mapapp-aid",
    }
    if region:
        style["radius_m"] = REGION_RADIUS_M
    return style


def rest_style(style: dict) -> dict:
    """The planned, not yet built part of a line: thinner and dashed."""
    return {**style, "weight": max(2.0, style["weight"] - 2.5), "dashArray": "4 7", "opacity": 0.75}


def arrow_style(style: dict) -> dict:
    """A route's chevron: the route's colour, never thinner than 2 px."""
    return {
        "color": style["color"],
        "weight": max(2.0, style["weight"]),
        "opacity": 0.95,
        "fill": False,
        "interactive": False,
        "className": "mapapp-aid",
    }


#: Fill of the backdrop's countries by their role.
BACKDROP_FILL = {"belarus": "#efe3cf", "neighbour": "#fbfaf6", "context": "#eeeeea"}


def countries_style(props: dict) -> dict:
    """Backdrop fill: Belarus stands out, countries beyond its neighbours recede."""
    return {
        "color": "#9a9a9a",
        "weight": 0.8,
        "fillColor": BACKDROP_FILL.get(props.get("role"), BACKDROP_FILL["context"]),
        "fillOpacity": 1.0,
    }
