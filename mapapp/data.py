"""Load and validate ``geodata/``: the only module that opens data files.

:func:`load_dataset` reads every layer of the registry, checks each file whole
(see :mod:`mapapp.schema`) and returns one GeoDataFrame per layer, or raises
:class:`DataError` carrying every problem found in every file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape

from mapapp import schema
from mapapp.layers import REGISTRY, LayerSpec

#: The bundled data, beside the package.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "geodata"
#: Environment variable that points the app at another data directory.
DATA_DIR_ENV = "MAPAPP_DATA_DIR"
#: Files in the data directory that are documentation, not layers.
NOT_LAYERS = {"README.md"}
#: The monthly statistics table, beside the layers.
MONTHLY_FILE = "monthly_figures.csv"
MONTHLY_COLUMNS = ("country", "month", "metric", "value", "source_url", "notes")
#: The basis of each figure: what period it covers, how exactly, who counted what.
#: Additive: a table without them is read as before (see :func:`read_monthly`).
MONTHLY_BASIS_COLUMNS = (
    "basis",
    "period_start",
    "period_end",
    "end_precision",
    "value_kind",
    "body",
    "counts",
)
MONTHLY_COUNTRIES = ("PL", "LT", "LV")
MONTHLY_METRICS = ("attempted_crossings", "detentions", "prevented_entries", "deaths")
#: ``month``: one calendar month; ``year``: one calendar year; ``period``: another closed
#: period; ``running``: counted from ``period_start`` up to ``period_end`` while still counting.
MONTHLY_BASES = ("month", "year", "period", "running")
#: ``period_end`` known to the day, or only its month (then it is the month's last day).
MONTHLY_END_PRECISIONS = ("day", "month")
#: How the source states the number: as is, rounded, "about", "over"/"at least", "almost"/"nearly".
MONTHLY_VALUE_KINDS = schema.VALUE_KINDS


class DataError(Exception):
    """The data directory has problems; ``problems`` lists them all."""

    def __init__(self, problems: list[schema.Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Dataset:
    """All layers, validated, in EPSG:4326, and the monthly figures."""

    directory: Path
    frames: dict[str, gpd.GeoDataFrame]
    monthly: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(MONTHLY_COLUMNS)))

    def frame(self, layer_id: str) -> gpd.GeoDataFrame:
        """The frame of one layer (shared: copy before changing it)."""
        return self.frames[layer_id]


def data_dir() -> Path:
    """The data directory: ``$MAPAPP_DATA_DIR`` if set, else the bundled ``geodata/``."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


#: A figure in the monthly table: digits, with an optional decimal part.
PLAIN_NUMBER = re.compile(r"\d{1,15}(\.\d{1,6})?")
#: The deepest nesting of arrays and objects a data file may have (GeoJSON needs 6).
MAX_JSON_DEPTH = 64
#: The largest data file read, in bytes (the bundled ones are a few MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: The longest integer literal read from JSON (Python refuses beyond 4,300 digits).
MAX_INT_DIGITS = 30


