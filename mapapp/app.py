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

import datetime as dt
import logging
import os
import time

import altair as alt
import folium
import streamlit as st
from streamlit_folium import st_folium

from mapapp import assets, audit, data, dayview, export, figures, render, snapshot, timeline, urlstate
from mapapp.layers import COUNTRIES, EU_COLOURS, LAYERS, is_static, toggleable

MAP_HEIGHT = 560
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
#: Play speeds: label → seconds between steps of one day.
SPEEDS = {"Slow: 2 s a day": 2.0, "1 s a day": 1.0, "Fast: ½ s a day": 0.5}
DEFAULT_SPEED = "1 s a day"
#: Set (to anything) in the server's environment by the benchmark: only then does
#: the link's ``render=full`` switch on the slow full re-render it compares with.
BENCH_ENV = "MAPAPP_BENCHMARK"
#: Where a failed page's details go (the visitor sees a reference to them).
LOG = logging.getLogger("mapapp")


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
    # Day drawings accumulate as readers visit days: start each process by
    # removing those nobody used for a day.
    assets.remove_stale_files()
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
        if spec.id not in _dataset.frames:
            continue
        frame = _dataset.frame(spec.id)
        if is_static(spec):
            collection = render.display_collection(spec, frame, simplify=render.DISPLAY_TOLERANCE)
            urls[spec.id] = assets.publish_geojson(spec.id, collection, prefix)
        else:
            shapes, popups = render.library(spec, frame, simplify=render.display_tolerance(spec.id))
            if shapes:
                urls[f"{spec.id}:shapes"] = assets.publish_geojson(f"{spec.id}-shapes", shapes, prefix)
            urls[f"{spec.id}:popups"] = assets.publish_geojson(f"{spec.id}-popups", popups, prefix)
    return urls


def day_layer_group(view: dayview.DayView, layer_id: str, urls: dict[str, str], prefix: str):
    """A day's drawing of one layer, sent as data only if this map has not drawn it yet.

    The drawing is also a file named by its version: a map that already keeps
    that version draws nothing new, and one that lost it (a reloaded frame)
    fetches it, so the rerun's message is a few lines for unchanged layers.
    """
    version = view.versions[layer_id]
    name = f"{layer_id}-day.{version}.geojson"
    assets.ensure_file(assets.data_files_dir() / name, view.bodies[layer_id])
    sent = st.session_state.setdefault("sent", {})
    # The naive full re-render (benchmark baseline) starts a new map each time: always send.
    embed = sent.get(layer_id) != version or st.session_state.render_mode == "full"
    sent[layer_id] = version
    return render.feature_group(
        LAYERS[layer_id],
        view.drawings[layer_id] if embed else None,
        url=None if embed else f"{prefix}/data/{name}",
        shapes=urls.get(f"{layer_id}:shapes"),
        popups=urls.get(f"{layer_id}:popups"),
        version=version,
    )


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


@st.cache_resource(show_spinner=False)
def changes(_dataset: data.Dataset, data_dir: str) -> list[dt.date]:
    """Days on which something on the map changes (cached per ``data_dir``)."""
    return snapshot.change_days(_dataset)


# The day's frames and drawings are cached as shared objects (no copy per rerun):
# nothing downstream changes them (renderers and figures build new objects).
@st.cache_resource(show_spinner=False)
def day_views() -> dayview.DayViews:
    """The per-process cache of days, shared by every session."""
    return dayview.DayViews()


@st.cache_resource(show_spinner=False, max_entries=2048)
def legend_of(_view: dayview.DayView, data_dir: str, day: dt.date, shown: tuple[str, ...]) -> str:
    """The legend of what is on the map: the layers shown on that day."""
    frames = {layer_id: _view.frames[layer_id] for layer_id in shown}
    return render.legend_html(
        [LAYERS[i] for i in frames], render.legend_present(frames), render.legend_notes(frames)
    )


def show_data_problems(error: data.DataError) -> None:
    """Explain bad data on the page instead of a traceback."""
    st.error(
        f"The map data has {len(error.problems)} problem(s) and the map cannot be drawn. "
        "Run `python -m mapapp validate` for the same list."
    )
    st.code("\n".join(str(p) for p in error.problems), language=None)


