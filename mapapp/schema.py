"""The shared schema of the map's data and the checks made where data enters.

Every check returns :class:`Problem` records instead of raising, so a file is
reported whole: every bad feature and field at once, not only the first.
The checks work on parsed GeoJSON (plain dicts), before any GeoDataFrame exists.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import shapely
from shapely.geometry import shape

#: Fields every feature of a dated layer carries.
DATED_FIELDS = (
    "id",
    "layer",
    "name",
    "start",
    "end",
    "date_precision",
    "geo_precision",
    "sources",
    "notes",
)
DATE_PRECISIONS = ("day", "month", "year")
GEO_PRECISIONS = ("exact", "approximate", "region")

#: CRS names that mean WGS84 longitude/latitude in a legacy GeoJSON ``crs`` member.
WGS84_NAMES = {
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "OGC:CRS84",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, feature or field."""

    file: str
    feature_id: str | None
    field: str | None
    value: object
    message: str

    def __str__(self) -> str:
        # One problem, one line: a file name or id with a line break or control character
        # is shown escaped, so it can never forge another line.
        where = _one_line(self.file)
        if self.feature_id is not None:
            where += f": feature {_one_line(repr(self.feature_id))}"
        if self.field is not None:
            where += f": field {self.field!r} = {_short(self.value)}"
        return f"{where}: {self.message}"


def _one_line(text: str) -> str:
    """``text`` with control and line characters written as escapes."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode() for c in text)


def _short(value: object, limit: int = 80) -> str:
    """repr() of a value, cut to ``limit`` characters for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


#: The years a date in the data may have: wide enough for any source, narrow enough that
#: date arithmetic (a day after an end) can never overflow.
YEARS = (1900, 2099)


def parse_iso_date(value: object) -> dt.date | None:
    """Return the date of a strict ``YYYY-MM-DD`` string from :data:`YEARS`, else None.

    ``date.fromisoformat`` alone also takes week dates (``2021-W46-2``) and
    compact forms; the data compare dates as text, so only this form is allowed.
    """
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if YEARS[0] <= day.year <= YEARS[1] else None


#: Characters a URL may hold as they are (RFC 3986: unreserved, reserved and the
#: percent sign). Anything else (spaces, quotes, ``<>{}|\\^``` and backtick, control and
#: bidi characters, non-ASCII) must be percent-encoded in a source URL.
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_HOST = re.compile(r"(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?")
#: The longest source URL accepted.
MAX_URL_LENGTH = 2000


def url_problem(value: object) -> str | None:
    """Why ``value`` is not an acceptable source URL, or None when it is.

    Accepted: an absolute ``http``/``https`` URL of at most
    :data:`MAX_URL_LENGTH` characters, with a domain name as host, no user
    name or password (``user@host`` hides the real host from a reader), and
    only the characters RFC 3986 allows (no spaces, quotes, angle brackets,
    control or bidi characters: they must be percent-encoded).
    """
    if not isinstance(value, str):
        return "must be a text URL"
    if not value:
        return "is empty"
    if len(value) > MAX_URL_LENGTH:
        return f"longer than {MAX_URL_LENGTH} characters"
    if not _URL_CHARS.fullmatch(value):
        bad = next(c for c in value if not _URL_CHARS.fullmatch(c))
        return f"has a character that must be percent-encoded ({bad!a})"
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if "@" in parsed.netloc:
        return "must not carry a user name or password (user@host)"
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError as exc:
        return f"has a malformed host or port ({exc})"
    if not host or not _HOST.fullmatch(host):
        return "must have a domain name as its host"
    del port
    return None


def is_http_url(value: object) -> bool:
    """True for an acceptable source URL (see :func:`url_problem`)."""
    return url_problem(value) is None


#: Feature ids: short and plain, since they name features in page keys and scripts.
FEATURE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}")

#: Geometry types each kind of layer takes.
GEOMETRY_TYPES = {
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}