def file_problem(path: Path, label: str) -> schema.Problem | None:
    """Why ``path`` cannot be read as a data file (missing, not a regular file, too big), or None.

    A FIFO or a device would block or never end: only regular files are opened.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return schema.Problem(label, None, None, None, "file is missing")
    except OSError as exc:
        return schema.Problem(label, None, None, None, f"cannot be read: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
        return schema.Problem(label, None, None, None, f"is {kind}, not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        return schema.Problem(label, None, None, None, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
    return None


class _JSONRejected(ValueError):
    """A JSON value the data may not hold (a non-finite number, a huge integer)."""


def _no_constants(name: str) -> float:
    raise _JSONRejected(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        raise _JSONRejected(f"an integer of {len(digits)} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def parse_json(text: str, label: str) -> tuple[object, list[schema.Problem]]:
    """Parse JSON text strictly, turning every failure into a problem naming the file.

    Duplicate keys in an object are reported (JSON parsers keep the last one
    silently), and so are ``NaN``/``Infinity``, integers too long to be a
    count, and nesting too deep to read.

    Returns
    -------
    tuple
        ``(document or None, problems)``.
    """
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        seen: dict = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    too_deep = f"not readable: JSON nested more than {MAX_JSON_DEPTH} levels deep"
    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=_no_constants, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return None, [schema.Problem(label, None, None, None, f"not valid JSON ({where}: {exc.msg})")]
    except RecursionError:
        return None, [schema.Problem(label, None, None, None, too_deep)]
    except (ValueError, OverflowError) as exc:
        return None, [schema.Problem(label, None, None, None, f"not readable JSON: {exc}")]
    if _depth(doc) > MAX_JSON_DEPTH:
        # One fixed limit: Python's own depends on how deep its stack already is.
        return None, [schema.Problem(label, None, None, None, too_deep)]
    if duplicates:
        return None, [
            schema.Problem(label, None, "key", key, "appears twice in one object (which value is meant?)")
            for key in dict.fromkeys(duplicates)
        ]
    return doc, []


def _depth(doc: object) -> int:
    """How deeply arrays and objects nest in ``doc`` (without recursion; stops past the limit)."""
    if not isinstance(doc, (dict, list)):
        return 0
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def read_collection(path: Path, label: str) -> tuple[dict | None, list[schema.Problem]]:
    """Parse a GeoJSON file, turning I/O and syntax errors into problems.

    Returns
    -------
    tuple
        ``(document or None, problems)``.
    """
    problem = file_problem(path, label)
    if problem is not None:
        return None, [problem]
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return None, [schema.Problem(label, None, None, None, f"cannot be read: {exc.strerror or exc}")]
    except UnicodeDecodeError as exc:
        return None, [schema.Problem(label, None, None, None, f"not UTF-8 text (byte {exc.start})")]
    return parse_json(text.removeprefix("\ufeff"), label)


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
        types=schema.GEOMETRY_TYPES[spec.geometry],
        region=spec.region,
    )
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        return problems
    problems.extend(_check_values(spec, doc["features"], label))
    if len(doc["features"]) < spec.min_features:
        problems.append(
            schema.Problem(
                label, None, "features", len(doc["features"]), f"needs at least {spec.min_features}"
            )
        )
    if spec.colour_by and spec.colours:
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


def _check_values(spec: LayerSpec, features: list, label: str) -> list[schema.Problem]:
    """Enumerated values, numbers and dated lists the layer's spec declares."""
    problems: list[schema.Problem] = []
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            continue  # reported by the schema checks
        fid = props.get("id") if isinstance(props.get("id"), str) else f"#{index}"
        for name, allowed in spec.allowed.items():
            if name in props and props[name] not in allowed:
                problems.append(schema.Problem(label, fid, name, props[name], f"must be one of {allowed}"))
        for name in spec.numbers:
            if name in props and name not in spec.positive:
                problems.extend(schema.check_number(label, fid, name, props[name]))
        for name in spec.positive:
            if name in props:
                problems.extend(schema.check_positive(label, fid, name, props[name]))
        for name in spec.dates:
            if props.get(name) is not None and schema.parse_iso_date(props[name]) is None:
                problems.append(schema.Problem(label, fid, name, props[name], "not an ISO date (YYYY-MM-DD)"))
        for name, number in spec.series.items():
            if name in props:
                problems.extend(schema.check_series(label, fid, name, props[name], number))
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
    # An empty layer still has every column, so date filters and renderers can run.
    columns = dict.fromkeys([*(schema.DATED_FIELDS if spec.dated else ()), *spec.required])
    frame = gpd.GeoDataFrame(
        rows, columns=list(columns) if not rows else None, geometry=geoms, crs="EPSG:4326"
    )
    if spec.dated:
        frame["end"] = frame["end"].fillna("").astype(str)
    if "layer" not in frame.columns:
        frame.insert(1 if "id" in frame.columns else 0, "layer", spec.id)
    return frame