# --- state -------------------------------------------------------------------------
# The view lives in plain session keys (``view_*``), never in widget keys alone:
# Streamlit drops the state of widgets a run did not reach, so a run cut short by
# a new click (before the sidebar was drawn) would otherwise reset the day and
# switch every layer off. Each widget is seeded from the view before it is drawn,
# and its callback writes the view back. Callbacks run before the script.


def _seed(widget_key: str, value: object) -> None:
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


def _from_widget(widget_key: str, view_key: str) -> None:
    if not _echo(widget_key):
        st.session_state[view_key] = st.session_state[widget_key]


def _from_layer_box(layer_id: str) -> None:
    if _echo(f"layer_{layer_id}"):
        return
    shown = set(st.session_state.view_layers)
    if st.session_state[f"layer_{layer_id}"]:
        shown.add(layer_id)
    else:
        shown.discard(layer_id)
    st.session_state.view_layers = tuple(spec.id for spec in toggleable() if spec.id in shown)


def _shift(days: int) -> None:
    st.session_state.view_day = timeline.step(st.session_state.view_day, days)


def _jump(target: dt.date | None) -> None:
    if target is not None:
        st.session_state.view_day = target


def _toggle_play() -> None:
    st.session_state.playing = not st.session_state.get("playing", False)
    st.session_state.last_step = time.monotonic()
    if st.session_state.playing and st.session_state.view_day >= timeline.CRISIS_END:
        st.session_state.view_day = timeline.CRISIS_START


def _set_focus(lat: float, lon: float) -> None:
    # streamlit-folium moves the map only when the centre it is given changes, so a second
    # request for the same place alternates a shift of about a centimetre: it moves too.
    count = st.session_state.get("focus_requests", 0) + 1
    st.session_state.focus_requests = count
    st.session_state.focus = (lat + (count % 2) * 1e-7, lon)


def _go_to(places: dict[str, tuple[float, float]]) -> None:
    name = st.session_state.get("goto")
    if name in places:
        _set_focus(*places[name])
    # Back to the prompt, so that choosing the same place again is a choice again.
    st.session_state.goto = ""


def _focus(day: dt.date, lat: float, lon: float) -> None:
    st.session_state.view_day = day
    _set_focus(lat, lon)
    st.session_state.playing = False


def init_state() -> None:
    """First run of a session: take the view from the URL, with a notice on bad values."""
    if "view_day" in st.session_state:
        return
    repeated = [name for name in st.query_params if len(st.query_params.get_all(name)) > 1]
    view, notices = urlstate.parse(
        st.query_params.to_dict(), allow_render=bool(os.environ.get(BENCH_ENV)), repeated=repeated
    )
    st.session_state.view_day = view.day
    st.session_state.view_layers = tuple(view.layers)
    st.session_state.view_basemap = view.basemap
    st.session_state.view_speed = DEFAULT_SPEED
    st.session_state.render_mode = view.render
    st.session_state.notices = notices
    st.session_state.playing = False


def advance_if_playing() -> None:
    """Apply a tick of Play (set by the ticker) before the slider is drawn."""
    if st.session_state.pop("tick", False) and st.session_state.get("playing"):
        st.session_state.last_step = time.monotonic()
        if st.session_state.view_day >= timeline.CRISIS_END:
            st.session_state.playing = False
        else:
            st.session_state.view_day = timeline.step(st.session_state.view_day, 1)


def ticker(seconds: float) -> None:
    """While playing, ask for the next day every ``seconds`` (a fragment on a timer)."""

    def tick() -> None:
        # The fragment also runs once inside every full run: only a timer run that
        # comes after the interval may ask for the next day.
        waited = time.monotonic() - st.session_state.get("last_step", 0.0)
        if st.session_state.get("playing") and waited >= seconds * 0.8:
            st.session_state.tick = True
            st.rerun(scope="app")

    st.fragment(run_every=seconds)(tick)()


def _jump_button(label: str, target: dt.date | None, which: str) -> None:
    """A button that jumps to ``target``, the previous or next day on which the map changes."""
    st.button(
        label,
        on_click=_jump,
        args=(target,),
        disabled=target is None,
        help=f"Jump to {target:%d %b %Y}, {which} when the map changes" if target else "No change that way",
    )


