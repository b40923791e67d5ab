"""The panels around the map: figures, the week's events, the chart, downloads, about.

Text from the data is shown through :func:`mapapp.render.text.page_text`
(escaped HTML), never as Markdown.
"""

from __future__ import annotations

import datetime as dt
import time

import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from mapapp import audit, data, dayview, export, figures, snapshot, timeline
from mapapp.page import chart, state
from mapapp.render import text


def show_data_problems(error: data.DataError) -> None:
    """Explain bad data on the page instead of a traceback."""
    st.error(
        f"The map data has {len(error.problems)} problem(s) and the map cannot be drawn. "
        "Run `python -m mapapp validate` for the same list."
    )
    st.code("\n".join(str(p) for p in error.problems), language=None)


def show_figures(view: dayview.DayFigures) -> None:
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
        st.html(text.page_text(figure.detail, figure.sources))


def show_week(view: dayview.DayFigures, day: dt.date) -> None:
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
                on_click=state.show_event,
                args=(when, point.y, point.x),
                help="Go to this event's day and place on the map",
                icon=":material/location_on:",
            )
            st.html(f'<div class="mapapp-event"><b>{when:%a %d %b}</b> · {text.esc(row.name)}{where}</div>')


#: Seconds after a page's first load before its chart is drawn.
CHART_DELAY_S = 1.0


def _reveal_chart() -> None:
    """Timer of the first load: once the map has had its head start, draw the chart."""
    started = st.session_state.setdefault("chart_timer", time.monotonic())
    if time.monotonic() - started >= CHART_DELAY_S * 0.8:
        st.session_state.chart_ready = True
        st.rerun(scope="app")


@st.cache_resource(show_spinner=False)
def chart_of(_dataset: data.Dataset, data_dir: str, metric: str) -> dict:
    """The chart's spec, built once per data directory and metric.

    Its datasets are turned into Arrow bytes here, once, as Streamlit would at
    every run (the chart follows the day, so it is sent at every day sync).
    """
    spec = chart.chart_spec(_dataset.monthly, metric)
    named = spec.get("datasets", {})
    arrow = {name: dataframe_util.convert_anything_to_arrow_bytes(rows) for name, rows in named.items()}
    return {**spec, "datasets": arrow}


@st.cache_resource(show_spinner=False)
def table_of(_dataset: data.Dataset, data_dir: str) -> pa.Table:
    """The monthly table as Arrow, converted once (it is sent at every run)."""
    return pa.Table.from_pandas(_dataset.monthly, preserve_index=False)


def chart_metrics(dataset: data.Dataset) -> list[str]:
    """The headline measures the monthly figures have, in the chart's order (the first is the default)."""
    monthly = dataset.monthly
    return [m for m in figures.HEADLINE_METRICS if (monthly["metric"] == m).any()]


def warm(dataset: data.Dataset) -> None:
    """Build what every page shows from the data alone, before the first reader asks.

    The quality table and the default chart depend on the data only; the
    server calls this as it starts, so that the first page does not wait for
    them (nor for importing the chart's library).

    Parameters
    ----------
    dataset
        The validated data.
    """
    directory = str(dataset.directory)
    audit_of(dataset, directory)
    table_of(dataset, directory)
    metrics = chart_metrics(dataset)
    if metrics:
        chart_of(dataset, directory, metrics[0])


def show_chart(dataset: data.Dataset, day: dt.date) -> None:
    """Monthly figures per country with a rule at the chosen day, and the whole table."""
    metrics = chart_metrics(dataset)
    if metrics:
        if st.session_state.get("view_chart_metric") not in metrics:
            st.session_state.view_chart_metric = metrics[0]
        state.seed("chart_metric", st.session_state.view_chart_metric)
        metric = st.selectbox(
            "Monthly figure",
            metrics,
            format_func=figures.metric_words,
            key="chart_metric",
            on_change=state.from_widget,
            args=("chart_metric", "view_chart_metric"),
        )
        if st.session_state.get("chart_ready"):
            spec = chart.with_day_marker(chart_of(dataset, str(dataset.directory), metric), day)
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
            table_of(dataset, str(dataset.directory)),
            hide_index=True,
            column_config={"source_url": st.column_config.LinkColumn("source")},
            width="stretch",
        )


def show_downloads(dataset: data.Dataset, day: dt.date, layers: list[str], single_file) -> None:
    """The day's snapshot as GeoJSON and CSV, and the map as one HTML file (made when asked for).

    ``single_file`` makes the single-file reader edition of the view (:func:`mapapp.reader.single_file`).
    """
    stamp = day.isoformat()
    geo, table, page = st.columns(3)
    geo.download_button(
        "Snapshot (GeoJSON)",
        data=lambda: export.snapshot_geojson(snapshot.frames_on(dataset, day, layers), day),
        file_name=f"border-crisis-{stamp}.geojson",
        mime="application/geo+json",
        on_click="ignore",
        width="stretch",
    )
    table.download_button(
        "Snapshot with sources (CSV)",
        data=lambda: export.snapshot_csv(snapshot.frames_on(dataset, day, layers), day),
        file_name=f"border-crisis-{stamp}.csv",
        mime="text/csv",
        on_click="ignore",
        width="stretch",
    )
    page.download_button(
        "This map (HTML, works offline)",
        data=single_file,
        file_name=f"border-crisis-map-{stamp}.html",
        mime="text/html",
        on_click="ignore",
        width="stretch",
        help=(
            "The reader edition of this view in one file: the map with its time bar, every layer, the "
            "day's figures and the chart; opens in any browser, offline too"
        ),
    )


@st.cache_resource(show_spinner=False)
def audit_of(_dataset: data.Dataset, data_dir: str) -> tuple[pa.Table, float, list[str]]:
    """The quality table (Arrow, converted once), the share of well-sourced features, the rules broken."""
    rows = audit.audit(_dataset)
    table = pa.Table.from_pylist(audit.table_rows(rows))
    return table, audit.crisis_share(rows), audit.broken_rules(rows)


def show_audit(dataset: data.Dataset, directory: str) -> None:
    """The quality table that ``python -m mapapp audit`` prints, for readers."""
    table, share, broken = audit_of(dataset, directory)
    st.html(
        text.page_text(
            f"Per layer: how many features rest on at least two independent sources (wire copies and "
            f"reposts of one report count once), how precisely places and dates are known, and any "
            f"source that is only a copy, a home, tag or mirror page. Crisis layers: {share:.1f} % of "
            f"features have two or more independent sources. Every source link in a popup also offers "
            f"the Internet Archive's copy nearest to the feature's date (a lookup, not a verified capture)."
        )
    )
    st.dataframe(table, hide_index=True, width="stretch")
    for rule in broken:
        st.html(text.page_text("Rule broken: " + rule, css_class="mapapp-rule"))


ABOUT = """
**How to read the map.** The bar under the map keeps its day: step a day or a
week, jump to the previous or next day on which something changes, or press
Play (1 to 30 days a second). Click or drag the strip to move through the
period: its marks are the days on which the map changes, its ticks the events.
With the map or the bar focused, the keys do the same: ← / → a day,
Shift + ← / → a week, Page Up / Page Down the previous or next change, Space
play or pause. The figures, the week's events and the chart follow the map's
day; the slider in the sidebar moves the map. "Go to a place" takes the map to
a crossing, camp or town. Click a feature for its dates, how precisely they and
its place are known, and the pages that state them. The link in your address
bar keeps the day, the layers, the basemap and the place: share it to show the
same view.

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