def monthly_metric(base: str, basis: str) -> str:
    """The ``metric`` of a row: the base for a calendar month, ``<base>_<basis>_total`` otherwise."""
    return base if basis == "month" else f"{base}_{basis}_total"


def _metric_base(metric: object) -> str | None:
    """The base metric of a legacy row (a monthly one, or any ``*_cumulative``), else None."""
    if not isinstance(metric, str):
        return None
    base = metric.removesuffix("_cumulative")
    known = base in MONTHLY_METRICS or (metric.endswith("_cumulative") and base.replace("_", "").isalpha())
    return base if known else None


def _month_bounds(month: str) -> tuple[str, str]:
    """``2021-02`` → ``("2021-02-01", "2021-02-28")``."""
    first = dt.date.fromisoformat(month + "-01")
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first.isoformat(), last.isoformat()


def _check_basis(label: str, where: str, row: dict) -> list[schema.Problem]:
    """The basis columns of one row: known values, a period that fits its basis, month and metric."""
    problems = []

    def bad(name: str, message: str) -> None:
        problems.append(schema.Problem(label, where, name, row[name], message))

    for name, allowed in (
        ("basis", MONTHLY_BASES),
        ("end_precision", MONTHLY_END_PRECISIONS),
        ("value_kind", MONTHLY_VALUE_KINDS),
    ):
        if row[name] not in allowed:
            bad(name, f"must be one of {allowed}")
    for name in ("body", "counts"):
        if not row[name].strip():
            bad(name, "must say " + ("who counted" if name == "body" else "what is counted"))
    start, end = schema.parse_iso_date(row["period_start"]), schema.parse_iso_date(row["period_end"])
    if end is None:
        bad("period_end", "must be YYYY-MM-DD (the last day counted, the as-of date of a running total)")
    # Only a running total may leave its start open: some sources do not say where the count began.
    if start is None and not (row["period_start"] == "" and row["basis"] == "running"):
        bad("period_start", "must be YYYY-MM-DD (empty only for a running total whose source gives no start)")
    if start and end and end < start:
        bad("period_end", f"is before period_start {row['period_start']}")
    if end is None:
        return problems
    if row["month"] != end.isoformat()[:7]:
        bad("month", f"must be the month of period_end {row['period_end']}")
    month_first, month_last = _month_bounds(end.isoformat()[:7])
    if row["end_precision"] == "month" and end.isoformat() != month_last:
        bad("period_end", "with end_precision 'month' it must be the last day of its month")
    expected = {
        "month": (month_first, month_last),
        "year": (f"{end.year}-01-01", f"{end.year}-12-31"),
    }.get(row["basis"])
    if expected and (row["period_start"], row["period_end"]) != expected:
        bad("period_start", f"a {row['basis']} figure covers {expected[0]} to {expected[1]}")
    if row["basis"] in MONTHLY_BASES:
        bases = [b for b in MONTHLY_METRICS if row["metric"] in {b, monthly_metric(b, row["basis"])}]
        if not bases or row["metric"] != monthly_metric(bases[0], row["basis"]):
            allowed = [monthly_metric(b, row["basis"]) for b in MONTHLY_METRICS]
            bad("metric", f"with basis {row['basis']!r} must be one of {allowed}")
    return problems


def _legacy_basis(frame: pd.DataFrame) -> pd.DataFrame:
    """A table without basis columns: monthly rows get their month, others an unknown basis."""
    frame = frame.copy()
    for name in MONTHLY_BASIS_COLUMNS:
        frame[name] = ""
    monthly = frame["metric"].isin(MONTHLY_METRICS)
    frame.loc[monthly, "basis"] = "month"
    frame.loc[monthly, "end_precision"] = "day"
    bounds = frame.loc[monthly, "month"].map(_month_bounds)
    frame.loc[monthly, "period_start"] = bounds.str[0]
    frame.loc[monthly, "period_end"] = bounds.str[1]
    return frame