def check_collection(file: str, doc: object) -> list[Problem]:
    """Check the FeatureCollection envelope (type and feature list)."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [Problem(file, None, None, None, "not a GeoJSON FeatureCollection")]
    if not isinstance(doc.get("features"), list):
        return [Problem(file, None, None, None, "'features' is not a list")]
    return []


def check_crs(file: str, doc: dict) -> list[Problem]:
    """A legacy ``crs`` member, if present, must name WGS84 lon/lat."""
    crs = doc.get("crs")
    if crs is None:
        return []
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if isinstance(name, str) and name in WGS84_NAMES:
        return []
    return [Problem(file, None, "crs", name or crs, "CRS must be EPSG:4326 (WGS84 lon/lat)")]


def check_geometry(
    file: str,
    fid: str | None,
    geometry: object,
    types: tuple[str, ...] | None = None,
    region: tuple[float, float, float, float] | None = None,
) -> list[Problem]:
    """Check that a feature's geometry parses, is valid, non-empty and in lon/lat range.

    Parameters
    ----------
    file, fid
        Where the geometry comes from, for the messages.
    geometry
        The feature's GeoJSON ``geometry`` member.
    types
        The geometry types the layer takes (e.g. ``("Point",)``), or None for any.
    region
        ``(min_lon, min_lat, max_lon, max_lat)`` the geometry must lie in, or
        None; a geometry that would lie in it with longitude and latitude
        exchanged is said to look swapped.

    Returns
    -------
    list of Problem
        Empty when the geometry is fine; at most one problem otherwise.
    """
    if not isinstance(geometry, dict):
        return [Problem(file, fid, "geometry", geometry, "missing geometry")]
    kind = geometry.get("type")
    if types is not None and kind not in types:
        return [Problem(file, fid, "geometry", kind, f"this layer takes {' or '.join(types)} geometries")]
    try:
        geom = shape(geometry)
    except (
        shapely.errors.ShapelyError,
        ValueError,
        TypeError,
        AttributeError,
        KeyError,
        IndexError,
        RecursionError,
        OverflowError,
    ) as exc:
        return [Problem(file, fid, "geometry", geometry.get("type"), f"unreadable geometry: {exc}")]
    if geom.is_empty:
        return [Problem(file, fid, "geometry", geometry.get("type"), "empty geometry")]
    minx, miny, maxx, maxy = geom.bounds
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        return [Problem(file, fid, "geometry", geom.bounds, "non-finite coordinates")]
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return [
            Problem(
                file,
                fid,
                "geometry",
                tuple(round(b, 3) for b in geom.bounds),
                "coordinates outside lon/lat range: the data must be in EPSG:4326",
            )
        ]
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        return [Problem(file, fid, "geometry", geometry.get("type"), f"invalid geometry: {reason}")]
    if region is not None:
        return _check_region(file, fid, geom.bounds, region)
    return []


def _inside(bounds: tuple[float, ...], region: tuple[float, float, float, float]) -> bool:
    """Whether a (minx, miny, maxx, maxy) box lies within ``region``."""
    return (
        region[0] <= bounds[0]
        and bounds[2] <= region[2]
        and region[1] <= bounds[1]
        and bounds[3] <= region[3]
    )


def _check_region(
    file: str, fid: str | None, bounds: tuple[float, ...], region: tuple[float, float, float, float]
) -> list[Problem]:
    """A geometry outside the map's region, and whether it looks like swapped lat/lon."""
    if _inside(bounds, region):
        return []
    shown = tuple(round(b, 3) for b in bounds)
    swapped = (bounds[1], bounds[0], bounds[3], bounds[2])
    if _inside(swapped, region):
        message = "outside the map's region; latitude and longitude look swapped (GeoJSON is [lon, lat])"
    else:
        message = f"outside the map's region (lon {region[0]} to {region[2]}, lat {region[1]} to {region[3]})"
    return [Problem(file, fid, "geometry", shown, message)]


def check_sources(file: str, fid: str | None, sources: object) -> list[Problem]:
    """Check that ``sources`` is a non-empty list of http(s) URLs.

    Returns
    -------
    list of Problem
        One problem per bad URL, or one for a missing or empty list.
    """
    if not isinstance(sources, list) or not sources:
        return [Problem(file, fid, "sources", sources, "must be a non-empty list of URLs")]
    return [
        Problem(file, fid, "sources", url, f"not an acceptable http(s) URL: {url_problem(url)}")
        for url in sources
        if url_problem(url) is not None
    ]


