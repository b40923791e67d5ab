"""Map rendering: layer specs and frames in, folium objects out.

Renderers never filter by date and never change their input: they read a
frame and build new GeoJSON dicts. All text that reaches HTML is escaped here.
"""

from __future__ import annotations

import html
import math
import re

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from mapapp.layers import COUNTRIES, LayerSpec
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
# permanent label (towns).
ON_EACH_FEATURE = folium.JsCode(
    """
function (feature, layer) {
    var p = feature.properties;
    if (p._label) {
        layer.bindTooltip(p._label, {permanent: true, direction: 'right',
                                     className: 'mapapp-town', offset: [3, 0]});
    } else if (p._tooltip) {
        layer.bindTooltip(p._tooltip, {sticky: true});
    }
    if (p._popup) { layer.bindPopup(p._popup, {maxWidth: 360}); }
}
"""
)


def esc(value: object) -> str:
    """HTML-escape any value for text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$<>~:])")


def md_escape(value: object) -> str:
    """Escape text for Streamlit Markdown, so data never becomes a link, image or formula."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if value is None else str(value))


def source_link(url: object) -> str:
    """A source as a link that opens in a new tab; anything but http(s) stays plain text."""
    text = esc(url)
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{text}" target="_blank" rel="noopener noreferrer">{text}</a>'
    return text


def colour_of(spec: LayerSpec, props: dict) -> str:
    """The colour a feature is drawn in."""
    if spec.colour_by and props.get(spec.colour_by) in spec.colours:
        return spec.colours[props[spec.colour_by]][0]
    return spec.colour


def feature_style(spec: LayerSpec, props: dict) -> dict:
    """Leaflet path options for one feature."""
    colour = colour_of(spec, props)
    if spec.geometry == "line":
        return {"color": colour, "weight": spec.weight, "opacity": 0.95}
    if spec.geometry == "point":
        return {
            "radius": spec.weight,
            "color": "#ffffff",
            "weight": 1 if spec.weight < 5 else 1.5,
            # folium's CircleMarker template starts with fill off.
            "fill": True,
            "fillColor": colour,
            "fillOpacity": 0.95,
        }
    return {"color": colour, "weight": 1, "fill": True, "fillColor": colour, "fillOpacity": 0.25}


