"""The view in the URL: ``?date=YYYY-MM-DD&layers=a,b&basemap=offline&view=lat,lon,zoom``.

Parsing never fails: a malformed or unknown parameter falls back to its
default and yields a notice for the reader, so a shared link that went stale
still opens the map. A notice quotes the value it rejects as plain text, cut
to :data:`SHOWN_CHARS` characters; the page shows it as text, never as Markdown.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from mapapp import timeline
from mapapp.layers import toggleable
from mapapp.render.basemap import BASEMAPS, MAX_ZOOM, MIN_ZOOM
from mapapp.schema import ISO_DAY, parse_iso_date

KNOWN = ("date", "layers", "basemap", "view")
#: The most characters of a rejected value a notice quotes.
SHOWN_CHARS = 40
#: The most unknown names a notice lists.
SHOWN_NAMES = 5


def shown(value: object) -> str:
    r"""A value from the link as a notice quotes it: quoted, one line, at most ``SHOWN_CHARS`` of it.

    Control, format (bidi, zero-width) and line characters are written as
    ``\uXXXX`` escapes, so a value cannot reorder or hide the notice's own
    words, and a hidden character is seen.
    """
    text = str(value)
    cut = len(text) > SHOWN_CHARS
    text = text[: SHOWN_CHARS - 1] if cut else text
    text = "".join(
        c if unicodedata.category(c)[0] not in "CZ" or c == " " else f"\\u{ord(c):04x}" for c in text
    )
    return f"“{text}{'…' if cut else ''}”"


def default_layers() -> list[str]:
    """Layers shown when the URL does not say."""
    return [spec.id for spec in toggleable() if spec.default_visible]


@dataclass(frozen=True)
class View:
    """What the reader looks at: the day, the layers shown, the basemap, where the map is."""

    day: dt.date = timeline.DEFAULT_DAY
    layers: list[str] = field(default_factory=default_layers)
    basemap: str = "offline"
    #: ``(lat, lon, zoom)`` of the map's centre, or None for where the map opens.
    where: tuple[float, float, int] | None = None


def parse_where(text: str) -> tuple[float, float, int] | None:
    """``"lat,lon,zoom"`` as numbers, or None when it is not a place the map can show."""
    parts = text.split(",")
    if len(parts) != 3 or len(text) > 60:
        return None
    try:
        lat, lon, zoom = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        return None
    if not (-85.0 <= lat <= 85.0 and -180.0 <= lon <= 180.0 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        return None
    return round(lat, 4), round(lon, 4), zoom


def format_where(where: tuple[float, float, int]) -> str:
    """The URL's ``view`` value of a place: ``lat,lon,zoom``."""
    lat, lon, zoom = where
    return f"{lat:.4f},{lon:.4f},{zoom}"


def parse(params: dict[str, str], repeated: list[str] | tuple[str, ...] = ()) -> tuple[View, list[str]]:
    """The view a URL asks for, and a notice for every value that was not usable.

    Parameters
    ----------
    params
        Query parameters (name → value).
    repeated
        Names the link gives more than once (``params`` holds the last value).

    Returns
    -------
    tuple
        ``(view, notices)``.
    """
    notices = [
        f"The link gives {shown(name)} more than once; the last value is used."
        for name in repeated[:SHOWN_NAMES]
    ]
    day = timeline.DEFAULT_DAY
    if "date" in params:
        try:
            day = timeline.parse_day(params["date"])
        except timeline.DateOutOfRange:
            period = f"{timeline.CRISIS_START:%d %b %Y} – {timeline.CRISIS_END:%d %b %Y}"
            if parse_iso_date(params["date"]) is not None:
                why = f"it is outside the map's period ({period})"
            elif ISO_DAY.fullmatch(params["date"]):
                why = "there is no such day in the calendar"
            else:
                why = "it is not a day written YYYY-MM-DD"
            notices.append(
                f"The link's date {shown(params['date'])} was not used: {why}; showing {day:%d %b %Y}."
            )
    layers = default_layers()
    if "layers" in params:
        known = [spec.id for spec in toggleable()]
        raw = params["layers"]
        asked = [p.strip() for p in raw.split(",") if p.strip()]
        unknown = list(dict.fromkeys(p for p in asked if p not in known))
        chosen = [layer for layer in known if layer in asked]
        if unknown:
            names = ", ".join(shown(name) for name in unknown[:SHOWN_NAMES])
            more = f" and {len(unknown) - SHOWN_NAMES} more" if len(unknown) > SHOWN_NAMES else ""
            # A link that names only unknown layers is a bad value, not a wish for an empty map.
            fallback = "" if chosen else " None is a layer of the map: showing the default layers."
            notices.append(
                f"Unknown layer(s) in the link ignored: {names}{more}. Known layers: {', '.join(known)}."
                + fallback
            )
        if raw.strip() and not asked:
            # "layers=," names nothing: a malformed value, unlike the deliberate empty "layers=".
            notices.append(f"The link's layers {shown(raw)} name no layer; showing the default layers.")
            layers = default_layers()
        elif asked and not chosen:
            layers = default_layers()
        else:
            layers = chosen
    basemap = params.get("basemap", "offline")
    if basemap not in BASEMAPS:
        notices.append(
            f"Unknown basemap {shown(basemap)} in the link; using the offline basemap "
            f"(the map knows {', '.join(BASEMAPS)})."
        )
        basemap = "offline"
    where = None
    if "view" in params:
        where = parse_where(params["view"])
        if where is None:
            notices.append(
                f"The link's view {shown(params['view'])} was not used: it should be latitude, longitude "
                f"and zoom ({MIN_ZOOM}–{MAX_ZOOM}), e.g. 53.9,23.9,9; showing the whole map."
            )
    unknown_params = [name for name in params if name not in KNOWN]
    if unknown_params:
        names = ", ".join(shown(name) for name in unknown_params[:SHOWN_NAMES])
        more = f" and {len(unknown_params) - SHOWN_NAMES} more" if len(unknown_params) > SHOWN_NAMES else ""
        notices.append(
            f"Unknown link parameter(s) ignored: {names}{more}. "
            "The map understands date, layers, basemap and view."
        )
    return View(day, layers, basemap, where), notices


def encode(view: View) -> dict[str, str]:
    """Query parameters for a view (the place only once the map has one)."""
    params = {"date": view.day.isoformat(), "layers": ",".join(view.layers), "basemap": view.basemap}
    if view.where is not None:
        params["view"] = format_where(view.where)
    return params


def write(query_params: MutableMapping, view: View) -> None:
    """Put the view into the URL, touching only parameters that changed."""
    wanted = encode(view)
    for name in list(query_params.keys()):
        if name not in wanted:
            del query_params[name]
    get_all = getattr(query_params, "get_all", None)
    for name, value in wanted.items():
        # A name the link gave twice is written again, once.
        if query_params.get(name) != value or (get_all and len(get_all(name)) > 1):
            query_params[name] = value
