"""The monthly chart as a Vega-Lite spec: a pure builder, no Streamlit."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from mapapp import figures
from mapapp.layers import EU_COLOURS
from mapapp.timeline import CRISIS_END, CRISIS_START


def chart_spec(monthly: pd.DataFrame, metric: str) -> dict:
    """The Vega-Lite spec of one monthly metric per country (the day is added by :func:`with_day_marker`).

    Parameters
    ----------
    monthly
        The monthly table (:attr:`mapapp.data.Dataset.monthly`).
    metric
        One of :data:`mapapp.figures.HEADLINE_METRICS`.

    Returns
    -------
    dict
        A layered chart: points (one per source's figure, with who counted and
        the source in the tooltip) and a line through consecutive months.
    """
    points = figures.chart_points(monthly, metric)
    line = figures.chart_line(points)
    colours = alt.Scale(
        domain=list(figures.COUNTRY_NAMES.values()), range=[colour for colour, _ in EU_COLOURS.values()]
    )
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(domain=[CRISIS_START.replace(day=1).isoformat(), CRISIS_END.isoformat()]),
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


def with_day_marker(spec: dict, day: dt.date) -> dict:
    """A copy of a chart spec with a dashed rule at ``day``."""
    rule = {
        "mark": {"type": "rule", "color": "#424242", "strokeDash": [4, 3], "strokeWidth": 1.5},
        "data": {"values": [{"date": day.isoformat()}]},
        "encoding": {"x": {"field": "date", "type": "temporal"}},
    }
    return {**spec, "layer": [*spec["layer"], rule]}
