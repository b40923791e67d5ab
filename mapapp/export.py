"""Downloads: the day's snapshot as GeoJSON and CSV, and the map as one HTML file.

The HTML file carries Leaflet, the map's engine, the styles and the compiled
timeline inline, so it opens anywhere, offline too, and shows the map as on the
page, time bar included.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import geopandas as gpd

from mapapp import assets
from mapapp.render import basemap, popup, text
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
        day_sources = [url for name in popup.DAY_SOURCES for url in (props.get(name) or [])]
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


#: Starts the map of the single file, after the engine in the same module.
SINGLE_FILE_JS = "single-file.js"


def _vendor(name: str) -> str:
    """A file of the Leaflet package, made safe to sit inside an HTML element."""
    with open(f"{assets.VENDOR_PACKAGES['leaflet'].BASE_DIR}/{name}", encoding="utf-8") as handle:
        return handle.read().replace("</script", "<\\/script").replace("</style", "<\\/style")


def _static(name: str) -> str:
    """One of our committed files (map.css, timemap.js), made safe to sit inside an HTML element."""
    body = (assets.PACKAGE_STATIC / name).read_text(encoding="utf-8")
    return body.replace("</script", "<\\/script").replace("</style", "<\\/style")


def standalone_html(
    documents: dict[str, dict], day: dt.date, layers: list[str], basemap_id: str = "offline"
) -> str:
    """The map as one self-contained HTML page: every layer, popups, legend and the time bar.

    Parameters
    ----------
    documents
        The compiled ``timeline``, its ``popups`` and the ``backdrop``
        (see :mod:`mapapp.compiled`).
    day
        The day the page opens on (the reader can step from it).
    layers
        Layer ids shown at first.
    basemap_id
        ``offline`` or ``osm``.

    Returns
    -------
    str
        HTML that needs no network with the offline basemap: Leaflet, the
        engine and the data are inline; data only as JSON in
        ``<script type="application/json">`` (through
        :func:`mapapp.render.text.js_literal`, so no text of the data can end
        the element).
    """
    title = f"Belarus–EU border crisis: the map on {day.day} {day:%B %Y}"
    config = {
        "map": basemap.map_options(basemap.base_map()),
        "attribution": basemap.OSM_ATTRIBUTION,
        "tiles": {"url": basemap.OSM_TILES, "attribution": basemap.OSM_TILES_ATTRIBUTION},
        "day": day.isoformat(),
        "layers": list(layers),
        "basemap": basemap_id,
    }
    data_blocks = "\n".join(
        f'<script type="application/json" id="tm-{name}">{text.js_literal(value)}</script>'
        for name, value in (
            ("config", config),
            ("timeline", documents["timeline"]),
            ("popups", documents["popups"]),
            ("backdrop", documents["backdrop"]),
        )
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text.esc(title)}</title>
<style>{_vendor("leaflet.css")}</style>
<style>{_static(assets.MAP_CSS)}</style>
<style>html, body {{margin: 0; height: 100%;}} body {{display: flex; flex-direction: column;
font: 14px system-ui, sans-serif;}} h1 {{font-size: 16px; margin: 8px 12px;}}
#tm-root {{flex: 1; display: flex; flex-direction: column; min-height: 420px;}}
#tm-root .tm-map {{flex: 1; height: auto;}}</style>
<script>{_vendor("leaflet.js")}</script>
</head>
<body>
<h1>{text.esc(title)}</h1>
<div id="tm-root"></div>
{data_blocks}
<script type="module">
{_static(assets.ENGINE_JS)}
{_static(SINGLE_FILE_JS)}
</script>
</body>
</html>
"""
