"""The Streamlit page: widgets and layout only.

Run from the repository root with ``streamlit run mapapp/app.py``. The page
never opens files (see :mod:`mapapp.data`) and never filters by date itself
(see :mod:`mapapp.snapshot`); the map's base stays the same across date steps
and toggles, and only the layers' feature groups are sent again, so
streamlit-folium updates the map in place and keeps the reader's zoom and pan.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``streamlit run mapapp/app.py`` puts mapapp/ itself on sys.path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium
import streamlit as st
from streamlit_folium import st_folium

from mapapp import assets, data, render, snapshot, timeline
from mapapp.layers import COUNTRIES, EVENTS, LAYERS, toggleable

MAP_HEIGHT = 600
# Streamlit's default top padding wastes a sixth of a laptop screen.
PAGE_CSS = "<style>.block-container {padding-top: 2.2rem; padding-bottom: 1rem;}</style>"


@st.cache_resource(show_spinner="Loading the map data…")
def load() -> data.Dataset:
    """The validated dataset, once per process."""
    return data.load_dataset()


@st.cache_resource(show_spinner=False)
def publish(_dataset: data.Dataset, data_dir: str, prefix: str) -> dict[str, str]:
    """Serve Leaflet, jQuery and the static layers from the app, once per process.

    ``data_dir`` keys the cache (the dataset itself is not hashed). Returns
    layer id → URL of its display GeoJSON.
    """
    assets.publish_vendor_files()
    js, css = assets.vendor_links(prefix)
    # Process-global: every folium map of this app loads its code from here, not a CDN.
    folium.Map.default_js = js
    folium.Map.default_css = css
    urls = {
        COUNTRIES.id: assets.publish_geojson(
            COUNTRIES.id, render.backdrop_collection(_dataset.frame(COUNTRIES.id)), prefix
        )
    }
    for spec in toggleable():
        if not spec.dated and spec.id in _dataset.frames:
            collection = render.display_collection(
                spec, _dataset.frame(spec.id), simplify=render.DISPLAY_TOLERANCE
            )
            urls[spec.id] = assets.publish_geojson(spec.id, collection, prefix)
    return urls


@st.cache_resource(show_spinner=False)
def legend_values(_dataset: data.Dataset, data_dir: str) -> dict[str, set]:
    """Per layer, the values of its colour property found in the data (cached per ``data_dir``)."""
    return {
        spec.id: set(_dataset.frame(spec.id)[spec.colour_by])
        for spec in toggleable()
        if spec.colour_by and spec.id in _dataset.frames
    }


def show_data_problems(error: data.DataError) -> None:
    """Explain bad data on the page instead of a traceback."""
    st.error(
        f"The map data has {len(error.problems)} problem(s) and the map cannot be drawn. "
        "Run `python -m mapapp validate` for the same list."
    )
    st.code("\n".join(str(p) for p in error.problems), language=None)


def sidebar() -> tuple:
    """Date, layers and basemap chosen by the reader."""
    with st.sidebar:
        st.header("Belarus–EU border crisis")
        st.caption(
            "Flights to Minsk, the push to the Polish, Lithuanian and Latvian borders, "
            "camps, emergency zones and fences, 2021–2022. Every feature has its dates, "
            "its precision and its sources: click it."
        )
        day = st.slider(
            "Date",
            min_value=timeline.CRISIS_START,
            max_value=timeline.CRISIS_END,
            value=timeline.DEFAULT_DAY,
            format="D MMM YYYY",
            key="day",
        )
        st.subheader("Layers")
        visible = [
            spec.id
            for spec in toggleable()
            if st.checkbox(spec.title, value=spec.default_visible, key=f"layer_{spec.id}")
        ]
        basemap = st.radio(
            "Basemap",
            options=list(render.BASEMAPS),
            format_func=render.BASEMAPS.get,
            key="basemap",
        )
    return day, visible, basemap


ABOUT = """
**How to read the map.** Pick a day on the slider: the map shows what stood on
that day. Click a feature for its dates, how precisely they and its place are
known, and the pages that state them.

- *Location* `exact`: where the sources put it; `approximate`: within a few km,
  with the reasoning in the popup; `region`: only the area is known.
- *Dates* are given to the day unless the popup says "month precision" or
  "year precision".
- Border lines are derived from OpenStreetMap boundaries (lengths at
  96.8–100.4 % of the official ones for Poland, Lithuania and Latvia).

**Data and licences.** Borders and country outlines © OpenStreetMap
contributors (ODbL), via geo-maps; towns from GeoNames (CC BY 4.0); every
event cites its own sources. See `geodata/README.md` for every file's origin.
The offline basemap needs no network; the OpenStreetMap tiles do.
"""


def main() -> None:
    """Build the page."""
    st.set_page_config(page_title="Belarus–EU border crisis map", page_icon="🗺️", layout="wide")
    try:
        dataset = load()
    except data.DataError as error:
        show_data_problems(error)
        st.stop()
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    prefix = assets.static_prefix(st.get_option("server.baseUrlPath") or "")
    urls = publish(dataset, str(dataset.directory), prefix)
    day, visible, basemap = sidebar()

    frames = snapshot.frames_on(dataset, day, visible)
    groups = [
        render.feature_group(LAYERS[layer_id], url=urls[layer_id])
        if layer_id in urls
        else render.feature_group(LAYERS[layer_id], render.display_collection(LAYERS[layer_id], frame))
        for layer_id, frame in frames.items()
    ]
    # An empty group keeps the list non-empty: streamlit-folium only replaces the
    # previous groups when it is given some (so switching every layer off works).
    groups.append(folium.FeatureGroup(name="placeholder", control=False))

    st.markdown(f"#### The map on {day.day} {day:%B %Y}")
    fmap = render.base_map(
        basemap, urls[COUNTRIES.id], toggleable(), legend_values(dataset, str(dataset.directory))
    )
    st_folium(
        fmap,
        key="map",
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=groups,
        returned_objects=[],
    )
    if EVENTS.id in frames:
        names = [render.md_escape(name) for name in frames[EVENTS.id]["name"]]
        st.caption("Events on this day: " + ("; ".join(names) if names else "none in the data"))
    with st.expander("About this map: precision, sources, licences"):
        st.markdown(ABOUT)


main()