def check_dated_properties(
    file: str, fid: str | None, props: dict, layer: str | None = None
) -> list[Problem]:
    """Check the shared schema of one feature of a dated layer.

    Parameters
    ----------
    file, fid
        Where the feature comes from, for the messages.
    props
        The feature's properties.
    layer
        The layer id the ``layer`` property must equal, if given.

    Returns
    -------
    list of Problem
        Every problem of the feature (missing fields, malformed or inverted
        dates, unknown precisions, bad sources, coarse-precision days).
    """
    problems = [
        Problem(file, fid, name, None, "required field is missing")
        for name in DATED_FIELDS
        if name not in props
    ]
    if not isinstance(props.get("name"), str) or not props.get("name", "").strip():
        if "name" in props:
            problems.append(Problem(file, fid, "name", props.get("name"), "must be a non-empty text"))
    if layer is not None and "layer" in props and props["layer"] != layer:
        problems.append(Problem(file, fid, "layer", props["layer"], f"expected {layer!r}"))
    start = parse_iso_date(props.get("start"))
    if "start" in props and start is None:
        problems.append(Problem(file, fid, "start", props["start"], "not an ISO date (YYYY-MM-DD)"))
    end_raw = props.get("end")
    end = None
    if "end" in props and end_raw != "":
        end = parse_iso_date(end_raw)
        if end is None:
            problems.append(
                Problem(file, fid, "end", end_raw, 'not an ISO date (YYYY-MM-DD) or "" (ongoing)')
            )
    if start and end and end < start:
        problems.append(Problem(file, fid, "end", end_raw, f"is before start {props['start']}"))
    problems.extend(_check_placeholder_days(file, fid, props.get("date_precision"), start, end))
    for name, allowed in (("date_precision", DATE_PRECISIONS), ("geo_precision", GEO_PRECISIONS)):
        if name in props and props[name] not in allowed:
            problems.append(Problem(file, fid, name, props[name], f"must be one of {allowed}"))
    if "sources" in props:
        problems.extend(check_sources(file, fid, props["sources"]))
    if "notes" in props and not isinstance(props["notes"], str):
        problems.append(Problem(file, fid, "notes", props["notes"], "must be text (may be empty)"))
    return problems


def _check_shared_fields(file: str, fid: str | None, props: dict) -> list[Problem]:
    """The shared fields an undated feature carries, checked like a dated one's when present."""
    problems = []
    if "name" in props and (not isinstance(props["name"], str) or not props["name"].strip()):
        problems.append(Problem(file, fid, "name", props["name"], "must be a non-empty text"))
    if "notes" in props and not isinstance(props["notes"], str):
        problems.append(Problem(file, fid, "notes", props["notes"], "must be text (may be empty)"))
    for name, allowed in (("date_precision", DATE_PRECISIONS), ("geo_precision", GEO_PRECISIONS)):
        if name in props and props[name] not in allowed:
            problems.append(Problem(file, fid, name, props[name], f"must be one of {allowed}"))
    if "sources" in props:
        problems.extend(check_sources(file, fid, props["sources"]))
    return problems


def _check_placeholder_days(
    file: str, fid: str | None, precision: object, start: dt.date | None, end: dt.date | None
) -> list[Problem]:
    """Month/year precision: start on the period's first day, end on its last.

    A month-precision "2021-11-16" would be read as a day by anyone filtering
    the data; the placeholder days make the uncertainty span the whole month.
    """
    problems = []
    if precision == "month":
        if start and start.day != 1:
            problems.append(Problem(file, fid, "start", start.isoformat(), "month precision: use the 1st"))
        if end and end.day != calendar.monthrange(end.year, end.month)[1]:
            problems.append(
                Problem(file, fid, "end", end.isoformat(), "month precision: use the month's last day")
            )
    elif precision == "year":
        if start and (start.month, start.day) != (1, 1):
            problems.append(Problem(file, fid, "start", start.isoformat(), "year precision: use 1 January"))
        if end and (end.month, end.day) != (12, 31):
            problems.append(Problem(file, fid, "end", end.isoformat(), "year precision: use 31 December"))
    return problems


