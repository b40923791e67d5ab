"""Downloads: the day's snapshot as GeoJSON and CSV, and the map as one HTML file.

The HTML file carries Leaflet, jQuery, the styles and every layer inline, so
it opens anywhere, offline too, and shows the map exactly as on the page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import folium
import geopandas as gpd

from mapapp import assets, render
from mapapp.layers import COUNTRIES, LAYERS
from mapapp.snapshot import to_feature_collection

#: Columns of the CSV snapshot, in order; list properties are joined with " ; ".
CSV_COLUMNS = (
    "map_date",
    "layer",
    "id",
    "name",
    "start",
    "end",
    "date_precision",
    "geo_precision",
    "longitude",
    "latitude",
    "category",
    "kind",
    "country",
    "status",
    "people_on_day",
    "people_on_day_date",
    "built_km",
    "built_km_interpolated",
    "planned_km",
    "flights_per_week",
    "notes",
    "sources",
    "day_sources",
)


def snapshot_geojson(frames: dict[str, gpd.GeoDataFrame], day: dt.date) -> str:
    """The day's features, every property kept, as GeoJSON text."""
    return json.dumps(to_feature_collection(frames, day), ensure_ascii=False)


def snapshot_csv(frames: dict[str, gpd.GeoDataFrame], day: dt.date) -> str:
    """One row per feature on the map on ``day``, with its sources.

    Parameters
    ----------
    frames
        Layer id → the day's frame (:func:`mapapp.snapshot.frames_on`).
    day
        The day shown (first line of the file says it).

    Returns
    -------
    str
        CSV text, its first line the header (``map_date`` says the day shown).
        Text that a spreadsheet would run as a formula is written with a
        leading ``'`` (see :func:`spreadsheet_safe`).
        Points give their coordinates; lines and areas a
        representative point inside them. ``sources`` are the feature's,
        ``day_sources`` those of the day's figure (fence length, camp count,
        crossing closure).
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for feature in to_feature_collection(frames, day)["features"]:
        props = dict(feature["properties"])
        row = {name: props.get(name, "") for name in CSV_COLUMNS}
        row["map_date"] = day.isoformat()
        where = _where(frames[props["layer"]], props["id"])
        if where is not None:
            row["longitude"], row["latitude"] = round(where.x, 5), round(where.y, 5)
        row["sources"] = " ; ".join(props.get("sources") or [])
        day_sources = [url for name in render.DAY_SOURCES for url in (props.get(name) or [])]
        row["day_sources"] = " ; ".join(dict.fromkeys(day_sources))
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return out.getvalue()


#: What a spreadsheet reads as the start of a formula in a text cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: text starting like a formula gets a leading ``'``.

    Numbers stay numbers (a negative longitude is not a formula); None is empty.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _where(frame: gpd.GeoDataFrame, fid: str):
    """A point for one feature: itself, or a point on/in its line or area."""
    match = frame.loc[frame["id"] == fid]
    if match.empty:
        return None
    shape = match.geometry.iloc[0]
    if shape is None or shape.is_empty:
        rest = match["_rest"].iloc[0] if "_rest" in match.columns else None
        shape = rest
    if shape is None or shape.is_empty:
        return None
    return shape if shape.geom_type == "Point" else shape.representative_point()


class StandaloneMap(folium.Map):
    """A folium map that links no script or stylesheet: they are inlined."""

    default_js: tuple = ()
    default_css: tuple = ()


def _inline_assets() -> str:
    """Leaflet, jQuery and our styles as inline ``<script>``/``<style>`` blocks."""
    parts = []
    for name, package in assets.VENDOR_PACKAGES.items():
        base = package.BASE_DIR
        if name == "leaflet":
            parts.append(f"<style>{_read(base, 'leaflet.css')}</style>")
            parts.append(f"<script>{_read(base, 'leaflet.js')}</script>")
        else:
            parts.append(f"<script>{_read(base, 'jquery.min.js')}</script>")
    parts.append(f"<style>{(assets.PACKAGE_STATIC / assets.MAP_CSS).read_text(encoding='utf-8')}</style>")
    return "\n".join(parts)


def _read(base: str, name: str) -> str:
    """A vendored file's text, made safe to sit inside an HTML element."""
    with open(f"{base}/{name}", encoding="utf-8") as handle:
        return handle.read().replace("</script", "<\\/script")


def standalone_html(
    frames: dict[str, gpd.GeoDataFrame],
    countries: gpd.GeoDataFrame,
    day: dt.date,
) -> str:
    """The map of ``day`` as one self-contained HTML page.

    Parameters
    ----------
    frames
        Layer id → the day's frame, for the layers shown.
    countries
        The country backdrop.
    day
        The day shown, in the page title and a caption.

    Returns
    -------
    str
        HTML that needs no network: assets and data are inline.
    """
    fmap = StandaloneMap(
        location=render.CENTER, zoom_start=render.ZOOM, tiles=None, control_scale=True, min_zoom=4
    )
    title = f"Belarus–EU border crisis: the map on {day.day} {day:%B %Y}"
    fmap.get_root().header.add_child(render.LiteralElement(_inline_assets()), name="mapapp_assets")
    page_title = render.LiteralElement(f"<title>{render.esc(title)}</title>")
    fmap.get_root().header.add_child(page_title, name="mapapp_title")
    render.GeoJsonLayer(render.backdrop_collection(countries), interactive=False).add_to(fmap)
    render.MapSetup(True, render.OSM_ATTRIBUTION).add_to(fmap)
    render.Legend().add_to(fmap)
    for layer_id, frame in frames.items():
        spec = LAYERS[layer_id]
        collection = render.display_collection(spec, frame, simplify=render.DISPLAY_TOLERANCE)
        render.feature_group(spec, collection).add_to(fmap)
    notes = render.legend_notes(frames)
    legend = render.legend_html(
        [LAYERS[i] for i in frames if i != COUNTRIES.id], render.legend_present(frames), notes
    )
    render.LegendUpdate(legend, day.isoformat()).add_to(fmap)
    caption = render.LiteralElement(
        '<div style="position:fixed;top:8px;left:50px;z-index:1000;background:#fff;padding:4px 8px;'
        f'font:600 14px system-ui,sans-serif;border-radius:4px">{render.esc(title)}</div>'
    )
    fmap.get_root().html.add_child(caption, name="mapapp_caption")
    return fmap.get_root().render()
