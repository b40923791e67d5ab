"""The map as it stood on one day: the one code path shared by the app and the CLI."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry

from mapapp.data import Dataset
from mapapp.layers import CAMPS, CROSSINGS, FENCES, toggleable
from mapapp.timeline import (
    CRISIS_END,
    CRISIS_START,
    active_on,
    count_on,
    describe_period,
    fence_built_by,
    period_on,
)


def frames_on(
    dataset: Dataset, day: dt.date, layer_ids: Iterable[str] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Features of each data layer active on ``day``, as new frames.

    Parameters
    ----------
    dataset
        The loaded data.
    day
        The day shown.
    layer_ids
        Layers to include (default: every data layer, in drawing order). The
        country backdrop is not a data layer and is never included.

    Returns
    -------
    dict
        Layer id → frame of the features standing on ``day``.

    """
    wanted = None if layer_ids is None else set(layer_ids)
    frames = {}
    for spec in toggleable():
        if spec.id not in dataset.frames or (wanted is not None and spec.id not in wanted):
            continue
        frame = active_on(dataset.frame(spec.id), day)
        if spec.on_day:
            frame = ON_DAY[spec.on_day](frame, day)
        frames[spec.id] = frame
    return frames


def _line(geom: BaseGeometry) -> BaseGeometry:
    """One LineString for a fence, merging parts that touch."""
    return shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom


def fence_on(row: dict, day: dt.date) -> dict:
    """How much of one fence stood on ``day``: ``built_km`` and how it is known.

    ``row`` holds the fence's ``progress`` and ``start``. Returns the
    :attr:`~mapapp.layers.LayerSpec.day_properties` of the fences layer.
    """
    progress = fence_built_by(list(row["progress"]), row["start"], day)
    return {
        "built_km": progress.built_km if progress else 0.0,
        "built_km_interpolated": bool(progress and progress.interpolated),
        "built_km_basis": progress.basis if progress else "",
        "built_km_sources": list(progress.sources) if progress else [],
    }


def fences_on(frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """Fences as they stood on ``day``: geometry cut to the length built.

    The stored geometry is the whole planned line; the built part is laid
    from its start for ``built_km`` (sources give lengths, not places), and
    the planned rest is kept in ``_rest`` for drawing. Adds the properties of
    :func:`fence_on`.
    """
    out = frame.copy()
    rows = [fence_on(row, day) for row in frame[["progress", "start"]].to_dict("records")]
    geoms, rests = [], []
    for on_day, planned_km, geom in zip(rows, frame["planned_km"], frame.geometry, strict=True):
        line = _line(geom)
        km = on_day["built_km"]
        fraction = built_fraction(km, planned_km)
        if line.geom_type != "LineString":  # cannot be cut: all of it or nothing
            part, rest = (line, None) if fraction >= 1.0 else (None, line)
        else:
            part, rest = cut_line(line, fraction)
        geoms.append(part if part is not None and not part.is_empty and part.length > 0 else None)
        rests.append(rest if rest is not None and not rest.is_empty and rest.length > 0 else None)
    for name in FENCES.day_properties:
        out[name] = [r[name] for r in rows]
    out["_rest"] = rests
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=frame.crs))


def built_fraction(built_km: float, planned_km: object) -> float:
    """The share of a planned line standing (0–1); an unknown plan counts as what is built."""
    planned = planned_km if isinstance(planned_km, (int, float)) and planned_km == planned_km else 0
    planned = planned or built_km
    return 1.0 if not planned else min(1.0, built_km / planned)


def cut_line(line: LineString, fraction: float) -> tuple[LineString | None, LineString | None]:
    """Split a line at ``fraction`` of its length: (first part, rest), None for an empty part.

    Vectorised over the vertices (shapely's ``substring`` walks them in Python,
    too slow for a border line at every date step).
    """
    coords = shapely.get_coordinates(line)
    steps = np.hypot(*np.diff(coords, axis=0).T)
    walked = np.concatenate([[0.0], np.cumsum(steps)])
    total = walked[-1]
    if fraction <= 0 or total == 0:
        return None, line
    if fraction >= 1:
        return line, None
    at = fraction * total
    index = int(np.searchsorted(walked, at, side="right"))  # first vertex beyond the cut
    share = (at - walked[index - 1]) / steps[index - 1]
    cut = coords[index - 1] + share * (coords[index] - coords[index - 1])
    first = np.vstack([coords[:index], cut])
    rest = np.vstack([cut, coords[index:]])
    return LineString(first), LineString(rest)