def check_features(
    file: str,
    doc: dict,
    required: tuple[str, ...],
    dated: bool,
    layer: str | None,
    types: tuple[str, ...] | None = None,
    region: tuple[float, float, float, float] | None = None,
) -> list[Problem]:
    """Check every feature of a parsed collection.

    Parameters
    ----------
    file
        Name used in the messages.
    doc
        The parsed GeoJSON.
    required
        Properties the layer needs besides the shared dated fields.
    dated
        Whether the layer follows the shared dated schema.
    layer
        The layer id the ``layer`` property must equal, if given.
    types, region
        The geometry types the layer takes and the region its features lie
        in (see :func:`check_geometry`).

    Returns
    -------
    list of Problem
        Every problem of the file: envelope, CRS, unique ids, geometries and
        properties, in feature order.
    """
    problems = check_collection(file, doc)
    if problems:
        return problems
    # A wrong CRS is reported, and the features are still checked.
    problems = check_crs(file, doc)
    seen: set[str] = set()
    for index, feature in enumerate(doc["features"]):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(Problem(file, f"#{index}", "properties", props, "missing properties"))
            continue
        fid = props.get("id")
        label = fid if isinstance(fid, str) and fid else f"#{index}"
        if not isinstance(fid, str) or not fid.strip():
            problems.append(Problem(file, label, "id", fid, "must be a non-empty text"))
        elif not FEATURE_ID.fullmatch(fid):
            label = f"#{index}"
            problems.append(
                Problem(file, label, "id", fid, "must be letters, digits and _ . : - (at most 120)")
            )
        elif fid in seen:
            problems.append(Problem(file, label, "id", fid, "duplicate id"))
        else:
            seen.add(fid)
        problems.extend(check_geometry(file, label, feature.get("geometry"), types, region))
        problems.extend(
            Problem(file, label, name, props[name], "names starting with _ are reserved for the map")
            for name in props
            if isinstance(name, str) and name.startswith("_")
        )
        if dated:
            problems.extend(check_dated_properties(file, label, props, layer))
        else:
            problems.extend(_check_shared_fields(file, label, props))
        shared = DATED_FIELDS if dated else ()
        problems.extend(
            Problem(file, label, name, None, "required field is missing")
            for name in required
            if name not in props and name not in shared
        )
    return problems


def check_number(
    file: str, fid: str | None, name: str, value: object, nullable: bool = True
) -> list[Problem]:
    """A count or length: a finite number ≥ 0 (or null, meaning unknown, if ``nullable``)."""
    if value is None and nullable:
        return []
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        return [Problem(file, fid, name, value, "must be a number ≥ 0" + (" or null" if nullable else ""))]
    return []


