"""The map as it stood on one day: the one code path shared by the app and the CLI."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import geopandas as gpd
from shapely.geometry import mapping

from mapapp.data import Dataset
from mapapp.layers import toggleable
from mapapp.timeline import active_on


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
    return {
        spec.id: active_on(dataset.frame(spec.id), day)
        for spec in toggleable()
        if spec.id in dataset.frames and (wanted is None or spec.id in wanted)
    }


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
    columns = [c for c in frame.columns if c != frame.geometry.name]
    features = []
    for row, geom in zip(frame[columns].itertuples(index=False), frame.geometry, strict=True):
        props = {name: _clean(value) for name, value in zip(columns, row, strict=True)}
        props["layer"] = layer_id
        features.append({"type": "Feature", "properties": props, "geometry": mapping(geom)})
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
