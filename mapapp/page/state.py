"""Every session key of the page, and the callbacks that change them.

The view lives in plain session keys (``view_*``), never in widget keys alone:
Streamlit drops the state of widgets a run did not reach, so a run cut short by
a new click would otherwise reset the day and switch every layer off. Each
widget is seeded from the view before it is drawn, and its callback writes the
view back. Callbacks run before the script.

The map keeps its own day in the browser. The page asks it to move only with a
new *sequence number* (``day_seq``, ``focus_seq``); the map tells the page its
day and place once they rest (:func:`from_map_day`, :func:`from_map_view`). So neither side can pull the
other back to a day it has left.
"""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from mapapp import timeline, urlstate
from mapapp.layers import toggleable

#: The map component's key: its state (``day``, ``view``) is read from here.
MAP_KEY = "map"
LOG = logging.getLogger("mapapp")


def init() -> None:
    """First run of a session: take the view from the URL, with a notice on bad values."""
    if "view_day" in st.session_state:
        return
    repeated = [name for name in st.query_params if len(st.query_params.get_all(name)) > 1]
    view, notices = urlstate.parse(st.query_params.to_dict(), repeated=repeated)
    st.session_state.view_day = view.day
    st.session_state.view_layers = tuple(view.layers)
    st.session_state.view_basemap = view.basemap
    st.session_state.view_where = view.where
    st.session_state.notices = notices
    st.session_state.notice_view = None
    st.session_state.day_seq = 0
    st.session_state.focus_seq = 0
    st.session_state.focus = None


def view() -> urlstate.View:
    """The view the reader has now."""
    s = st.session_state
    return urlstate.View(s.view_day, list(s.view_layers), s.view_basemap, s.view_where)


def seed(widget_key: str, value: object) -> None:
    """Show the view's value in a widget about to be drawn."""
    st.session_state[widget_key] = value


def _echo(widget_key: str) -> bool:
    """Whether a widget's "change" is only the browser sending back what it was last shown.

    A run cut short after seeding a widget but before drawing it leaves the browser
    with the older value; its next message then looks like a change back to that
    value. The reader did not make it, so the view keeps what it holds.
    """
    shown = st.session_state.get("shown_widgets", {})
    return widget_key in shown and shown[widget_key] == st.session_state[widget_key]


def from_widget(widget_key: str, view_key: str) -> None:
    """A widget changed: the view takes its value."""
    if not _echo(widget_key):
        st.session_state[view_key] = st.session_state[widget_key]


def from_slider(widget_key: str) -> None:
    """The date slider moved: the view takes the day and the map is asked to follow."""
    if not _echo(widget_key):
        set_day(st.session_state[widget_key])


def set_day(day: dt.date) -> None:
    """The page moves the map to ``day``."""
    st.session_state.view_day = timeline.clamp(day)
    st.session_state.day_seq += 1


def from_layer_box(layer_id: str) -> None:
    """A layer's checkbox changed."""
    if _echo(f"layer_{layer_id}"):
        return
    shown = set(st.session_state.view_layers)
    if st.session_state[f"layer_{layer_id}"]:
        shown.add(layer_id)
    else:
        shown.discard(layer_id)
    st.session_state.view_layers = tuple(spec.id for spec in toggleable() if spec.id in shown)


def focus_on(lat: float, lon: float, zoom: int = 10) -> None:
    """The page moves the map to a place (the day stays)."""
    st.session_state.focus = (lat, lon, zoom)
    st.session_state.focus_seq += 1


def go_to(places: dict[str, tuple[float, float]]) -> None:
    """The reader chose a place in "Go to a place"."""
    name = st.session_state.get("goto")
    if name in places:
        focus_on(*places[name])
    # Back to the prompt, so that choosing the same place again is a choice again.
    st.session_state.goto = ""


def show_event(day: dt.date, lat: float, lon: float) -> None:
    """An event's "Show": its day and its place."""
    set_day(day)
    focus_on(lat, lon)


def _reported(name: str) -> str | None:
    """The text the map reported last under ``name`` (``{"value": …, "n": …}``), or None."""
    report = (st.session_state.get(MAP_KEY) or {}).get(name)
    value = report.get("value") if isinstance(report, dict) else None
    return value if isinstance(value, str) else None


def from_map_day() -> None:
    """The map's day rested: the page follows (a value from the browser is checked)."""
    text = _reported("day")
    if text is None:
        return
    try:
        st.session_state.view_day = timeline.parse_day(text)
    except timeline.DateOutOfRange:
        LOG.warning("the map reported a day that is not one: %s", urlstate.shown(text))


def from_map_view() -> None:
    """The map's place rested: the link follows (a value from the browser is checked)."""
    text = _reported("view")
    where = urlstate.parse_where(text) if text is not None else None
    if where is not None:
        st.session_state.view_where = where


def notices_now() -> list[str]:
    """The link's notices while the view is still the one the link opened."""
    now = view()
    if st.session_state.notice_view is None:
        st.session_state.notice_view = now
    elif st.session_state.notice_view != now:
        st.session_state.notices = []
    return st.session_state.notices


def remember_shown(widget_keys: list[str]) -> None:
    """Remember the widget values the browser shows now that the run reached its end (see :func:`_echo`)."""
    st.session_state.shown_widgets = {k: st.session_state[k] for k in widget_keys if k in st.session_state}