def time_bar(change_days: list[dt.date], day: dt.date) -> None:
    """Steps, jumps and Play, in one row above the map (it wraps on a phone)."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button("◀ 1 week", on_click=_shift, args=(-7,), help="Back one week")
        st.button("◀ 1 day", on_click=_shift, args=(-1,), help="Back one day")
        st.button("1 day ▶", on_click=_shift, args=(1,), help="Forward one day")
        st.button("1 week ▶", on_click=_shift, args=(7,), help="Forward one week")
        _jump_button("◀◀ Change", timeline.previous_change(change_days, day), "the last day before this one")
        _jump_button("Change ▶▶", timeline.next_change(change_days, day), "the next day")
        playing = st.session_state.get("playing", False)
        st.button(
            "❚❚ Pause" if playing else "▶ Play",
            on_click=_toggle_play,
            key="play",
            type="primary" if playing else "secondary",
            help="Advance one day at a time, at the speed chosen in the sidebar",
        )
    if playing:
        ticker(st.session_state.play_interval)


def sidebar(places: dict[str, tuple[float, float]]) -> None:
    """Date, play speed, a place to go to, layers and basemap (read from the session state)."""
    with st.sidebar:
        st.header("Belarus–EU border crisis")
        st.caption(
            "Flights to Minsk, the push to the Polish, Lithuanian and Latvian borders, "
            "camps, emergency zones and fences, Aug 2020 – Dec 2022. Every feature has its "
            "dates, its precision and its sources: click it."
        )
        _seed("day", st.session_state.view_day)
        st.slider(
            "Date",
            min_value=timeline.CRISIS_START,
            max_value=timeline.CRISIS_END,
            format="D MMM YYYY",
            key="day",
            on_change=_from_widget,
            args=("day", "view_day"),
        )
        _seed("speed", st.session_state.view_speed)
        st.selectbox(
            "Play speed", list(SPEEDS), key="speed", on_change=_from_widget, args=("speed", "view_speed")
        )
        st.session_state.play_interval = SPEEDS[st.session_state.view_speed]
        st.selectbox(
            "Go to a place",
            ["", *sorted(places)],
            key="goto",
            on_change=_go_to,
            args=(places,),
            format_func=lambda name: name or "Choose a crossing, camp or town…",
            help="Centres the map on it (the day stays the same)",
        )
        st.subheader("Layers")
        for spec in toggleable():
            _seed(f"layer_{spec.id}", spec.id in st.session_state.view_layers)
            st.checkbox(spec.title, key=f"layer_{spec.id}", on_change=_from_layer_box, args=(spec.id,))
        _seed("basemap", st.session_state.view_basemap)
        st.radio(
            "Basemap",
            options=list(render.BASEMAPS),
            format_func=render.BASEMAPS.get,
            key="basemap",
            on_change=_from_widget,
            args=("basemap", "view_basemap"),
        )


def show_figures(view: dayview.DayView) -> None:
    """Headline figures for the day (whatever layers are shown), each with its sources."""
    camp, fences, months = view.camp_people, view.fence_km, view.month
    with st.container(border=True):
        top = st.columns(4)
        for column, figure in zip(top, [camp, *fences], strict=True):
            _metric(column, figure)
        st.caption("Attempted crossings in this month (or the figure the border guard gives)")
        bottom = st.columns(3)
        for column, figure in zip(bottom, months, strict=True):
            _metric(column, figure)


def _metric(column, figure: figures.Figure) -> None:
    """One figure: value, what it counts and its source links."""
    column.metric(figure.label, figure.value)
    with column:
        st.html(render.page_text(figure.detail, figure.sources))


def show_week(view: dayview.DayView, day: dt.date) -> None:
    """The events of the chosen week, each a button that shows it on the map."""
    monday, sunday = timeline.week_of(day)
    week = view.week
    st.markdown(f"**Events in the week of {monday:%d %b} – {sunday:%d %b %Y}**")
    if week.empty:
        st.caption("No dated event this week in the data.")
        return
    for row in week.itertuples(index=False):
        when = dt.date.fromisoformat(row.start)
        point = row.geometry.representative_point()
        where = {"approximate": " (approximate place)", "region": " (region only)"}.get(row.geo_precision, "")
        with st.container(horizontal=True, vertical_alignment="top", gap="small"):
            st.button(
                "Show",
                key=f"event_{row.id}",
                on_click=_focus,
                args=(when, point.y, point.x),
                help="Go to this event's day and place on the map",
                icon=":material/location_on:",
            )
            st.html(f'<div class="mapapp-event"><b>{when:%a %d %b}</b> · {render.esc(row.name)}{where}</div>')


@st.cache_resource(show_spinner=False)
def chart_spec(_dataset: data.Dataset, data_dir: str, metric: str) -> dict:
    """The Vega-Lite spec of one monthly metric per country (built once; the day is added later)."""
    points = figures.chart_points(_dataset.monthly, metric)
    line = figures.chart_line(points)
    colours = alt.Scale(
        domain=list(figures.COUNTRY_NAMES.values()), range=[colour for colour, _ in EU_COLOURS.values()]
    )
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(domain=["2020-08-01", "2022-12-31"]),
        axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6),
    )
    y = alt.Y("value:Q", title=figures.metric_words(metric))
    colour = alt.Color("country_name:N", title="Country", scale=colours)
    # The line only joins consecutive months: a month without a figure leaves a gap.
    drawn_line = alt.Chart(line).mark_line().encode(x=x, y=y, color=colour, detail="run:N")
    drawn_points = (
        alt.Chart(points)
        .mark_point(filled=True, size=45)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("country_name:N", title="Country"),
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("value:Q", title="Value", format=","),
                # Who counted what: where two bodies disagree, both points are there.
                *[
                    alt.Tooltip(f"{column}:N", title=title)
                    for column, title in (("body", "Counted by"), ("counts", "What it counts"))
                    if column in points.columns
                ],
                alt.Tooltip("notes:N", title="Notes"),
                alt.Tooltip("source_url:N", title="Source"),
            ],
        )
    )
    return (drawn_line + drawn_points).properties(height=220).to_dict()


#: Seconds after a page's first load before its chart is drawn.
CHART_DELAY_S = 1.0


def _reveal_chart() -> None:
    """Timer of the first load: once the map has had its head start, draw the chart."""
    started = st.session_state.setdefault("chart_timer", time.monotonic())
    if time.monotonic() - started >= CHART_DELAY_S * 0.8:
        st.session_state.chart_ready = True
        st.rerun(scope="app")


def with_day_marker(spec: dict, day: dt.date) -> dict:
    """A copy of a chart spec with a dashed rule at ``day``."""
    rule = {
        "mark": {"type": "rule", "color": "#424242", "strokeDash": [4, 3], "strokeWidth": 1.5},
        "data": {"values": [{"date": day.isoformat()}]},
        "encoding": {"x": {"field": "date", "type": "temporal"}},
    }
    return {**spec, "layer": [*spec["layer"], rule]}


def show_chart(dataset: data.Dataset, day: dt.date) -> None:
    """Monthly figures per country with a rule at the chosen day, and the whole table."""
    monthly = dataset.monthly
    metrics = [m for m in figures.HEADLINE_METRICS if (monthly["metric"] == m).any()]
    if metrics:
        if st.session_state.get("view_chart_metric") not in metrics:
            st.session_state.view_chart_metric = metrics[0]
        _seed("chart_metric", st.session_state.view_chart_metric)
        metric = st.selectbox(
            "Monthly figure",
            metrics,
            format_func=figures.metric_words,
            key="chart_metric",
            on_change=_from_widget,
            args=("chart_metric", "view_chart_metric"),
        )
        if st.session_state.get("chart_ready"):
            spec = with_day_marker(chart_spec(dataset, str(dataset.directory), metric), day)
            st.vega_lite_chart(spec, width="stretch")
        else:
            # The charting library is heavy: on a page's first load the map is drawn
            # first and the chart follows a moment later.
            st.caption("The chart appears in a moment…")
            st.fragment(run_every=CHART_DELAY_S)(_reveal_chart)()
        st.caption(
            "The dashed line is the day on the map. Each point is a figure a source gives for that "
            "calendar month (hover for its notes and source); where sources differ, every point is "
            "shown and the line runs through their middle. No line bridges a month without a figure. "
            "Figures for other periods (running totals, whole-year and period totals: most of what "
            "Lithuania and Latvia publish) are in the table below, each with its period and who counted."
        )
    with st.expander("Every figure of the table, with its source (running totals included)"):
        st.dataframe(
            monthly,
            hide_index=True,
            column_config={"source_url": st.column_config.LinkColumn("source")},
            width="stretch",
        )


def show_downloads(frames: dict, dataset: data.Dataset, day: dt.date) -> None:
    """The day's snapshot as GeoJSON, CSV and a standalone HTML map."""
    stamp = day.isoformat()
    geo, table, page = st.columns(3)
    geo.download_button(
        "Snapshot (GeoJSON)",
        data=lambda: export.snapshot_geojson(frames, day),
        file_name=f"border-crisis-{stamp}.geojson",
        mime="application/geo+json",
        on_click="ignore",
        width="stretch",
    )
    table.download_button(
        "Snapshot with sources (CSV)",
        data=lambda: export.snapshot_csv(frames, day),
        file_name=f"border-crisis-{stamp}.csv",
        mime="text/csv",
        on_click="ignore",
        width="stretch",
    )
    page.download_button(
        "This map (HTML, works offline)",
        data=lambda: export.standalone_html(frames, dataset.frame(COUNTRIES.id), day),
        file_name=f"border-crisis-map-{stamp}.html",
        mime="text/html",
        on_click="ignore",
        width="stretch",
    )


