"""Map rendering: layer specs and frames in, folium objects out.

Renderers never filter by date and never change their input: they read a
frame and build new GeoJSON dicts. All text that reaches HTML is escaped here.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Environment
from shapely.geometry.base import BaseGeometry

from mapapp.figures import VALUE_KIND_WORDS
from mapapp.layers import COUNTRIES, LAYERS, LayerSpec
from mapapp.schema import ISO_DAY
from mapapp.timeline import describe_period

#: Where the map opens: Belarus and the EU border in view.
CENTER = (53.8, 25.8)
ZOOM = 6
#: Display simplification of lines and polygons, in degrees (~50-70 m here).
DISPLAY_TOLERANCE = 0.0006
OSM_ATTRIBUTION = (
    'Borders © <a href="https://www.openstreetmap.org/copyright" target="_blank" '
    'rel="noopener noreferrer">OpenStreetMap</a> contributors (ODbL), via geo-maps; '
    'towns <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">'
    "GeoNames</a> (CC BY 4.0)"
)
BASEMAPS = {
    "offline": "Offline: bundled outlines (no network needed)",
    "osm": "OpenStreetMap tiles (online)",
}

# Tooltips and popups are built in Python (escaped) and bound here; ``_label`` is a
# permanent label (towns); ``_aid`` marks drawing aids (halos, arrows) that must not
# catch clicks meant for the feature under them.
ON_EACH_FEATURE = """
function (feature, layer) {
    var p = feature.properties;
    if (p._aid) { layer.options.interactive = false; return; }
    if (p._label) {
        layer.bindTooltip(p._label, {permanent: true, direction: 'right',
                                     className: 'mapapp-town', offset: [3, 0]});
    } else if (p._tooltip) {
        layer.bindTooltip(p._tooltip, {sticky: true});
    }
    // Tall popups scroll inside the map instead of pushing it off screen.
    var options = {maxWidth: Math.min(360, window.innerWidth - 70), maxHeight: 320, autoPanPadding: [20, 20]};
    if (p._popup) {
        layer.bindPopup(p._popup, options);
    } else if (p._popupsUrl) {
        // The layer's popups are fetched when the reader first opens one.
        layer.bindPopup(function () {
            var popups = window.__mapappFetch(p._popupsUrl) || {};
            // split/join: replace() would read $& and $` in the data as patterns.
            return (popups[p.id] || '').split('<!--day-->').join(p._day || '');
        }, options);
    }
}
"""


#: Characters that must never appear raw inside a JSON string placed in a page or
#: a template: ``{`` could open template syntax (``{{``, ``{%``, ``{#``) when
#: folium/branca or streamlit-folium process the script again, ``<``/``>``/``&``
#: could close a ``<script>`` element, ``'`` an attribute.
_JS_UNSAFE = {c: f"\\u{ord(c):04x}" for c in "{}<>&'"}
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def js_literal(value: object) -> str:
    r"""A JavaScript literal of ``value`` that is inert wherever it is placed.

    JSON (ASCII only), with every character of :data:`_JS_UNSAFE` inside
    strings written as a ``\uXXXX`` escape. The browser reads the same text
    back; no template engine and no HTML parser sees data text as syntax.
    This is the only way data enters the map's script templates.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
    return _JSON_STRING.sub(lambda m: "".join(_JS_UNSAFE.get(c, c) for c in m.group(0)), text)


# The map's script templates. Data reaches them only through the ``js`` filter.
_TEMPLATES = Environment(autoescape=False)
_TEMPLATES.filters["js"] = js_literal