def read_monthly(path: Path, label: str) -> tuple[pd.DataFrame | None, list[schema.Problem]]:
    """Read and check the monthly figures table.

    Parameters
    ----------
    path
        The CSV file.
    label
        Its name in messages.

    Returns
    -------
    tuple
        ``(frame or None, problems)``; rows are named by their line number.
        The frame has the basis columns (:data:`MONTHLY_BASIS_COLUMNS`). A table
        with any of them must have all, filled on every row and consistent (see
        ``geodata/README.md``). A legacy table without them is still read: its
        calendar-month rows get their month as basis, its other rows
        (``*_cumulative``) an empty, unknown basis.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        return None, [schema.Problem(label, None, None, None, "file is missing")]
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, [schema.Problem(label, None, None, None, f"cannot be read as CSV: {exc}")]
    typed = any(c in frame.columns for c in MONTHLY_BASIS_COLUMNS)
    needed = MONTHLY_COLUMNS + (MONTHLY_BASIS_COLUMNS if typed else ())
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        return None, [schema.Problem(label, None, "columns", missing, f"missing; the table needs {needed}")]
    problems = []
    seen = set()
    for number, row in enumerate(frame.to_dict("records"), start=2):
        where = f"line {number}"
        if row["country"] not in MONTHLY_COUNTRIES:
            problems.append(
                schema.Problem(label, where, "country", row["country"], f"must be one of {MONTHLY_COUNTRIES}")
            )
        month_ok = re.fullmatch(r"(19|20)\d\d-(0[1-9]|1[0-2])", row["month"])
        if not month_ok:
            problems.append(schema.Problem(label, where, "month", row["month"], "must be YYYY-MM"))
        if typed:
            if month_ok:
                problems.extend(_check_basis(label, where, row))
        elif _metric_base(row["metric"]) is None:
            problems.append(
                schema.Problem(
                    label, where, "metric", row["metric"], f"must be one of {MONTHLY_METRICS} or *_cumulative"
                )
            )
        try:
            value = float(row["value"])
            # float() also reads "5_000", " 7 " and "1e400"; a figure is plain digits.
            ok = bool(PLAIN_NUMBER.fullmatch(row["value"])) and value != float("inf")
        except ValueError:
            ok = False
        if not ok:
            problems.append(schema.Problem(label, where, "value", row["value"], "must be a number ≥ 0"))
        if not schema.is_http_url(row["source_url"]):
            problems.append(
                schema.Problem(label, where, "source_url", row["source_url"], "not a well-formed http(s) URL")
            )
        key = (row["country"], row["month"], row["metric"], row["source_url"])
        if typed:
            key += (row["period_start"], row["period_end"], row["body"])
        if key in seen:
            problems.append(schema.Problem(label, where, "source_url", row["source_url"], "duplicate row"))
        seen.add(key)
    if problems:
        return None, problems
    if not typed:
        frame = _legacy_basis(frame)
    frame["value"] = frame["value"].astype(float)
    return frame, []


def validate_directory(
    directory: Path,
) -> tuple[dict[str, gpd.GeoDataFrame], pd.DataFrame | None, list[schema.Problem]]:
    """Check every layer file of ``directory``.

    Parameters
    ----------
    directory
        The data directory.

    Returns
    -------
    tuple
        ``(frames, monthly, problems)``: the frames of the layer files without
        problems, the monthly figures (None if that file has problems), and
        every problem of every file, including files the registry does not know.
    """
    frames: dict[str, gpd.GeoDataFrame] = {}
    problems: list[schema.Problem] = []
    if not directory.is_dir():
        return frames, None, [schema.Problem(str(directory), None, None, None, "data directory not found")]
    for spec in REGISTRY:
        label = f"{directory.name}/{spec.file}"
        found, frame = _guarded(label, _read_layer, spec, directory / spec.file, label)
        problems.extend(found)
        if frame is not None:
            frames[spec.id] = frame
    label = f"{directory.name}/{MONTHLY_FILE}"
    monthly = None
    problem = file_problem(directory / MONTHLY_FILE, label)
    if problem is not None:
        problems.append(problem)
    else:
        found, monthly = _guarded(label, _read_monthly_checked, directory / MONTHLY_FILE, label)
        problems.extend(found)
        problems.extend(_duplicate_columns(directory / MONTHLY_FILE, label))
        if problems and monthly is not None and any(p.file == label for p in problems):
            monthly = None
    problems.extend(_stray_files(directory))
    return frames, monthly, problems


def _read_layer(
    spec: LayerSpec, path: Path, label: str
) -> tuple[list[schema.Problem], gpd.GeoDataFrame | None]:
    """Problems of one layer file, and its frame when it has none."""
    doc, found = read_collection(path, label)
    if doc is None:
        return found, None
    found = check_layer(spec, doc, label)
    return found, (to_frame(doc, spec) if not found else None)


def _read_monthly_checked(path: Path, label: str) -> tuple[list[schema.Problem], pd.DataFrame | None]:
    """Problems of the monthly table, and the table when it has none."""
    monthly, found = read_monthly(path, label)
    return found, monthly


def _guarded(label: str, read, *args):
    """Run one file's checks; an unforeseen failure becomes a problem naming the file.

    The checks above are meant to catch every bad input themselves (tests feed
    them malformed files); this keeps ``validate`` from ever ending in a
    traceback if one slips through.
    """
    try:
        return read(*args)
    except Exception as exc:  # reported as a problem of this file, never lost
        return [
            schema.Problem(label, None, None, None, f"could not be checked ({type(exc).__name__}: {exc})")
        ], None


def _duplicate_columns(path: Path, label: str) -> list[schema.Problem]:
    """Columns named twice in the table's header (the reader would keep one silently)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # read_monthly reports it
    seen: set[str] = set()
    twice = [name for name in header if name in seen or seen.add(name)]
    return [
        schema.Problem(label, "line 1", "columns", name, "named twice (which one is meant?)")
        for name in dict.fromkeys(twice)
    ]


