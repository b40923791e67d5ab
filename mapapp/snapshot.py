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
from mapapp.layers import toggleable
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
        if spec.id in ON_DAY:
            frame = ON_DAY[spec.id](frame, day)
        frames[spec.id] = frame
    return frames


def _line(geom: BaseGeometry) -> BaseGeometry:
    """One LineString for a fence, merging parts that touch."""
    return shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom


def fences_on(frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """Fences as they stood on ``day``: geometry cut to the length built.

    The stored geometry is the whole planned line; the built part is laid
    from its start for ``built_km`` (sources give lengths, not places), and
    the planned rest is kept in ``_rest`` for drawing. Adds ``built_km``,
    ``built_km_interpolated``, ``built_km_basis`` and ``built_km_sources``.
    """
    out = frame.copy()
    built, flags, bases, sources, geoms, rests = [], [], [], [], [], []
    for row in frame.itertuples(index=False):
        line = _line(row.geometry)
        progress = fence_built_by(list(row.progress), row.start, day)
        km = progress.built_km if progress else 0.0
        planned = row.planned_km if row.planned_km else km
        fraction = 1.0 if not planned else min(1.0, km / planned)
        if line.geom_type != "LineString":  # cannot be cut: all of it or nothing
            part, rest = (line, None) if fraction >= 1.0 else (None, line)
        else:
            part, rest = cut_line(line, fraction)
        built.append(km)
        flags.append(bool(progress and progress.interpolated))
        bases.append(progress.basis if progress else "")
        sources.append(list(progress.sources) if progress else [])
        geoms.append(part if part is not None and not part.is_empty and part.length > 0 else None)
        rests.append(rest if rest is not None and not rest.is_empty and rest.length > 0 else None)
    out["built_km"] = built
    out["built_km_interpolated"] = flags
    out["built_km_basis"] = bases
    out["built_km_sources"] = sources
    out["_rest"] = rests
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=frame.crs))


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


def crossings_on(frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """Crossings with their ``status`` on ``day`` (closed during a sourced closure)."""
    out = frame.copy()
    closures = [period_on(list(items), day) for items in frame["closures"]]
    out["status"] = ["closed" if c else "open" for c in closures]
    out["status_note"] = [
        f"closed {describe_period(c['start'], c['end'])}" + (f". {c['note']}" if c.get("note") else "")
        if c
        else ""
        for c in closures
    ]
    out["status_sources"] = [list(c["sources"]) if c else [] for c in closures]
    return out


def camps_on(frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """Camps with the latest sourced count made by ``day`` (``people_on_day``…)."""
    out = frame.copy()
    latest = [count_on(list(items), day) for items in frame["counts"]]
    out["people_on_day"] = [c["people"] if c else None for c in latest]
    out["people_on_day_date"] = [c["date"] if c else "" for c in latest]
    out["people_on_day_sources"] = [list(c["sources"]) if c else [] for c in latest]
    return out


#: Layers whose features change within their lifetime: layer id → (frame, day) → frame.
ON_DAY = {"fences": fences_on, "crossings": crossings_on, "camps": camps_on}


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


def _clean(value: object) -> object:
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
        props = {name: _clean(value) for name, value in zip(columns, row, strict=True)}
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
