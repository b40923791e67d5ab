"""What the page around the map shows on every day, compiled once for a static page.

The reader edition (:mod:`mapapp.reader`) has no server to ask for the day's
figures, so they are worked out here for every day of the period by the same
functions the app's page uses (:mod:`mapapp.dayview`, :mod:`mapapp.figures`),
and written down once: each distinct figure, week of events and month once,
and per day only which of them apply (run-length encoded, as in
:mod:`mapapp.compiled`). The browser looks them up and never works them out.

Text from the data reaches the document either as plain strings (shown with
``textContent``) or as HTML made here by :mod:`mapapp.render.text` (escaped,
links only for http(s) sources), exactly as in the app.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from mapapp import compiled, dayview, figures, snapshot
from mapapp.data import Dataset
from mapapp.layers import EU_COLOURS, EVENTS
from mapapp.render import text
from mapapp.timeline import CRISIS_END, CRISIS_START, week_of

#: Changes when the document's format changes (the browser checks it).
FORMAT = 1
#: Columns of the monthly table the page lists under the chart, with their headings.
TABLE_COLUMNS = (
    ("country", "Country"),
    ("month", "Month"),
    ("metric", "Measure"),
    ("value", "Value"),
    ("value_kind", "Stated as"),
    ("basis", "Basis"),
    ("period_start", "Period from"),
    ("period_end", "Period to"),
    ("body", "Counted by"),
    ("counts", "What it counts"),
    ("notes", "Notes"),
    ("source_url", "Source"),
)
#: What a point of the chart holds, in order.
CHART_POINT_COLUMNS = ["date", "value", "country_name", "month", "body", "counts", "notes", "source_url"]
#: What an event's row adds when its place is not exact (as in the app's list).
WHERE_WORDS = {"approximate": " (approximate place)", "region": " (region only)"}


class _Table:
    """Distinct values in order of first use, each written once; callers keep its index."""

    def __init__(self) -> None:
        self.items: list = []
        self._index: dict[str, int] = {}

    def add(self, value) -> int:
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(value)
        return self._index[key]


def _runs(values: list) -> list[list]:
    """``[first day index, value]`` for each stretch of days with the same value."""
    runs: list[list] = []
    for index, value in enumerate(values):
        if not runs or runs[-1][1] != value:
            runs.append([index, value])
    return runs


def _figure(figure: figures.Figure) -> list[str]:
    """A figure for the page: label and value (plain text), and its detail with source links (HTML)."""
    return [figure.label, figure.value, text.page_text(figure.detail, figure.sources)]


def _week(dataset: Dataset, day: dt.date) -> dict:
    """The events of the week holding ``day``: its heading, and a row per event with where to show it."""
    monday, sunday = week_of(day)
    rows = []
    for row in figures.week_events(dataset.frame(EVENTS.id), day).itertuples(index=False):
        when = dt.date.fromisoformat(row.start)
        point = row.geometry.representative_point()
        rows.append(
            {
                "id": str(row.id),
                "day": row.start,
                "when": f"{when:%a %d %b}",
                "name": str(row.name),
                "where": WHERE_WORDS.get(row.geo_precision, ""),
                "precision": str(row.geo_precision),
                "lat": round(point.y, 5),
                "lon": round(point.x, 5),
            }
        )
    return {"title": f"Events in the week of {monday:%d %b} – {sunday:%d %b %Y}", "events": rows}


def _json_safe(rows: pd.DataFrame, columns: list[str]) -> list[list]:
    """The rows of a frame as lists of JSON values (dates as ISO text, missing as None)."""
    out = []
    for record in rows[columns].to_dict("records"):
        values = []
        for name in columns:
            value = record[name]
            if isinstance(value, pd.Timestamp):
                value = value.date().isoformat()
            values.append(snapshot.json_safe(value))
        out.append(values)
    return out


def chart_document(dataset: Dataset) -> dict:
    """The monthly chart of every headline measure, and the whole table of figures under it.

    Returns
    -------
    dict
        ``countries`` (name → colour, in the app's order), ``metrics`` (per
        measure: ``id``, ``title``, ``points`` as ``[date, value, country, month,
        body, counts, notes, source]`` and ``lines`` as runs of consecutive
        months ``{country, points: [[date, value], …]}``, the same points and
        runs as the app's Vega-Lite chart), and ``table`` (``columns`` and
        ``rows`` of the monthly table, every figure with its source).
    """
    monthly = dataset.monthly
    metrics = []
    for metric in (m for m in figures.HEADLINE_METRICS if (monthly["metric"] == m).any()):
        points = figures.chart_points(monthly, metric).sort_values(["date", "country", "source_url"])
        for column in ("body", "counts", "notes"):
            if column not in points.columns:
                points[column] = ""
        line = figures.chart_line(points)
        runs = [
            {"country": str(group["country_name"].iloc[0]), "points": _json_safe(group, ["date", "value"])}
            for _, group in line.groupby("run", sort=True)
        ]
        metrics.append(
            {
                "id": metric,
                "title": figures.metric_words(metric),
                "points": _json_safe(points, CHART_POINT_COLUMNS),
                "lines": runs,
            }
        )
    present = [name for name, _ in TABLE_COLUMNS if name in monthly.columns]
    # The table for readers: country names and measures in words, as the chart and figures say them.
    readable = monthly.assign(
        country=monthly["country"].map(lambda c: figures.COUNTRY_NAMES.get(c, c)),
        metric=monthly["metric"].map(figures.metric_words),
    )
    return {
        "countries": {name: colour for colour, name in EU_COLOURS.values()},
        # The same time axis as the app's chart (mapapp/page/chart.py).
        "domain": [CRISIS_START.replace(day=1).isoformat(), CRISIS_END.isoformat()],
        "metrics": metrics,
        "table": {
            "columns": [[name, title] for name, title in TABLE_COLUMNS if name in present],
            "rows": _json_safe(readable, present),
        },
    }


def compile_pages(dataset: Dataset) -> dict:
    """The page's figures for every day of the period, and its chart.

    Parameters
    ----------
    dataset
        The loaded, validated data.

    Returns
    -------
    dict
        ``figures`` (each distinct figure once: ``[label, value, detail
        HTML]``), ``weeks`` (each distinct week: its heading and events),
        ``standing`` (runs of ``[first day index, [camp figure, fence figure
        per country…]]``), ``months`` (runs of ``[first day index, [figure per
        country…]]``), ``week`` (runs of ``[first day index, week]``), all as
        indexes into ``figures`` and ``weeks``; and ``chart``
        (:func:`chart_document`).
    """
    table, weeks = _Table(), _Table()
    standing, months, week = [], [], []
    month_cache: dict[tuple[int, int], list[int]] = {}
    week_cache: dict[dt.date, int] = {}
    for index in range(compiled.DAYS):
        day = compiled.day_of(index)
        camp, fences = dayview.standing(dataset, day)
        standing.append([table.add(_figure(f)) for f in (camp, *fences)])
        key = (day.year, day.month)
        if key not in month_cache:
            month_cache[key] = [table.add(_figure(f)) for f in figures.month_figures(dataset.monthly, day)]
        months.append(month_cache[key])
        monday = week_of(day)[0]
        if monday not in week_cache:
            week_cache[monday] = weeks.add(_week(dataset, day))
        week.append(week_cache[monday])
    return {
        "format": FORMAT,
        "days": compiled.DAYS,
        "figures": table.items,
        "weeks": weeks.items,
        "standing": _runs(standing),
        "months": _runs(months),
        "week": _runs(week),
        "chart": chart_document(dataset),
    }