def _stray_files(directory: Path) -> list[schema.Problem]:
    """Files that look like layers but that the registry does not read (names in any case)."""
    expected = {spec.file for spec in REGISTRY} | NOT_LAYERS | {MONTHLY_FILE}
    by_lower = {name.lower(): name for name in expected}
    problems = []
    for path in sorted(directory.iterdir()):
        name = path.name
        if name in expected or not name.lower().endswith((".geojson", ".csv", ".json")):
            continue
        label = f"{directory.name}/{name}"
        if name.lower() in by_lower:
            message = (
                f"is not read: the file must be named {by_lower[name.lower()]!r} (names are case-sensitive)"
            )
        else:
            message = "not a layer of the registry (add a LayerSpec in mapapp/layers.py)"
        problems.append(schema.Problem(label, None, None, None, message))
    return problems


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
    frames, monthly, problems = validate_directory(directory)
    if problems:
        raise DataError(problems)
    return Dataset(directory=directory, frames=frames, monthly=monthly)


_SHARED: dict[str, Dataset] = {}
_SHARED_LOCK = threading.Lock()


def shared_dataset() -> Dataset:
    """The dataset of :func:`data_dir`, loaded once per process and shared (read-only).

    The server loads it at start (:mod:`mapapp.server`), so the first visitor
    does not wait for it; a failed load is not kept, it is tried again.
    """
    directory = data_dir()
    with _SHARED_LOCK:
        if str(directory) not in _SHARED:
            _SHARED[str(directory)] = load_dataset(directory)
        return _SHARED[str(directory)]
