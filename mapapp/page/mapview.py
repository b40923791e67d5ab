"""The map on the page: a Streamlit component around the engine that keeps time in the browser.

The whole timeline is compiled once per data version (:mod:`mapapp.compiled`)
and served as files named by their content; the component receives only their
URLs and the few values of the view (day, layers, basemap, a place asked for).
Its JavaScript lives in ``mapapp/static/component.js`` (the Streamlit side)
and ``mapapp/static/timemap.js`` (the map).
"""

from __future__ import annotations

import streamlit as st

from mapapp import assets, published
from mapapp.data import Dataset
from mapapp.page import state
from mapapp.render import basemap

#: Height of the map itself (the time bar is below it), in pixels.
MAP_HEIGHT = 540

_COMPONENT = st.components.v2.component(
    "mapapp_timemap",
    js=(assets.PACKAGE_STATIC / assets.COMPONENT_JS).read_text(encoding="utf-8"),
    isolate_styles=False,
)


def show_map(dataset: Dataset) -> None:
    """The map with its time bar; its day and place come back through :mod:`mapapp.page.state`."""
    urls = published.published(dataset)
    s = st.session_state
    where = s.view_where
    data = {
        "assets": assets.engine_links(),
        "timeline_url": urls["timeline"],
        "popups_url": urls["popups"],
        "backdrop_url": urls["backdrop"],
        "map": basemap.map_options(basemap.base_map()),
        "attribution": basemap.OSM_ATTRIBUTION,
        "tiles": {"url": basemap.OSM_TILES, "attribution": basemap.OSM_TILES_ATTRIBUTION},
        "day": s.view_day.isoformat(),
        "day_seq": s.day_seq,
        "layers": list(s.view_layers),
        "basemap": s.view_basemap,
        "view": {"lat": where[0], "lon": where[1], "zoom": where[2]} if where else None,
        "focus": list(s.focus) if s.focus else None,
        "focus_seq": s.focus_seq,
    }
    _COMPONENT(
        key=state.MAP_KEY,
        data=data,
        on_day_change=state.from_map_day,
        on_view_change=state.from_map_view,
        height=MAP_HEIGHT + 78,
    )