def _present(value: object) -> bool:
    """False for None, NaN and empty text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def popup_html(spec: LayerSpec, props: dict) -> str:
    """Popup HTML: name, dates, precision, the layer's own fields, notes and every source.

    Parameters
    ----------
    spec
        The feature's layer (which extra fields to show).
    props
        The feature's properties; not changed.

    Returns
    -------
    str
        HTML in which every value is escaped and every http(s) source is a
        link that opens in a new tab.
    """
    rows = []
    if _present(props.get("start")):
        period = describe_period(props["start"], props.get("end") or "", props.get("date_precision", "day"))
        rows.append(("Dates", period))
    if _present(props.get("geo_precision")):
        rows.append(("Location", props["geo_precision"]))
    for name, label in spec.popup_fields:
        if _present(props.get(name)):
            rows.append((label, props[name]))
    parts = [f'<div class="mapapp-popup"><h4>{esc(props.get("name"))}</h4>']
    if rows:
        parts.append("<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows) + "</dl>")
    if _present(props.get("notes")):
        parts.append(f'<p class="notes">{esc(props["notes"])}</p>')
    sources = props.get("sources")
    if sources is not None and len(sources):
        links = "".join(f"<li>{source_link(url)}</li>" for url in sources)
        parts.append(f"<b>Sources</b><ol>{links}</ol>")
    parts.append("</div>")
    return "".join(parts)


def display_collection(spec: LayerSpec, frame: gpd.GeoDataFrame, simplify: float | None = None) -> dict:
    """A lean FeatureCollection to draw: geometry, style, tooltip and popup only.

    Parameters
    ----------
    spec
        The layer drawn.
    frame
        Its features; not changed.
    simplify
        Tolerance in degrees to simplify lines and polygons for display
        (the data keep full detail), or None.

    Returns
    -------
    dict
        GeoJSON whose properties are ``id``, ``style`` and escaped
        ``_tooltip``/``_label`` and ``_popup`` HTML.
    """
    geoms = frame.geometry
    if simplify:
        geoms = geoms.simplify(simplify, preserve_topology=True)
    geojson = gpd.GeoSeries(geoms, crs=frame.crs).set_precision(1e-5)
    features = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for (_, row), geom in zip(frame[columns].iterrows(), geojson, strict=True):
        props = row.to_dict()
        out = {"id": props.get("id"), "style": feature_style(spec, props)}
        if spec.labels:
            out["_label"] = esc(props.get("name"))
        else:
            out["_tooltip"] = esc(props.get("name"))
        out["_popup"] = popup_html(spec, props)
        features.append({"type": "Feature", "properties": out, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


class LinkedGeoJson(folium.GeoJson):
    """A GeoJson layer whose data the browser fetches from ``url`` (cached by it).

    folium only links data it downloads itself; here the data are already in
    memory (for folium's checks) and served by the app.
    """

    def __init__(self, url: str, **kwargs):
        self._url = url
        # Python needs no geometry: styles and popups travel in the file's properties.
        super().__init__({"type": "FeatureCollection", "features": []}, embed=False, **kwargs)

    def process_data(self, data):  # noqa: D102 - folium hook
        self.embed = False
        self.embed_link = self._url
        return data


def geojson_layer(spec: LayerSpec, collection: dict, url: str | None = None) -> folium.GeoJson:
    """The folium layer of a display collection, embedded or linked by URL.

    Parameters
    ----------
    spec
        The layer drawn (points get circle markers).
    collection
        From :func:`display_collection`; ignored when ``url`` is given.
    url
        Where the browser fetches the same collection, if it is served.

    Returns
    -------
    folium.GeoJson
    """
    kwargs = {"name": spec.title, "on_each_feature": ON_EACH_FEATURE}
    if spec.geometry == "point":
        kwargs["marker"] = folium.CircleMarker(radius=spec.weight)
    if url:
        return LinkedGeoJson(url, **kwargs)
    return folium.GeoJson(collection, **kwargs)


def feature_group(
    spec: LayerSpec, collection: dict | None = None, url: str | None = None
) -> folium.FeatureGroup:
    """One layer as a feature group, the unit streamlit-folium updates in place.

    Give either ``collection`` (embedded: the dated layers, small) or ``url``
    (fetched once by the browser: the static layers).
    """
    group = folium.FeatureGroup(name=spec.title, overlay=True, control=False)
    geojson_layer(spec, collection, url).add_to(group)
    return group


class Legend(MacroElement):
    """A fixed legend in the map's corner (its HTML is built escaped)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'mapapp-legend');
                div.innerHTML = '<details><summary>Legend</summary>' + {{ this.html|tojson }} + '</details>';
                // Open on a laptop, folded on a phone where it would hide the map.
                div.firstChild.open = window.innerWidth >= 640;
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html = html_text


class MapSetup(MacroElement):
    """Container class for the offline base, and the data attribution."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {% if this.offline -%}
        {{ this._parent.get_name() }}.getContainer().classList.add('mapapp-offline');
        {%- endif %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, offline: bool, attribution: str):
        super().__init__()
        self._name = "MapSetup"
        self.offline = offline
        self.attribution = attribution


def legend_html(specs: list[LayerSpec], present: dict[str, set] | None = None) -> str:
    """Legend entries for the given layers, one block per layer.

    Parameters
    ----------
    specs
        Layers to list.
    present
        Layer id → values of its ``colour_by`` property that occur in the
        data; colours of absent values are left out.

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
        if spec.colours:
            wanted = present.get(spec.id)
            entries = [v for k, v in spec.colours.items() if wanted is None or k in wanted]
        else:
            entries = [(spec.colour, spec.title)]
        shape = "swatch-line" if spec.geometry == "line" else "swatch-dot"
        attr = "border-color" if shape == "swatch-line" else "background"
        rows = "".join(
            f'<div><span class="{shape}" style="{attr}:{esc(colour)}"></span>{esc(label)}</div>'
            for colour, label in entries
        )
        blocks.append(f"<b>{esc(spec.title)}</b>{rows}")
    return "".join(blocks)


BACKDROP_FILL = {"belarus": "#efe3cf", "neighbour": "#fbfaf6", "context": "#eeeeea"}


def countries_style(props: dict) -> dict:
    """Backdrop fill: Belarus stands out, countries beyond its neighbours recede."""
    return {
        "color": "#9a9a9a",
        "weight": 0.8,
        "fillColor": BACKDROP_FILL.get(props.get("role"), BACKDROP_FILL["context"]),
        "fillOpacity": 1.0,
    }


def backdrop_collection(countries: gpd.GeoDataFrame) -> dict:
    """Display collection of the country backdrop (styled, not interactive)."""
    simplified = countries.geometry.simplify(DISPLAY_TOLERANCE * 2, preserve_topology=True).set_precision(
        1e-4
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": props["id"], "style": countries_style(props)},
                "geometry": geom.__geo_interface__,
            }
            for props, geom in zip(
                countries.drop(columns="geometry").to_dict("records"), simplified, strict=True
            )
        ],
    }


def base_map(
    basemap: str,
    countries_url: str,
    legend_specs: list[LayerSpec],
    legend_present: dict[str, set] | None = None,
) -> folium.Map:
    """The map that stays the same across date steps and toggles.

    Parameters
    ----------
    basemap
        ``"offline"`` (the bundled country outlines, no request leaves the
        machine) or ``"osm"`` (OpenStreetMap tiles).
    countries_url
        URL of the country backdrop (:func:`backdrop_collection`).
    legend_specs, legend_present
        Layers listed in the legend, and the values present (:func:`legend_html`).

    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {tuple(BASEMAPS)}, not {basemap!r}")
    offline = basemap == "offline"
    fmap = folium.Map(
        location=CENTER,
        zoom_start=ZOOM,
        tiles=None,
        control_scale=True,
        min_zoom=4,
        max_zoom=16,
        prefer_canvas=False,
    )
    if offline:
        LinkedGeoJson(countries_url, name=COUNTRIES.title, interactive=False).add_to(fmap)
    else:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(fmap)
    MapSetup(offline, OSM_ATTRIBUTION).add_to(fmap)
    Legend(legend_html(legend_specs, legend_present)).add_to(fmap)
    return fmap
