"""The sidebar: the date, a place to go to, the layers and the basemap.

Stepping, jumping and Play are in the map's own time bar (``timemap.js``);
every control here writes the view through :mod:`mapapp.page.state`.
"""

from __future__ import annotations

import streamlit as st

from mapapp import timeline
from mapapp.layers import toggleable
from mapapp.page import state
from mapapp.render.basemap import BASEMAPS

#: Widget keys whose shown value the page remembers (see :func:`state.remember_shown`).
WIDGET_KEYS = ["day", "basemap", *(f"layer_{spec.id}" for spec in toggleable())]


def sidebar(places: dict[str, tuple[float, float]]) -> None:
    """Date, a place to go to, layers and basemap (read from the session state)."""
    with st.sidebar:
        st.header("Belarus–EU border crisis")
        st.caption(
            "Flights to Minsk, the push to the Polish, Lithuanian and Latvian borders, "
            "camps, emergency zones and fences, Aug 2020 – Dec 2022. Every feature has its "
            "dates, its precision and its sources: click it."
        )
        state.seed("day", st.session_state.view_day)
        st.slider(
            "Date",
            min_value=timeline.CRISIS_START,
            max_value=timeline.CRISIS_END,
            format="D MMM YYYY",
            key="day",
            on_change=state.from_slider,
            args=("day",),
            help="Or step with the bar under the map, or the arrow keys on the map",
        )
        st.selectbox(
            "Go to a place",
            ["", *sorted(places)],
            key="goto",
            on_change=state.go_to,
            args=(places,),
            format_func=lambda name: name or "Choose a crossing, camp or town…",
            help="Centres the map on it (the day stays the same)",
        )
        st.subheader("Layers")
        for spec in toggleable():
            state.seed(f"layer_{spec.id}", spec.id in st.session_state.view_layers)
            st.checkbox(spec.title, key=f"layer_{spec.id}", on_change=state.from_layer_box, args=(spec.id,))
        state.seed("basemap", st.session_state.view_basemap)
        st.radio(
            "Basemap",
            options=list(BASEMAPS),
            format_func=BASEMAPS.get,
            key="basemap",
            on_change=state.from_widget,
            args=("basemap", "view_basemap"),
        )