class LiteralElement(Element):
    """Text placed in a page as it is: branca's ``Element(text)`` would compile it as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        """The text itself."""
        return self._text


class DataMacro(MacroElement):
    """A branca macro element whose output is never compiled again as a template.

    branca's ``MacroElement.render`` wraps each rendered macro in
    ``Element(output)``, which compiles the output as a new Jinja2 template:
    any text in the data would then run as template code on the server. Our
    elements place their output as it is.
    """

    def render(self, **kwargs) -> None:
        """Add the rendered header, html and script parts to the figure, verbatim."""
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(LiteralElement(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


def esc(value: object) -> str:
    """HTML-escape any value for text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def is_web_link(url: object) -> bool:
    """Whether ``url`` may become a link: an http(s) URL, never ``javascript:`` or ``data:``."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _link(url: str, text: str, css_class: str = "") -> str:
    """A link that opens in a new tab, escaped; ``text`` is already HTML."""
    attrs = f' class="{esc(css_class)}"' if css_class else ""
    return f'<a{attrs} href="{esc(url)}" target="_blank" rel="noopener noreferrer">{text}</a>'


def numbered_links(sources: object) -> str:
    """Sources as ``[1] [2] …`` links (only http(s) ones), for text that names them by number."""
    if not isinstance(sources, (list, tuple)):
        return ""
    return " ".join(_link(url, f"[{n}]") for n, url in enumerate(sources, start=1) if is_web_link(url))


def source_link(url: object) -> str:
    """A source as a link that opens in a new tab; anything but http(s) stays plain text."""
    return _link(url, esc(url)) if is_web_link(url) else esc(url)


def page_text(
    text: object, sources: tuple[str, ...] | list[str] = (), css_class: str = "mapapp-caption"
) -> str:
    """Data text for the page around the map, as HTML for ``st.html``: escaped, never Markdown.

    Streamlit's Markdown turns any ``https://…`` in a text into a live link even
    when every character is escaped, and reads ``$…$`` as a formula: text from
    the data or the link is therefore never given to it. Each source becomes a
    numbered link that opens in a new tab.
    """
    links = numbered_links(sources)
    return f'<div class="{esc(css_class)}">{esc(text)}{" Sources: " + links if links else ""}</div>'


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
    """Circle radius in pixels: camps by the people counted there, others fixed."""
    if spec.id == "camps":
        people = _number(props.get("people_on_day"))
        if people is None:
            return 5.0
        # Area grows with the count: 100 people → 7 px, 2,000 → 16 px, capped at 24.
        return round(min(24.0, 4.0 + 2.7 * math.sqrt(people / 40.0)), 1)
    return spec.weight


def line_weight(spec: LayerSpec, props: dict) -> float:
    """Line width in pixels: flight routes by flights per week, others fixed."""
    if spec.id == "flight_routes":
        per_week = _number(props.get("flights_per_week"))
        if per_week is None:
            return 2.0
        return round(min(8.0, 1.5 + 0.9 * math.sqrt(per_week)), 1)
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


def _present(value: object) -> bool:
    """False for None, NaN, empty text and empty lists."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, (list, tuple)):
        return bool(value)
    return not (isinstance(value, str) and not value.strip())


#: Country codes of the data, in words.
COUNTRY_WORDS = {"BY": "Belarus", "PL": "Poland", "LT": "Lithuania", "LV": "Latvia"}

#: Words for coded values shown in popups.
LOCATION_WORDS = {
    "exact": "exact (where the sources put it)",
    "approximate": "approximate (within a few km; see the notes)",
    "region": "region only (the area is known, not the place)",
}