def check_positive(file: str, fid: str | None, name: str, value: object) -> list[Problem]:
    """A length or count that must be known: a finite number > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        return [Problem(file, fid, name, value, "must be a number > 0 (it cannot be unknown)")]
    return []


def check_series(file: str, fid: str | None, name: str, items: object, number: str) -> list[Problem]:
    """Check a dated list held in one property.

    Parameters
    ----------
    file, fid
        Where the list comes from, for the messages.
    name
        The property (``progress``, ``counts``, ``closures``).
    items
        Its value.
    number
        For a list of dated figures, the field holding the figure: each item
        is ``{"date", number, "sources"}`` and dates strictly increase. Empty
        for a list of periods: each item is ``{"start", "end", "sources"}``,
        ``end`` being "" while it lasts.

    Returns
    -------
    list of Problem
    """
    if not isinstance(items, list):
        return [Problem(file, fid, name, items, "must be a list (may be empty)")]
    problems: list[Problem] = []
    previous = None
    for index, item in enumerate(items):
        where = f"{name}[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem(file, fid, where, item, "must be an object"))
            continue
        problems.extend(
            Problem(file, fid, where, item.get("sources"), f"sources: {p.message}")
            for p in check_sources(file, fid, item.get("sources"))
        )
        if number:
            day = parse_iso_date(item.get("date"))
            if day is None:
                problems.append(Problem(file, fid, f"{where}.date", item.get("date"), "not an ISO date"))
            elif previous is not None and day <= previous:
                problems.append(Problem(file, fid, f"{where}.date", item["date"], "dates must increase"))
            previous = day or previous
            problems.extend(check_number(file, fid, f"{where}.{number}", item.get(number), nullable=False))
        else:
            start = parse_iso_date(item.get("start"))
            if start is None:
                problems.append(Problem(file, fid, f"{where}.start", item.get("start"), "not an ISO date"))
            end_raw = item.get("end")
            if end_raw != "":
                end = parse_iso_date(end_raw)
                if end is None:
                    problems.append(
                        Problem(file, fid, f"{where}.end", end_raw, 'not an ISO date or "" (ongoing)')
                    )
                elif start and end < start:
                    problems.append(Problem(file, fid, f"{where}.end", end_raw, "is before its start"))
        if "date_precision" in item and item["date_precision"] not in DATE_PRECISIONS:
            problems.append(
                Problem(file, fid, f"{where}.date_precision", item["date_precision"], "unknown precision")
            )
        allowed = {"date", number, *FIGURE_ITEM_KEYS} if number else PERIOD_ITEM_KEYS
        problems.extend(_check_item_fields(file, fid, where, item, allowed))
        if number and "estimates" in item:
            problems.extend(_check_estimates(file, fid, f"{where}.estimates", item["estimates"], number))
    return problems


#: Keys a dated figure may carry besides its date and number (who gave it, how, other sides' figures).
FIGURE_ITEM_KEYS = ("sources", "note", "by", "counts", "value_kind", "estimates", "date_precision")
#: Keys a period (a closure) may carry.
PERIOD_ITEM_KEYS = frozenset({"start", "end", "sources", "note"})
#: How a source states a number.
VALUE_KINDS = ("exact", "rounded", "about", "over", "under")
#: Keys of an item that hold free text.
TEXT_ITEM_KEYS = ("note", "by", "counts")


def _check_item_fields(file: str, fid: str | None, where: str, item: dict, allowed: set) -> list[Problem]:
    """Unknown keys, text that is not text, and unknown value kinds in one item of a dated list."""
    problems = [
        Problem(
            file, fid, f"{where}.{key}", item[key], f"unknown key (items take {', '.join(sorted(allowed))})"
        )
        for key in item
        if key not in allowed
    ]
    problems.extend(
        Problem(file, fid, f"{where}.{key}", item[key], "must be text")
        for key in TEXT_ITEM_KEYS
        if key in item and not isinstance(item[key], str)
    )
    if "value_kind" in item and item["value_kind"] not in VALUE_KINDS:
        problems.append(
            Problem(file, fid, f"{where}.value_kind", item["value_kind"], f"must be one of {VALUE_KINDS}")
        )
    return problems


def _check_estimates(file: str, fid: str | None, where: str, estimates: object, number: str) -> list[Problem]:
    """Other sides' figures for the same day: each with its number, who gave it and its sources."""
    if not isinstance(estimates, list):
        return [Problem(file, fid, where, estimates, "must be a list")]
    problems: list[Problem] = []
    for index, estimate in enumerate(estimates):
        at = f"{where}[{index}]"
        if not isinstance(estimate, dict):
            problems.append(Problem(file, fid, at, estimate, "must be an object"))
            continue
        problems.extend(check_number(file, fid, f"{at}.{number}", estimate.get(number), nullable=False))
        problems.extend(
            Problem(file, fid, at, estimate.get("sources"), f"sources: {p.message}")
            for p in check_sources(file, fid, estimate.get("sources"))
        )
        allowed = {number, "sources", "note", "by", "counts", "value_kind"}
        problems.extend(_check_item_fields(file, fid, at, estimate, allowed))
    return problems
