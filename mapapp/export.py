"""Downloads: the day's snapshot as GeoJSON and CSV.

The map as one HTML file is the single-file reader edition (:func:`mapapp.reader.single_file`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import geopandas as gpd

from mapapp.render import popup
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