@st.cache_resource(show_spinner=False)
def audit_of(_dataset: data.Dataset, data_dir: str) -> tuple[list[dict[str, str]], float, list[str]]:
    """The data's quality table, its share of well-sourced features and the rules it breaks."""
    rows = audit.audit(_dataset)
    return audit.table_rows(rows), audit.crisis_share(rows), audit.broken_rules(rows)


def show_audit(dataset: data.Dataset, directory: str) -> None:
    """The quality table that ``python -m mapapp audit`` prints, for readers."""
    table, share, broken = audit_of(dataset, directory)
    st.html(
        render.page_text(
            f"Per layer: how many features rest on at least two independent sources (wire copies and "
            f"reposts of one report count once), how precisely places and dates are known, and any "
            f"source that is only a copy, a home, tag or mirror page. Crisis layers: {share:.1f} % of "
            f"features have two or more independent sources. Every source link in a popup also offers "
            f"the Internet Archive's copy nearest to the feature's date (a lookup, not a verified capture)."
        )
    )
    st.dataframe(table, hide_index=True, width="stretch")
    for rule in broken:
        st.html(render.page_text("Rule broken: " + rule, css_class="mapapp-rule"))


ABOUT = """
**How to read the map.** Pick a day with the slider (in the sidebar), the
step buttons above the map, the jumps to the previous or next day on which the
map changes, or Play: the map shows what stood on that day. "Go to a place"
takes the map to a crossing, camp or town. Click a feature for its dates, how
precisely they and its place are known, and the pages that state them. The
link in your address bar keeps the day, the layers and the basemap: share it
to show the same view.

- *Location* `exact`: where the sources put it; `approximate`: within a few km
  (a dashed ring on the map), with the reasoning in the popup; `region`: only
  the area is known (a dotted circle of 25 km). Markers that share a place are
  spread slightly apart so that each can be clicked.
- *Dates* are given to the day unless the popup says "month precision".
- *Fences*: sources give kilometres built by a date, not where; the built part
  is drawn from one end of the planned line. Between two reported figures the
  length is interpolated, and the popup says so.
- Border lines are derived from OpenStreetMap boundaries (lengths at
  96.8–100.4 % of the official ones for Poland, Lithuania and Latvia).

**Data and licences.** Borders and country outlines © OpenStreetMap
contributors (ODbL), via geo-maps; towns from GeoNames (CC BY 4.0); airports
from airportsdata (MIT); every feature cites its own sources. See
`geodata/README.md` for every file's origin. The offline basemap needs no
network; the OpenStreetMap tiles do.
"""


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