def crossing_on(row: dict, day: dt.date) -> dict:
    """One crossing on ``day``: ``status`` closed during a sourced closure, else open."""
    closure = period_on(list(row["closures"]), day)
    if not closure:
        return {"status": "open", "status_note": "", "status_sources": []}
    note = f"closed {describe_period(closure['start'], closure['end'])}"
    if closure.get("note"):
        note += f". {closure['note']}"
    return {"status": "closed", "status_note": note, "status_sources": list(closure["sources"])}


def camp_on(row: dict, day: dt.date) -> dict:
    """One camp on ``day``: the latest sourced count made by then (``people_on_day``…)."""
    latest = count_on(list(row["counts"]), day)
    return {
        "people_on_day": latest["people"] if latest else None,
        "people_on_day_date": latest["date"] if latest else "",
        "people_on_day_sources": list(latest["sources"]) if latest else [],
    }


def _rows_on(one, columns: tuple[str, ...], names: tuple[str, ...]):
    """A frame function that adds ``one(row, day)``'s properties ``names`` to every row."""

    def on(frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
        out = frame.copy()
        rows = [one(row, day) for row in frame[list(columns)].to_dict("records")]
        for name in names:
            out[name] = [r[name] for r in rows]
        return out

    return on


crossings_on = _rows_on(crossing_on, ("closures",), CROSSINGS.day_properties)
camps_on = _rows_on(camp_on, ("counts",), CAMPS.day_properties)

#: What a feature becomes on a day, per kind (a layer's ``on_day``): the function of
#: one feature (its properties, the day → the day's properties) and of a whole frame.
ON_DAY_ROW = {"fence": fence_on, "crossing": crossing_on, "camp": camp_on}
ON_DAY = {"fence": fences_on, "crossing": crossings_on, "camp": camps_on}


def change_days(dataset: Dataset) -> list[dt.date]:
    """Every day inside the period on which something on the map changes.

    A feature's start, the day after its end, a fence's progress points, a
    camp's counts and a crossing's closures; sorted, without repeats.
    """
    days: set[str] = set()
    for spec in toggleable():
        frame = dataset.frames.get(spec.id)
        if frame is None:
            continue
        if spec.dated:
            days.update(frame["start"])
            days.update(_day_after(end) for end in frame["end"] if end)
        for name, number in spec.series.items():
            for items in frame[name]:
                for item in items:
                    # The spec says what the items are (dated figures or periods), not their keys.
                    if number:
                        days.add(item["date"])
                    else:
                        days.add(item["start"])
                        if item["end"]:
                            days.add(_day_after(item["end"]))
    first, last = CRISIS_START.isoformat(), CRISIS_END.isoformat()
    return sorted(dt.date.fromisoformat(d) for d in days if first <= d <= last)


def _day_after(iso: str) -> str:
    """The ISO day after ``iso``."""
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def json_safe(value: object) -> object:
    """JSON-safe property value (NaN → None, numpy scalars → Python)."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def feature_dicts(frame: gpd.GeoDataFrame, layer_id: str) -> list[dict]:
    """GeoJSON features of a frame, every property kept.

    Parameters
    ----------
    frame
        Features of one layer.
    layer_id
        Written into each feature's ``layer`` property.

    Returns
    -------
    list of dict
    """
    # Columns starting with "_" are drawing aids (a fence's planned rest), not data.
    columns = [c for c in frame.columns if c != frame.geometry.name and not c.startswith("_")]
    features = []
    for row, geom in zip(frame[columns].itertuples(index=False), frame.geometry, strict=True):
        props = {name: json_safe(value) for name, value in zip(columns, row, strict=True)}
        props["layer"] = layer_id
        geometry = mapping(geom) if geom is not None and not geom.is_empty else None
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return features


def to_feature_collection(frames: dict[str, gpd.GeoDataFrame], day: dt.date) -> dict:
    """One FeatureCollection of every frame's features.

    Parameters
    ----------
    frames
        Layer id → frame, as from :func:`frames_on`.
    day
        The day shown, kept as the foreign member ``date``.

    Returns
    -------
    dict
    """
    features = [f for layer_id, frame in frames.items() for f in feature_dicts(frame, layer_id)]
    return {"type": "FeatureCollection", "date": day.isoformat(), "features": features}


def snapshot(dataset: Dataset, day: dt.date) -> dict:
    """The whole map on ``day`` as a GeoJSON FeatureCollection.

    Parameters
    ----------
    dataset
        The loaded data.
    day
        The day shown.

    Returns
    -------
    dict
        Every feature of every data layer standing on ``day``, with all its
        properties and its ``layer``.
    """
    return to_feature_collection(frames_on(dataset, day), day)
