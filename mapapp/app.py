"""The Streamlit page: the map that keeps time in the browser, and the panels around it.

Run it with ``streamlit run mapapp/server.py`` (``python3 tasks.py run``). It
reads top to bottom: the data, the view (:mod:`mapapp.page.state`), the map
(:mod:`mapapp.page.mapview`), the sidebar (:mod:`mapapp.page.controls`) and the
panels (:mod:`mapapp.page.panels`); only the download buttons are made before
the rest, in their place near the bottom (see :func:`page`). The page never
opens files (see :mod:`mapapp.data`) and never filters by date itself (see
:mod:`mapapp.snapshot`).
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``streamlit run`` puts mapapp/ itself on sys.path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import datetime as dt
import logging
import time

import streamlit as st

from mapapp import data, dayview, figures, reader, timeline, urlstate
from mapapp.layers import EVENTS
from mapapp.page import controls, mapview, panels, state
from mapapp.render import text

# Streamlit's default top padding wastes a sixth of a laptop screen.
PAGE_CSS = """<style>
.block-container {padding-top: 2.2rem; padding-bottom: 1rem;}
[data-testid="stSidebar"][aria-expanded="true"] {min-width: 320px; max-width: 320px;}
[data-testid="stMetricValue"] {font-size: 1.5rem;}
/* Disputed figures stand side by side ("about 2,000 · about 3,500"): wrap, never cut. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; line-height: 1.25;}
.mapapp-caption {font-size: 0.875rem; color: rgba(49, 51, 63, 0.65); line-height: 1.45;
                 overflow-wrap: anywhere;}
.mapapp-notice, .mapapp-rule {background: #fffce7; color: #926c05; border-radius: 0.5rem;
                padding: 0.75rem 1rem; font-size: 0.95rem; overflow-wrap: anywhere;}
.mapapp-event {overflow-wrap: anywhere; line-height: 1.45;}
</style>"""
#: Where a failed page's details go (the visitor sees a reference to them).
LOG = logging.getLogger("mapapp")


@st.cache_resource(show_spinner="Loading the map data…")
def load() -> data.Dataset:
    """The validated dataset, once per process (the server may have loaded it at start)."""
    return data.shared_dataset()


@st.cache_resource(show_spinner=False)
def places(_dataset: data.Dataset, data_dir: str) -> dict[str, tuple[float, float]]:
    """Named places a reader can jump to: crossings, camps and reference towns."""
    found = {}
    for layer_id, kind in (("crossings", "crossing"), ("camps", "camp or centre"), ("towns", "town")):
        for row in _dataset.frame(layer_id).itertuples(index=False):
            point = row.geometry.representative_point()
            label = f"{row.name} ({kind})"
            if label in found:  # two places of one name: both stay in the list
                label = f"{row.name} ({kind}, {row.id})"
            found[label] = (round(point.y, 5), round(point.x, 5))
    return found


# Small and shared read-only between sessions, each part kept by what it depends on:
# a reader stepping through November recomputes only what stands at the border.
@st.cache_resource(show_spinner=False, max_entries=1024)
def standing_of(_dataset: data.Dataset, data_dir: str, day: dt.date):
    """People at the border camps and fence standing on ``day``."""
    return dayview.standing(_dataset, day)


@st.cache_resource(show_spinner=False, max_entries=64)
def month_of(_dataset: data.Dataset, data_dir: str, first: dt.date) -> list:
    """The figures of the month starting on ``first``."""
    return figures.month_figures(_dataset.monthly, first)


@st.cache_resource(show_spinner=False, max_entries=160)
def week_of(_dataset: data.Dataset, data_dir: str, monday: dt.date):
    """The events of the week starting on ``monday``."""
    return figures.week_events(_dataset.frame(EVENTS.id), monday)


def figures_of(dataset: data.Dataset, data_dir: str, day: dt.date) -> dayview.DayFigures:
    """The day's headline figures and week's events (the same as :func:`mapapp.dayview.day_figures`)."""
    camp_people, fence_km = standing_of(dataset, data_dir, day)
    return dayview.DayFigures(
        camp_people=camp_people,
        fence_km=fence_km,
        month=month_of(dataset, data_dir, day.replace(day=1)),
        week=week_of(dataset, data_dir, timeline.week_of(day)[0]),
    )


def single_file(dataset: data.Dataset, view: urlstate.View, day: dt.date):
    """A function that makes the single-file reader edition of this view (run when it is downloaded)."""
    start = reader.Start(day=day, layers=tuple(view.layers), basemap=view.basemap, where=view.where)

    def make() -> str:
        return reader.single_file(dataset, start)

    return make


def page() -> None:
    """The map, its controls and the panels beside it."""
    try:
        dataset = load()
    except data.DataError as error:
        panels.show_data_problems(error)
        st.stop()
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    directory = str(dataset.directory)
    state.init()
    view = state.view()
    day = view.day
    top, downloads = st.container(), st.container()
    # The download buttons are made first and shown in their place below the chart.
    # A run cut short by the next (the chart's first drawing, a day step) drops the
    # buttons of the run before, which the browser still shows: made first, they are
    # mostly new by then. A click that still misses gets Streamlit's "Failed to
    # generate file for download", and the next click works (README).
    with downloads:
        panels.show_downloads(dataset, day, view.layers, single_file(dataset, view, day))
    with top:
        _top_of_page(dataset, directory, view)
    with st.expander("About this map: precision, sources, licences"):
        st.markdown(panels.ABOUT)
    with st.expander("About the data: how well each layer is sourced"):
        panels.show_audit(dataset, directory)
    state.remember_shown([*controls.WIDGET_KEYS, "chart_metric"])


def _top_of_page(dataset: data.Dataset, directory: str, view: urlstate.View) -> None:
    """The link's notices, the map, the sidebar, the day's figures, the week and the chart."""
    for notice in state.notices_now():
        # A notice quotes the link's own values: shown as text, never as Markdown.
        st.html(text.page_text("⚠️ " + notice, css_class="mapapp-notice"))
    day = view.day
    st.markdown(f"#### The map on {day.day} {day:%B %Y}")
    if not view.layers:
        st.info("No layer is switched on: choose layers in the sidebar.")
    mapview.show_map(dataset)
    controls.sidebar(places(dataset, directory))
    urlstate.write(st.query_params, view)
    day_figures = figures_of(dataset, directory, day)
    panels.show_figures(day_figures)
    left, right = st.columns([1, 1.3])
    with left:
        panels.show_week(day_figures, day)
    with right:
        panels.show_chart(dataset, day)


def main() -> None:
    """Build the page; a failure shows a short message, its details go to the server's log."""
    st.set_page_config(page_title="Belarus–EU border crisis map", page_icon="🗺️", layout="wide")
    try:
        page()
    except Exception:  # Streamlit's own stop and rerun are BaseExceptions and pass through
        reference = f"{time.time():.0f}"
        LOG.exception("the page failed (reference %s)", reference)
        st.error(
            "Something went wrong while drawing this page, and the map cannot be shown. "
            f"Reload the page to try again. The server's log has the details (reference {reference})."
        )


main()
