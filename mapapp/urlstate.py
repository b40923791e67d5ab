"""The view in the URL: ``?date=YYYY-MM-DD&layers=a,b&basemap=offline``.

Parsing never fails: a malformed or unknown parameter falls back to its
default and yields a notice for the reader, so a shared link that went stale
still opens the map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from mapapp import timeline
from mapapp.layers import toggleable
from mapapp.render import BASEMAPS

#: Render modes: ``inplace`` (the app) and ``full`` (a new map at every step,
#: kept for the benchmark's comparison).
RENDER_MODES = ("inplace", "full")
KNOWN = ("date", "layers", "basemap", "render")


def default_layers() -> list[str]:
    """Layers shown when the URL does not say."""
    return [spec.id for spec in toggleable() if spec.default_visible]


@dataclass(frozen=True)
class View:
    """What the reader looks at: the day, the layers shown, the basemap."""

    day: dt.date = timeline.DEFAULT_DAY
    layers: list[str] = field(default_factory=default_layers)
    basemap: str = "offline"
    render: str = "inplace"


def parse(params: dict[str, str]) -> tuple[View, list[str]]:
    """The view a URL asks for, and a notice for every value that was not usable.

    Parameters
    ----------
    params
        Query parameters (name → value).

    Returns
    -------
    tuple
        ``(view, notices)``.
    """
    notices = []
    day = timeline.DEFAULT_DAY
    if "date" in params:
        try:
            day = timeline.parse_day(params["date"])
        except timeline.DateOutOfRange as exc:
            notices.append(f"The link's date was not used ({exc}); showing {day:%d %b %Y}.")
    layers = default_layers()
    if "layers" in params:
        known = [spec.id for spec in toggleable()]
        asked = [p.strip() for p in params["layers"].split(",") if p.strip()]
        unknown = [p for p in asked if p not in known]
        if unknown:
            notices.append(
                f"Unknown layer(s) in the link ignored: {', '.join(unknown)}. "
                f"Known layers: {', '.join(known)}."
            )
        # An empty "layers=" is a deliberate "no layers"; only unknown names are dropped.
        layers = [layer for layer in known if layer in asked]
    basemap = params.get("basemap", "offline")
    if basemap not in BASEMAPS:
        notices.append(f"Unknown basemap {basemap!r} in the link; using the offline basemap.")
        basemap = "offline"
    render = params.get("render", "inplace")
    if render not in RENDER_MODES:
        notices.append(f"Unknown render mode {render!r} in the link ignored.")
        render = "inplace"
    unknown_params = [name for name in params if name not in KNOWN]
    if unknown_params:
        notices.append(
            f"Unknown link parameter(s) ignored: {', '.join(unknown_params)}. "
            "The map understands date, layers and basemap."
        )
    return View(day, layers, basemap, render), notices


def encode(view: View) -> dict[str, str]:
    """Query parameters for a view (the render mode only when it is not the default)."""
    params = {"date": view.day.isoformat(), "layers": ",".join(view.layers), "basemap": view.basemap}
    if view.render != "inplace":
        params["render"] = view.render
    return params


def write(query_params: MutableMapping, view: View) -> None:
    """Put the view into the URL, touching only parameters that changed."""
    wanted = encode(view)
    for name in list(query_params.keys()):
        if name not in wanted:
            del query_params[name]
    for name, value in wanted.items():
        if query_params.get(name) != value:
            query_params[name] = value