def _figure(value: object) -> str:
    """A number for a reader: 1,234 or 12.5."""
    number = _number(value)
    if number is None:
        return "" if value is None else str(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0")


def _derived_rows(spec: LayerSpec, props: dict) -> list[tuple[str, str]]:
    """Rows computed for the day shown (fence length, camp count, crossing state)."""
    rows = []
    if spec.id == "fences" and _present(props.get("built_km")):
        planned = _number(props.get("planned_km"))
        text = f"{_figure(props['built_km'])} km" + (
            f" of {_figure(planned)} km planned" if planned is not None else " (planned length not given)"
        )
        if props.get("built_km_interpolated"):
            text += " (interpolated)"
        rows.append(("Standing on this day", text))
        if _present(props.get("built_km_basis")):
            rows.append(("How it is known", props["built_km_basis"]))
    if spec.id == "camps":
        if _present(props.get("people_on_day")):
            when = describe_period(props["people_on_day_date"], props["people_on_day_date"])
            rows.append(("People (latest count by this day)", f"{_figure(props['people_on_day'])} on {when}"))
        else:
            rows.append(("People", "no count in the sources by this day"))
        if _present(props.get("people")) and _present(props.get("people_date")):
            when = describe_period(props["people_date"], props["people_date"])
            rows.append(("Largest count (other estimates below)", f"{_figure(props['people'])} on {when}"))
    if spec.id == "crossings" and _present(props.get("status")):
        rows.append(
            (
                "On this day",
                props.get("status_note") or props["status"],
            )
        )
    return rows


#: Properties holding the sources of a figure for the day shown.
DAY_SOURCES = ("built_km_sources", "people_on_day_sources", "status_sources")


#: The Internet Archive's lookup of the capture of a page nearest to a day.
WAYBACK = "https://web.archive.org/web/{stamp}/{url}"


def archive_link(url: object, when: object) -> str:
    """A link to the Internet Archive's capture of ``url`` nearest to ``when`` (YYYY-MM-DD), or "".

    It is a lookup, not a verified capture, and says so: it keeps a source
    readable when the site moves or dies.
    """
    if not is_web_link(url):
        return ""
    stamp = when.replace("-", "") if isinstance(when, str) and ISO_DAY.fullmatch(when) else ""
    return _link(WAYBACK.format(stamp=stamp or "2", url=url), "archived copy (nearest capture)", "archive")


def _source_list(title: str, sources: object, when: object = None) -> str:
    """An ordered list of source links under a bold title, each with its archived copy."""
    items = []
    for url in sources:
        archived = archive_link(url, when)
        items.append(f"<li>{source_link(url)}{' · ' + archived if archived else ''}</li>")
    return f"<b>{esc(title)}</b><ol>{''.join(items)}</ol>"


#: Titles of the dated lists a popup shows whole (a layer's ``series`` with a number).
SERIES_TITLES = {"counts": "Every count in the sources", "progress": "Every reported length"}


def _series_list(spec: LayerSpec, props: dict) -> str:
    """Each dated figure of the feature's lists, who gave it, what it counts, its sources: side by side."""
    blocks = []
    for name, number in spec.series.items():
        items = props.get(name)
        if not number or not isinstance(items, list) or not items:
            continue
        entries = []
        for item in items:
            if not isinstance(item, dict):
                continue
            readings = [item, *[e for e in item.get("estimates") or [] if isinstance(e, dict)]]
            lines = []
            for reading in readings:
                figure = _figure(reading.get(number))
                kind = VALUE_KIND_WORDS.get(str(reading.get("value_kind")), "")
                who = ", ".join(str(reading[k]) for k in ("by", "counts") if _present(reading.get(k)))
                links = numbered_links(reading.get("sources"))
                lines.append(f"{esc(kind + figure)}{' (' + esc(who) + ')' if who else ''} {links}".strip())
            when = (
                describe_period(item.get("date"), item.get("date"))
                if ISO_DAY.fullmatch(str(item.get("date")))
                else ""
            )
            entries.append(f"<li><b>{esc(when)}</b>: {' · '.join(lines)}</li>")
        if entries:
            summary = f"<summary>{esc(SERIES_TITLES.get(name, name))}</summary>"
            blocks.append(f'<details class="series">{summary}<ul>{"".join(entries)}</ul></details>')
    return "".join(blocks)


#: Where a popup's rows for the day shown go (see :func:`popup_parts`).
DAY_MARK = "<!--day-->"


def popup_parts(spec: LayerSpec, props: dict) -> tuple[str, str]:
    """A popup in two parts: what holds on every day, and what the chosen day adds.

    Parameters
    ----------
    spec
        The feature's layer (which extra fields to show).
    props
        The feature's properties; not changed.

    Returns
    -------
    tuple
        ``(lasting, day)``: the lasting HTML carries :data:`DAY_MARK` where the
        day's HTML goes (a fence's length, a camp's count, a crossing's state
        and their sources). Every value is escaped; every http(s) source is a
        link that opens in a new tab.
    """
    rows = []
    if _present(props.get("start")):
        period = describe_period(props["start"], props.get("end") or "", props.get("date_precision", "day"))
        rows.append(("Dates", period))
    if _present(props.get("geo_precision")):
        rows.append(("Location", LOCATION_WORDS.get(props["geo_precision"], props["geo_precision"])))
    derived = {"built_km", "built_km_basis", "people_on_day", "people_peak", "status", "status_note"}
    for name, label in spec.popup_fields:
        if name in spec.numbers and name in props and not _present(props.get(name)):
            # An unknown figure is said, so nobody reads its absence as zero.
            rows.append((label, "not given in the sources"))
            continue
        if name not in derived and _present(props.get(name)):
            value = props[name]
            if spec.colour_by == name and value in spec.colours:
                value = spec.colours[value][1]
            elif name == "country":
                value = COUNTRY_WORDS.get(value, value)
            rows.append((label, _figure(value) if _number(value) is not None else value))
    parts = [f'<div class="mapapp-popup"><h4>{esc(props.get("name"))}</h4>']
    if rows:
        parts.append(_rows(rows))
    parts.append(DAY_MARK)
    parts.append(_series_list(spec, props))
    sources = props.get("sources")
    if _present(sources):
        parts.append(_source_list("Sources", sources, props.get("start")))
    if _present(props.get("notes")):
        # Notes hold the reasoning behind dates, places and figures: one click away.
        summary = "<summary>Notes: how this is known</summary>"
        parts.append(f'<details class="notes">{summary}{esc(props["notes"])}</details>')
    parts.append("</div>")
    day = []
    day_rows = _derived_rows(spec, props)
    if day_rows:
        day.append(_rows(day_rows))
    day_sources = [url for name in DAY_SOURCES if _present(props.get(name)) for url in props[name]]
    day_sources = [url for url in dict.fromkeys(day_sources) if not _present(sources) or url not in sources]
    if day_sources:
        day.append(_source_list("Sources of this day's figure", day_sources, props.get("start")))
    return "".join(parts), "".join(day)


def _rows(rows: list[tuple[str, object]]) -> str:
    """A definition list of (label, value) rows, escaped."""
    return "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows) + "</dl>"


def popup_html(spec: LayerSpec, props: dict) -> str:
    """The whole popup of a feature on a day (see :func:`popup_parts`).

    Parameters
    ----------
    spec
        The feature's layer.
    props
        The feature's properties; not changed.

    Returns
    -------
    str
        HTML: name, dates, precision, the layer's own fields, the day's
        figures, every source as a link and the notes, all escaped.
    """
    lasting, day = popup_parts(spec, props)
    return lasting.replace(DAY_MARK, day)


#: Radius of the circle that marks a place known only to its region, in metres.
REGION_RADIUS_M = 25_000


def _halo(geom, radius: float, colour: str, region: bool = False) -> dict:
    """A ring around a point placed approximately (dashed, in pixels) or only to its region.

    A region ring is a circle of ``REGION_RADIUS_M`` on the ground, so it
    keeps saying "somewhere around here" when the reader zooms in.
    """
    style = {
        "radius": radius + 9,
        "color": colour,
        "weight": 1.2,
        "dashArray": "1 4" if region else "3 3",
        "fill": True,
        "fillColor": colour,
        "fillOpacity": 0.06 if region else 0.12,
        "className": "mapapp-aid",
    }
    if region:
        style["radius_m"] = REGION_RADIUS_M
    return {"type": "Feature", "properties": {"_aid": True, "style": style}, "geometry": geom}


def _arrow(line, colour: str, weight: float) -> dict | None:
    """A chevron at 60 % of a route, pointing along it (the direction of flight)."""
    if line.geom_type != "LineString" or line.length == 0:
        return None
    tip = line.interpolate(0.6, normalized=True)
    back = line.interpolate(max(0.0, 0.6 - 0.02), normalized=True)
    dx, dy = tip.x - back.x, tip.y - back.y
    norm = math.hypot(dx, dy)
    if norm == 0:
        return None
    dx, dy = dx / norm, dy / norm
    size = 0.9  # degrees: visible at the zoom levels that show whole routes
    wings = []
    for sign in (1, -1):
        angle = math.radians(150 * sign)
        wx = dx * math.cos(angle) - dy * math.sin(angle)
        wy = dx * math.sin(angle) + dy * math.cos(angle)
        wings.append([round(tip.x + size * wx, 4), round(tip.y + size * wy, 4)])
    coords = [wings[0], [round(tip.x, 4), round(tip.y, 4)], wings[1]]
    style = {
        "color": colour,
        "weight": max(2.0, weight),
        "opacity": 0.95,
        "fill": False,
        "className": "mapapp-aid",
    }
    return {
        "type": "Feature",
        "properties": {"_aid": True, "style": style},
        "geometry": {"type": "LineString", "coordinates": coords},
    }


#: Layers whose shapes change from day to day (a fence's built part).
DAY_SHAPED = {"fences"}


def display_tolerance(layer_id: str) -> float:
    """Display simplification of a layer: shapes sent at every date step are drawn a little coarser."""
    return DISPLAY_TOLERANCE * 2 if layer_id in DAY_SHAPED else DISPLAY_TOLERANCE


def library(spec: LayerSpec, frame: gpd.GeoDataFrame, simplify: float | None = None) -> tuple[dict, dict]:
    """What never changes about a layer's features: fixed shapes, and popups.

    Published once as two files; a day's drawing (``display_collection(...,
    linked=True)``) then only carries what the day adds, so a date step sends
    kilobytes, not the whole layer again. The browser needs the shapes to draw
    and fetches the popups only when a reader opens one.

    Parameters
    ----------
    spec
        The layer.
    frame
        All its features (not filtered by day); not changed.
    simplify
        Display simplification of lines and polygons, in degrees.

    Returns
    -------
    tuple
        ``(shapes, popups)``: feature id → GeoJSON geometry, for lines and
        areas whose shape does not change by day; feature id → the lasting
        popup HTML, with :data:`DAY_MARK` where the day's rows go.
    """
    shapes, popups = {}, {}
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for props, geom in zip(frame[columns].to_dict("records"), frame.geometry, strict=True):
        popups[props["id"]] = popup_parts(spec, props)[0]
        if spec.geometry != "point" and spec.id not in DAY_SHAPED and geom is not None:
            shapes[props["id"]] = _lean(geom, simplify)
    return shapes, popups


def display_collection(
    spec: LayerSpec, frame: gpd.GeoDataFrame, simplify: float | None = None, linked: bool = False
) -> dict:
    """A lean FeatureCollection to draw: geometry, style, tooltip and popup only.

    Parameters
    ----------
    spec
        The layer drawn.
    frame
        Its features; not changed. A fence's planned rest may be in ``_rest``.
    simplify
        Tolerance in degrees to simplify lines and polygons for display
        (the data keep full detail), or None.
    linked
        Leave out what the layer's :func:`library` holds: the popup becomes
        ``_day`` (only the day's rows) and lines and areas whose shape does
        not change carry no geometry; the browser completes both.

    Returns
    -------
    dict
        GeoJSON whose properties are ``id``, ``style`` and escaped
        ``_tooltip``/``_label`` and ``_popup`` (or ``_day``) HTML, plus drawing
        aids marked ``_aid`` (halos of approximate points, route arrows).
    """
    features = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    rows = list(zip(frame[columns].to_dict("records"), frame.geometry, strict=True))
    if spec.geometry == "point":
        rows = _clickable_points(spec, rows)
    for props, geom in rows:
        style = feature_style(spec, props)
        tooltip = esc(props.get("name"))
        if spec.geometry == "point" and props.get("geo_precision") in ("approximate", "region"):
            tooltip += (
                " (approximate location)" if props["geo_precision"] == "approximate" else " (region only)"
            )
        base = {"id": props.get("id"), "style": style}
        if spec.labels:
            base["_label"] = esc(props.get("name"))
        else:
            base["_tooltip"] = tooltip
        lasting, day = popup_parts(spec, props)
        if linked:
            base["_day"] = day
        else:
            base["_popup"] = lasting.replace(DAY_MARK, day)
        rest = props.get("_rest")
        if isinstance(rest, BaseGeometry) and not rest.is_empty:
            # The planned, not yet built part of a fence: thinner and dashed.
            rest_style = {
                **style,
                "weight": max(2.0, style["weight"] - 2.5),
                "dashArray": "4 7",
                "opacity": 0.75,
            }
            features.append(_feature({**base, "style": rest_style}, rest, simplify))
        if geom is None or geom.is_empty:
            continue
        if spec.geometry == "point" and props.get("geo_precision") in ("approximate", "region"):
            region = props["geo_precision"] == "region"
            features.append(_halo(_lean(geom, None), style["radius"], style["fillColor"], region))
        if linked and spec.geometry != "point" and spec.id not in DAY_SHAPED:
            features.append({"type": "Feature", "properties": base, "geometry": None})
        else:
            features.append(_feature(base, geom, simplify))
        if spec.id == "flight_routes":
            arrow = _arrow(geom, style["color"], style["weight"])
            if arrow:
                features.append(arrow)
    return {"type": "FeatureCollection", "features": features}


#: How far apart markers that share a place are spread, in degrees (~0.9 km):
#: within the "few km" of an approximate place, enough to click each at zoom 10.
SPREAD_DEG = 0.008


def _clickable_points(spec: LayerSpec, rows: list[tuple[dict, object]]) -> list[tuple[dict, object]]:
    """Points ordered and spread so that each one can be clicked.

    Big circles are drawn first (small ones on top of them), closed crossings
    last; points that share the same place are spread on a small circle
    around it, for display only. Returns new pairs; the input is not changed.
    """

    def order(pair):
        props, _ = pair
        return (props.get("status") == "closed", -point_radius(spec, props))

    rows = sorted(rows, key=order)
    by_place: dict[tuple, list[int]] = {}
    for index, (_, geom) in enumerate(rows):
        if geom is not None and not geom.is_empty:
            by_place.setdefault((round(geom.x, 4), round(geom.y, 4)), []).append(index)
    out = list(rows)
    for indices in by_place.values():
        if len(indices) < 2:
            continue
        for k, index in enumerate(indices):
            props, geom = rows[index]
            angle = 2 * math.pi * k / len(indices)
            dx = SPREAD_DEG * math.cos(angle) / math.cos(math.radians(geom.y))
            out[index] = (props, shapely.Point(geom.x + dx, geom.y + SPREAD_DEG * math.sin(angle)))
    return out


def _lean(geom: BaseGeometry, simplify: float | None) -> dict:
    """GeoJSON geometry, simplified for display and rounded to ~1 m."""
    if simplify and geom.geom_type != "Point":
        geom = geom.simplify(simplify, preserve_topology=True)
    return shapely.set_precision(geom, 1e-5).__geo_interface__


def _feature(props: dict, geom: BaseGeometry, simplify: float | None) -> dict:
    """One display feature."""
    return {"type": "Feature", "properties": props, "geometry": _lean(geom, simplify)}


class OnMap:
    """An element that adds itself to the map it sits in (a layer kept across reruns)."""

    @property
    def map_name(self) -> str:
        """The variable of the map this element is in; it must be inside a folium.Map."""
        name = _map_name(self)
        if name == "null":
            raise ValueError(f"a kept {type(self).__name__} must be inside a folium.Map")
        return name


def _map_name(element) -> str:
    """The JavaScript variable of the folium.Map an element sits in, or "null"."""
    parent = element._parent
    while parent is not None and not isinstance(parent, folium.Map):
        parent = getattr(parent, "_parent", None)
    return parent.get_name() if parent is not None else "null"


class GeoJsonLayer(OnMap, DataMacro):
    """A GeoJSON layer drawn with each feature's own ``style``, embedded or fetched.

    Given ``url``, the browser fetches the file once per page and keeps the
    parsed data, so a layer sent again on a date step is redrawn from memory
    instead of being requested again.
    """

    _template = _TEMPLATES.from_string(
        """
        {% macro script(this, kwargs) %}
        {%- if this.key %}
        // A kept layer: drawn once and left on the map while its version stays the same,
        // so a date step redraws only the layers that changed (see LegendUpdate).
        var {{ this.get_name() }} = null;
        (function () {
            var kept = window.__mapappKept = window.__mapappKept || {};
            var old = kept[{{ this.key|js }}];
            if (old && old.version === {{ this.version|js }}) {
                if (!{{ this.map_name }}.hasLayer(old.layer)) { old.layer.addTo({{ this.map_name }}); }
                {{ this.get_name() }} = old.layer;
                return;
            }
            if (old) { {{ this.map_name }}.removeLayer(old.layer); }
            window.__mapappRedrawn = true;
        {%- endif %}
        var layer = L.geoJson(null, {
            // A style with radius_m is a circle on the ground (metres), not on the screen.
            style: function (f) {
                var s = f.properties.style;
                return s.radius_m ? Object.assign({}, s, {radius: s.radius_m}) : s;
            },
            pointToLayer: function (f, latlng) {
                var s = f.properties.style;
                return s.radius_m ? L.circle(latlng, Object.assign({}, s, {radius: s.radius_m}))
                                  : L.circleMarker(latlng, s);
            },
            onEachFeature: {{ this.on_each_feature }},
            interactive: {{ this.interactive|js }}
        });
        {%- if not this.key %}
        var {{ this.get_name() }} = layer;
        {%- endif %}
        (function () {
            // Files are fetched once per page and kept: a layer sent again is drawn from memory.
            var fetched = window.__mapappFetch = window.__mapappFetch || function (url) {
                var cache = window.__mapappData = window.__mapappData || {};
                if (!cache[url]) {
                    $.ajax(url, {dataType: 'json', async: false}).done(function (d) { cache[url] = d; });
                }
                return cache[url];
            };
            {%- if this.url %}
            var url = {{ this.url|js }};
            var data = fetched(url);
            {%- else %}
            var data = {{ this.data|js }};
            {%- endif %}
            {%- if this.shapes or this.popups %}
            // The day's drawing carries what the day adds; the layer's library files the rest.
            var shapes = {% if this.shapes %}fetched({{ this.shapes|js }}) || {}{% else %}{}{% endif %};
            var popups = {{ this.popups|js }};
            data = data && {type: 'FeatureCollection', features: data.features.map(function (f) {
                if (f.properties._aid) { return f; }
                var p = Object.assign({}, f.properties, popups ? {_popupsUrl: popups} : {});
                return {type: 'Feature', properties: p, geometry: f.geometry || shapes[p.id] || null};
            })};
            {%- endif %}
            if (data) { layer.addData(data); }
        })();
        {%- if this.key %}
            layer.addTo({{ this.map_name }});
            {%- if this.backdrop %}
            // The offline basemap: its sea colour comes with it.
            {{ this.map_name }}.getContainer().classList.add('mapapp-offline');
            layer.bringToBack();
            {%- endif %}
            kept[{{ this.key|js }}] = {version: {{ this.version|js }}, layer: layer};
            {{ this.get_name() }} = layer;
        })();
        {%- else %}
        layer.addTo({{ this._parent.get_name() }});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict | None = None,
        url: str | None = None,
        interactive: bool = True,
        shapes: str | None = None,
        popups: str | None = None,
        key: str | None = None,
        version: str | None = None,
        backdrop: bool = False,
    ):
        super().__init__()
        self._name = "GeoJsonLayer"
        self.backdrop = backdrop
        self.data = data if data is not None else {"type": "FeatureCollection", "features": []}
        self.url = url
        self.shapes = shapes
        self.popups = popups
        self.interactive = interactive
        self.on_each_feature = ON_EACH_FEATURE
        self.key = key
        self.version = version


def feature_group(
    spec: LayerSpec,
    collection: dict | None = None,
    url: str | None = None,
    shapes: str | None = None,
    popups: str | None = None,
    version: str | None = None,
) -> folium.FeatureGroup:
    """One layer as a feature group, the unit streamlit-folium updates in place.

    Give ``collection`` (embedded) or ``url`` (fetched by the browser, once
    per page). A day's drawing made with ``linked=True`` is completed from the
    layer's ``shapes`` and ``popups`` files (:func:`library`). With
    ``version`` the layer is kept on the map across reruns and redrawn only
    when the version changes (the group is then an empty shell for
    streamlit-folium).
    """
    group = folium.FeatureGroup(name=spec.title, overlay=True, control=False)
    key = spec.id if version is not None else None
    GeoJsonLayer(collection, url=url, shapes=shapes, popups=popups, key=key, version=version).add_to(group)
    return group


def drawing_version(*parts: object) -> str:
    """A short fingerprint of what a layer draws (its data, or its URL and library)."""
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()[:16]


class Legend(DataMacro):
    """The legend's frame in the map's corner; :class:`LegendUpdate` fills it."""

    _template = _TEMPLATES.from_string(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'mapapp-legend');
                div.innerHTML = '<details><summary>Legend: on the map now</summary>'
                    + '<div id="mapapp-legend-body"></div></details>';
                div.querySelector('#mapapp-legend-body').innerHTML = window.__mapappLegend || '';
                // Open on a large map, folded where it would hide too much of it.
                div.firstChild.open = window.innerWidth >= 900 && window.innerHeight >= 650;
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "Legend"


class LegendUpdate(DataMacro):
    """Puts the legend of what is on the map now into the legend's frame.

    It travels with the layers (in a feature group), so a date step or a toggle
    updates the legend in place without rebuilding the map.
    """

    _template = _TEMPLATES.from_string(
        """
        {% macro script(this, kwargs) %}
        (function () {
            window.__mapappLegend = {{ this.html|js }};
            var body = document.getElementById('mapapp-legend-body');
            if (body) { body.innerHTML = window.__mapappLegend; }
            {%- if this.keys is not none %}
            // Layers kept from an earlier day but not shown now leave the map; when one
            // was redrawn, all are brought forward again in drawing order.
            var kept = window.__mapappKept = window.__mapappKept || {};
            var shown = {{ this.keys|js }};
            var map = {{ this.map_name }};
            Object.keys(kept).forEach(function (key) {
                if (shown.indexOf(key) < 0) { map.removeLayer(kept[key].layer); delete kept[key]; }
            });
            if (window.__mapappRedrawn) {
                shown.forEach(function (key) { if (kept[key]) { kept[key].layer.bringToFront(); } });
                window.__mapappRedrawn = false;
            }
            {%- endif %}
            // Markers for tests and the benchmark: the layers of this day are drawn.
            window.__mapappDay = {{ this.day|js }};
            window.__mapappUpdates = (window.__mapappUpdates || 0) + 1;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, day: str = "", keys: list[str] | None = None):
        super().__init__()
        self._name = "LegendUpdate"
        self.html = html_text
        self.day = day
        self.keys = keys

    @property
    def map_name(self) -> str:
        """The variable of the map this legend is on ("null" outside a map)."""
        return _map_name(self)


class MapSetup(DataMacro):
    """Container class for the offline base, and the data attribution."""

    _template = _TEMPLATES.from_string(
        """
        {% macro script(this, kwargs) %}
        {% if this.offline -%}
        {{ this._parent.get_name() }}.getContainer().classList.add('mapapp-offline');
        {%- endif %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|js }});
        // On a touch screen one finger scrolls the page; two fingers move and zoom the map.
        if (L.Browser.mobile) { {{ this._parent.get_name() }}.dragging.disable(); }
        {% endmacro %}
        """
    )

    def __init__(self, offline: bool, attribution: str):
        super().__init__()
        self._name = "MapSetup"
        self.offline = offline
        self.attribution = attribution


def legend_html(
    specs: list[LayerSpec], present: dict[str, set] | None = None, notes: list[str] | None = None
) -> str:
    """Legend entries for the given layers, one block per layer.

    Parameters
    ----------
    specs
        Layers to list.
    present
        Layer id → values of its ``colour_by`` property on the map now;
        colours of absent values are left out. A layer given with an empty
        set is listed as having nothing on the map on this day.
    notes
        Lines explaining symbols on the map now (halos, dashes, sizes).

    Returns
    -------
    str
        Escaped HTML.
    """
    present = present or {}
    blocks = []
    for spec in specs:
        if spec.id == COUNTRIES.id:
            continue
        wanted = present.get(spec.id)
        if wanted is not None and not wanted:
            blocks.append(f'<b>{esc(spec.title)}</b><div class="none">none on this day</div>')
            continue
        if spec.colours:
            entries = [v for k, v in spec.colours.items() if wanted is None or k in wanted]
        else:
            entries = [(spec.colour, spec.title)]
        shape = {"line": "swatch-line", "point": "swatch-dot"}.get(spec.geometry, "swatch-area")
        attr = "border-color" if shape == "swatch-line" else "background"
        rows = "".join(
            f'<div><span class="{shape}" style="{attr}:{esc(colour)}"></span>{esc(label)}</div>'
            for colour, label in entries
        )
        blocks.append(f"<b>{esc(spec.title)}</b>{rows}")
    if notes:
        blocks.append('<div class="notes">' + "".join(f"<div>{esc(n)}</div>" for n in notes) + "</div>")
    return "".join(blocks)


def legend_present(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, set]:
    """Per layer shown, the values of its colour property on the map now."""
    out = {}
    for layer_id, frame in frames.items():
        spec = LAYERS[layer_id]
        if spec.colour_by and spec.colour_by in frame.columns:
            out[layer_id] = set(frame[spec.colour_by])
        else:
            out[layer_id] = {"any"} if len(frame) else set()
    return out


def legend_notes(frames: dict[str, gpd.GeoDataFrame]) -> list[str]:
    """Lines explaining the symbols that are on the map now."""
    notes = []
    points = [f for lid, f in frames.items() if LAYERS[lid].geometry == "point" and "geo_precision" in f]
    if any((f["geo_precision"] == "approximate").any() for f in points):
        notes.append("Dashed ring: approximate location")
    if any((f["geo_precision"] == "region").any() for f in points):
        notes.append("Dotted circle (25 km): only the region is known (see the popup)")
    if "fences" in frames and "_rest" in frames["fences"] and frames["fences"]["_rest"].notna().any():
        notes.append("Fences: solid = standing on this day, dashed = planned, not yet built")
    if "flight_routes" in frames and len(frames["flight_routes"]):
        notes.append("Routes: width = flights per week, chevron = direction of flight")
    if "camps" in frames and len(frames["camps"]):
        notes.append("Camps: circle size = people counted (small: no count)")
    if "emergency_zones" in frames and len(frames["emergency_zones"]):
        notes.append("Zones with dashed edges: approximate outline")
    return notes


BACKDROP_FILL = {"belarus": "#efe3cf", "neighbour": "#fbfaf6", "context": "#eeeeea"}


def countries_style(props: dict) -> dict:
    """Backdrop fill: Belarus stands out, countries beyond its neighbours recede."""
    return {
        "color": "#9a9a9a",
        "weight": 0.8,
        "fillColor": BACKDROP_FILL.get(props.get("role"), BACKDROP_FILL["context"]),
        "fillOpacity": 1.0,
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
#: The key under which the basemap is kept on the map (like a layer, see GeoJsonLayer).
BASEMAP_KEY = "basemap"


class KeptTiles(OnMap, DataMacro):
    """A tile layer kept on the map under :data:`BASEMAP_KEY` until another basemap replaces it."""

    _template = _TEMPLATES.from_string(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = null;
        (function () {
            var kept = window.__mapappKept = window.__mapappKept || {};
            var map = {{ this.map_name }};
            var old = kept[{{ this.key|js }}];
            if (old && old.version === {{ this.version|js }}) {
                if (!map.hasLayer(old.layer)) { old.layer.addTo(map); }
                return;
            }
            if (old) { map.removeLayer(old.layer); }
            var layer = L.tileLayer({{ this.url|js }}, {attribution: {{ this.attribution|js }}, maxZoom: 19});
            layer.addTo(map);
            map.getContainer().classList.remove('mapapp-offline');
            kept[{{ this.key|js }}] = {version: {{ this.version|js }}, layer: layer};
            window.__mapappRedrawn = true;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, url: str, attribution: str, key: str = BASEMAP_KEY):
        super().__init__()
        self._name = "KeptTiles"
        self.url = url
        self.attribution = attribution
        self.key = key
        self.version = f"tiles:{url}"


def basemap_group(basemap: str, countries_url: str) -> folium.FeatureGroup:
    """The basemap as a group kept on the map like a layer, so switching it keeps zoom and pan.

    Parameters
    ----------
    basemap
        ``"offline"`` (the bundled country outlines, no request leaves the
        machine) or ``"osm"`` (OpenStreetMap tiles).
    countries_url
        URL of the country backdrop (:func:`backdrop_collection`).

    Returns
    -------
    folium.FeatureGroup
        An empty shell for streamlit-folium; its element draws the basemap
        under the layers, or keeps the one already drawn.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {tuple(BASEMAPS)}, not {basemap!r}")
    group = folium.FeatureGroup(name="basemap", overlay=True, control=False)
    if basemap == "offline":
        GeoJsonLayer(
            url=countries_url,
            interactive=False,
            key=BASEMAP_KEY,
            version=f"outlines:{countries_url}",
            backdrop=True,
        ).add_to(group)
    else:
        KeptTiles(OSM_TILES, OSM_TILES_ATTRIBUTION).add_to(group)
    return group


def base_map() -> folium.Map:
    """The map that stays the same across date steps, toggles and basemap switches.

    It holds no basemap and no layer: those come as kept groups
    (:func:`basemap_group`, :func:`feature_group`), so the map itself, its
    zoom and its pan survive every change.
    """
    fmap = folium.Map(
        location=CENTER,
        zoom_start=ZOOM,
        tiles=None,
        control_scale=True,
        min_zoom=4,
        max_zoom=16,
        prefer_canvas=False,
    )
    MapSetup(False, OSM_ATTRIBUTION).add_to(fmap)
    Legend().add_to(fmap)
    return fmap