def page() -> None:
    """The map, its controls and the panels beside it."""
    try:
        dataset = load()
    except data.DataError as error:
        show_data_problems(error)
        st.stop()
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    directory = str(dataset.directory)
    prefix = assets.static_prefix()
    urls = publish(dataset, directory, prefix)
    # Published once per process and used for as long as it runs: mark them in use so no
    # process cleans them away, and publish again should one be gone all the same.
    files = [assets.data_files_dir() / url.rsplit("/", 1)[-1] for url in urls.values()]
    if not all([assets.mark_in_use(path) for path in files]):
        publish.clear()
        urls = publish(dataset, directory, prefix)
    init_state()
    advance_if_playing()
    # The map is built first and the controls after it (into places kept above it),
    # so a date step's map reaches the browser before the rest of the page is made.
    # The controls' values are already in the session state when a run starts.
    day = st.session_state.view_day
    visible = list(st.session_state.view_layers)
    basemap = st.session_state.view_basemap

    # Said while the view is the one the link opened; a step or a toggle clears them.
    view_now = (day, tuple(visible), basemap)
    if st.session_state.setdefault("notice_view", view_now) != view_now:
        st.session_state.notices = []
    for notice in st.session_state.get("notices", []):
        # A notice quotes the link's own values: shown as text, never as Markdown.
        st.html(render.page_text("⚠️ " + notice, css_class="mapapp-notice"))
    heading, controls = st.container(), st.container()
    if not visible:
        st.info("No layer is switched on: choose layers in the sidebar.")

    views = day_views()
    view = views.get(dataset, day)
    frames = {layer_id: frame for layer_id, frame in view.frames.items() if layer_id in visible}
    # Each layer is kept on the map and redrawn only when its drawing changes.
    if st.session_state.get("sent_to") != st.session_state.render_mode:
        # A new map keeps nothing yet: send every drawing again.
        st.session_state.sent = {}
        st.session_state.sent_to = st.session_state.render_mode
    # The basemap is kept like a layer: switching it keeps the reader's zoom and pan.
    groups = [render.basemap_group(basemap, urls[COUNTRIES.id])]
    groups += [
        render.feature_group(LAYERS[layer_id], url=urls[layer_id], version=urls[layer_id])
        if layer_id in urls
        else day_layer_group(view, layer_id, urls, prefix)
        for layer_id in frames
    ]
    # The legend of what is on the map now travels with the layers; the group also
    # keeps the list non-empty, which streamlit-folium needs to remove the last layer.
    legend = folium.FeatureGroup(name="legend", control=False)
    render.LegendUpdate(
        legend_of(view, directory, day, tuple(frames)), day.isoformat(), keys=[render.BASEMAP_KEY, *frames]
    ).add_to(legend)
    groups.append(legend)

    fmap = render.base_map()
    focus = st.session_state.get("focus")
    map_args = {"center": focus, "zoom": 10} if focus else {}
    if st.session_state.render_mode == "full":
        # Diagnostics for the benchmark: the naive way, a new map at every rerun.
        for group in groups:
            group.add_to(fmap)
        st_folium(
            fmap, key=f"map-full-{day}", height=MAP_HEIGHT, use_container_width=True, returned_objects=[]
        )
    else:
        st_folium(
            fmap,
            key="map",
            height=MAP_HEIGHT,
            use_container_width=True,
            feature_group_to_add=groups,
            returned_objects=[],
            **map_args,
        )
    with heading:
        st.markdown(f"#### The map on {day.day} {day:%B %Y}")
    with controls:
        time_bar(changes(dataset, directory), day)
    sidebar(places(dataset, directory))
    urlstate.write(st.query_params, urlstate.View(day, visible, basemap, st.session_state.render_mode))
    # While the reader looks at this day, the next ones are prepared.
    views.prefetch(dataset, day)
    show_figures(view)
    left, right = st.columns([1, 1.3])
    with left:
        show_week(view, day)
    with right:
        show_chart(dataset, day)
    show_downloads(frames, dataset, day)
    with st.expander("About this map: precision, sources, licences"):
        st.markdown(ABOUT)
    with st.expander("About the data: how well each layer is sourced"):
        show_audit(dataset, directory)
    # This run reached its end: the browser now shows these widget values (see _echo).
    widget_keys = ["day", "speed", "basemap", "chart_metric", *(f"layer_{spec.id}" for spec in toggleable())]
    st.session_state.shown_widgets = {k: st.session_state[k] for k in widget_keys if k in st.session_state}


main()
