"""Load and validate ``geodata/``: the only module that opens data files.

:func:`load_dataset` reads every layer of the registry, checks each file whole
(see :mod:`mapapp.schema`) and returns one GeoDataFrame per layer, or raises
:class:`DataError` carrying every problem found in every file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape

from mapapp import schema
from mapapp.layers import REGISTRY, LayerSpec

#: The bundled data, beside the package.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "geodata"
#: Environment variable that points the app at another data directory.
DATA_DIR_ENV = "MAPAPP_DATA_DIR"
#: Files in the data directory that are documentation, not layers.
NOT_LAYERS = {"README.md"}


class DataError(Exception):
    """The data directory has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[schema.Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Dataset:
    """All layers, validated, in EPSG:4326."""

    directory: Path
    frames: dict[str, gpd.GeoDataFrame]

    def frame(self, layer_id: str) -> gpd.GeoDataFrame:
        """The frame of one layer (shared: copy before changing it)."""
        return self.frames[layer_id]


def data_dir() -> Path:
    """The data directory: ``$MAPAPP_DATA_DIR`` if set, else the bundled ``geodata/``."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def read_collection(path: Path, label: str) -> tuple[dict | None, list[schema.Problem]]:
    """Parse a GeoJSON file, turning I/O and syntax errors into problems.

    Returns
    -------
    tuple
        ``(document or None, problems)``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [schema.Problem(label, None, None, None, "file is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [schema.Problem(label, None, None, None, f"cannot be read: {exc}")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return None, [schema.Problem(label, None, None, None, f"not valid JSON ({where}: {exc.msg})")]


def check_layer(spec: LayerSpec, doc: dict, label: str) -> list[schema.Problem]:
    """All problems of one parsed layer file.

    Parameters
    ----------
    spec
        The layer's spec (its required fields and colour values).
    doc
        The parsed file.
    label
        Name of the file in messages, e.g. ``geodata/events.geojson``.

    Returns
    -------
    list of Problem
    """
    problems = schema.check_features(
        label,
        doc,
        required=spec.required,
        dated=spec.dated,
        layer=spec.id if spec.dated or "layer" in spec.required else None,
    )
    if spec.colour_by and spec.colours and isinstance(doc.get("features"), list):
        # A value without a colour would be drawn unexplained by the legend.
        for index, feature in enumerate(doc["features"]):
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(props, dict) or spec.colour_by not in props:
                continue  # reported by the schema checks
            value = props[spec.colour_by]
            if not isinstance(value, str) or value not in spec.colours:
                problems.append(
                    schema.Problem(
                        label,
                        props.get("id") or f"#{index}",
                        spec.colour_by,
                        value,
                        f"must be one of {tuple(spec.colours)}",
                    )
                )
    return problems


def to_frame(doc: dict, spec: LayerSpec) -> gpd.GeoDataFrame:
    """A GeoDataFrame of a checked collection, one column per property.

    Parameters
    ----------
    doc
        A collection that passed :func:`check_layer`.
    spec
        Its layer spec.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, with a ``layer`` column; a dated layer's ``end`` is text.
    """
    rows = [dict(f["properties"]) for f in doc["features"]]
    geoms = [shape(f["geometry"]) for f in doc["features"]]
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    if spec.dated:
        frame["end"] = frame["end"].fillna("").astype(str)
    if "layer" not in frame.columns:
        frame.insert(1 if "id" in frame.columns else 0, "layer", spec.id)
    return frame


def validate_directory(directory: Path) -> tuple[dict[str, gpd.GeoDataFrame], list[schema.Problem]]:
    """Check every layer file of ``directory``.

    Parameters
    ----------
    directory
        The data directory.

    Returns
    -------
    tuple
        ``(frames, problems)``: the frames of the files without problems, and
        every problem of every file, including files the registry does not know.
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    problems: list[schema.Problem] = []
    known = {spec.file for spec in REGISTRY} | NOT_LAYERS
    for spec in REGISTRY:
        label = f"{directory.name}/{spec.file}"
        doc, found = read_collection(directory / spec.file, label)
        if doc is not None:
            found = check_layer(spec, doc, label)
        problems.extend(found)
        if doc is not None and not found:
            frames[spec.id] = to_frame(doc, spec)
    if directory.is_dir():
        for path in sorted(directory.glob("*.geojson")):
            if path.name not in known:
                problems.append(
                    schema.Problem(
                        f"{directory.name}/{path.name}",
                        None,
                        None,
                        None,
                        "not a layer of the registry (add a LayerSpec in mapapp/layers.py)",
                    )
                )
    else:
        problems.insert(0, schema.Problem(str(directory), None, None, None, "data directory not found"))
    return frames, problems


def load_dataset(directory: Path | None = None) -> Dataset:
    """Load and validate every layer.

    Parameters
    ----------
    directory
        Where the layer files are; default :func:`data_dir`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        Listing every problem of every file (file, feature id, field, value).

    """
    directory = Path(directory) if directory is not None else data_dir()
    frames, problems = validate_directory(directory)
    if problems:
        raise DataError(problems)
    return Dataset(directory=directory, frames=frames)
