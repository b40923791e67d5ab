"""What the chosen day means in numbers: the headline figures beside the map.

Pure functions of the day's frames (from :mod:`mapapp.snapshot`) and the
monthly table; every figure keeps the sources it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from mapapp.data import MONTHLY_BASIS_COLUMNS, MONTHLY_METRICS
from mapapp.layers import EU_COLOURS
from mapapp.timeline import week_of

#: Camp kinds that stand at the border itself (the people "at the border").
BORDER_CAMP_KINDS = ("makeshift_camp", "logistics_centre")
#: Monthly metrics in the order a headline prefers them, and their words.
HEADLINE_METRICS = {
    "attempted_crossings": "attempted crossings",
    "prevented_entries": "entries prevented",
    "detentions": "people detained",
}
COUNTRY_NAMES = {code: name for code, (_, name) in EU_COLOURS.items()}


#: The basis of a non-monthly metric, in words (see ``MONTHLY_BASES`` in :mod:`mapapp.data`).
BASIS_WORDS = {
    "year_total": "whole-year total",
    "period_total": "total for a stated period",
    "running_total": "running total",
    "cumulative": "running total",
}
#: How a source states its number (``value_kind``), as a prefix.
VALUE_KIND_WORDS = {"exact": "", "rounded": "", "about": "about ", "over": "over ", "under": "almost "}
#: Longest name or label from the data a headline figure quotes whole (the longest in geodata is 92).
BRIEF_LIMIT = 160


def brief(text: object) -> str:
    """Data text as a headline figure quotes it: cut to :data:`BRIEF_LIMIT` characters with "…".

    A figure is written down again for every day its numbers change (in the
    app's caption and in the reader edition's day figures, :mod:`mapapp.pagedata`),
    so a name of 100,000 characters would otherwise be repeated hundreds of
    times. The popup still gives the whole text.
    """
    text = str(text)
    return text if len(text) <= BRIEF_LIMIT else text[: BRIEF_LIMIT - 1] + "…"


def metric_words(metric: str) -> str:
    """A metric for a reader: ``prevented_entries_running_total`` → "Entries prevented (running total)"."""
    for suffix, words in BASIS_WORDS.items():
        if metric.endswith("_" + suffix):
            base = metric.removesuffix("_" + suffix)
            return HEADLINE_METRICS.get(base, base.replace("_", " ")).capitalize() + f" ({words})"
    return HEADLINE_METRICS.get(metric, metric.replace("_", " ")).capitalize()


@dataclass(frozen=True)
class Reading:
    """One source's figure, as that source gives it: the number, its period, who counted what, the page."""

    value: str
    period: str
    counts: str
    body: str
    source: str
    #: How the source states the number: its ``value_kind`` (``exact``, ``rounded``, ``about``…).
    kind: str = "exact"

    def __str__(self) -> str:
        who = f"{brief(self.body)}: " if self.body else ""
        what = f", {brief(self.counts)}" if self.counts else ""
        return f"{self.value} ({who}{self.period}{what})"


@dataclass(frozen=True)
class Figure:
    """One headline figure with what it counts and where it comes from."""

    label: str
    value: str
    detail: str
    sources: tuple[str, ...] = field(default_factory=tuple)
    #: Every source's own figure, side by side, where the figure rests on several (disputes included).
    readings: tuple[Reading, ...] = field(default_factory=tuple)


def camp_readings(counts: object, day: dt.date | None) -> tuple[Reading, ...]:
    """The latest count of each counting side made by ``day``, newest first.

    Parameters
    ----------
    counts
        A camp's ``counts`` list: items ``{"date", "people", "sources", "by"?, "counts"?, "value_kind"?,
        "estimates"?}``, where ``estimates`` holds other sides' counts of the same day.
    day
        The day shown; None for all counts.

    Returns
    -------
    tuple of Reading
        One per counting side (``by``; items without it form one side), each
        with its date as ``period``.
    """
    if not isinstance(counts, list):
        return ()
    latest: dict[str, tuple[str, Reading]] = {}
    for item in counts:
        if not isinstance(item, dict) or (day is not None and item.get("date", "") > day.isoformat()):
            continue
        for entry in [item, *(item.get("estimates") or [])]:
            reading = Reading(
                stated(entry["people"], entry.get("value_kind", "exact")),
                _day(item["date"]),
                entry.get("counts", ""),
                entry.get("by", ""),
                (entry.get("sources") or [""])[0],
                entry.get("value_kind", "exact"),
            )
            latest[entry.get("by", "")] = (item["date"], reading)
    ordered = sorted(latest.values(), key=lambda pair: pair[0], reverse=True)
    return tuple(reading for _, reading in ordered)


def camp_people(camps: gpd.GeoDataFrame | None, day: dt.date | None = None) -> Figure:
    """People at the border camps on the day: the latest count of each camp standing.

    Parameters
    ----------
    camps
        The camps standing on the day, with ``people_on_day`` (from
        :func:`mapapp.snapshot.camps_on`); None when the layer is off.
    day
        The day shown: a count made more than two weeks before it says how old it is.

    Returns
    -------
    Figure
        The sum of the camps' latest counts; where one camp stands and the
        sides that counted it disagree on its latest day, their numbers side by
        side instead ("about 2,000 · about 3,500"), every side's latest count
        in ``readings`` and the detail.
    """
    label = "People at the border camps"
    # Plain records: a handful of rows, where pandas' per-operation cost would dominate.
    rows = camps.to_dict("records") if camps is not None else []
    at_border = [r for r in rows if r["kind"] in BORDER_CAMP_KINDS]
    counted = [r for r in at_border if pd.notna(r["people_on_day"])]
    if not at_border:
        return Figure(label, "none", "No makeshift camp or border logistics centre stood on this day.")
    if not counted:
        names = ", ".join(brief(r["name"]) for r in at_border)
        return Figure(label, "no count", f"Standing, but no count in the sources yet: {names}.")
    total = int(sum(r["people_on_day"] for r in counted))
    parts, readings = [], []
    for row in counted:
        sides = camp_readings(row.get("counts"), day)
        readings.extend(sides)
        if len(sides) > 1:
            # Each side's own latest count, never an average or a range.
            parts.append(f"{brief(row['name'])}: " + "; ".join(str(r) for r in sides))
        else:
            when = row["people_on_day_date"]
            parts.append(
                f"{brief(row['name'])}: {int(row['people_on_day']):,} ({_day(when)}{_age(when, day)})"
            )
    uncounted = [brief(r["name"]) for r in at_border if not pd.notna(r["people_on_day"])]
    if uncounted:
        parts.append("not counted: " + ", ".join(uncounted))
    sources = tuple(dict.fromkeys(url for r in counted for url in r["people_on_day_sources"]))
    value = f"{total:,}"
    newest = [r for r in readings if readings and r.period == readings[0].period]
    if len(counted) == 1 and len({r.value for r in newest}) > 1:
        value = " · ".join(dict.fromkeys(r.value for r in newest))
        sources = tuple(dict.fromkeys([*sources, *(r.source for r in readings if r.source)]))
    detail = "Latest counts by this day — " + "; ".join(parts)
    return Figure(label, value, detail, sources, tuple(readings))


def fence_km(fences: gpd.GeoDataFrame | None, kind_labels: dict[str, str]) -> list[Figure]:
    """Kilometres of fence standing on the day, one figure per country.

    Kinds are listed apart, not added up: razor wire and a wall may stand on
    the same stretch of border.

    Parameters
    ----------
    fences
        The fences standing on the day (from :func:`mapapp.snapshot.fences_on`);
        None when the layer is off.
    kind_labels
        Fence kind → words.

    Returns
    -------
    list of Figure
        One per EU country, "none" where no fence stood.
    """
    # Plain records: a handful of rows, where pandas' per-operation cost would dominate.
    records = fences.to_dict("records") if fences is not None else []
    figures = []
    for code, name in COUNTRY_NAMES.items():
        label = f"Fence standing: {name}"
        rows = sorted((r for r in records if r["country"] == code), key=lambda r: r["built_km"], reverse=True)
        if not rows:
            figures.append(Figure(label, "none", "No fence built by this day in the data."))
            continue
        parts, sources = [], []
        for row in rows:
            # Two barriers may share a kind (Poland's 2021 razor wire): name each one.
            name = brief(
                row["name"].split(": ", 1)[-1]
                if isinstance(row["name"], str)
                else kind_labels.get(row["kind"], row["kind"])
            )
            text = f"{name[:1].upper()}{name[1:]}: {km_words(row['built_km'])} of {row['planned_km']:,.0f} km"
            if row["built_km_interpolated"]:
                text += " (interpolated)"
            elif row["built_km_basis"].startswith("last reported"):
                text += f" ({row['built_km_basis']})"
            parts.append(text)
            sources.extend(row["built_km_sources"] or row["sources"])
        value = f"{km_words(rows[0]['built_km'])} km"
        figures.append(Figure(label, value, "; ".join(parts), tuple(dict.fromkeys(sources))))
    return figures


def km_words(km: float) -> str:
    """A length standing, to the tenth of a km the popups and the list also show: 122.5, 135, 1,004.2.

    Whole kilometres alone would round 0.5 km to "0" and 122.5 to "122" (half to
    even) beside a popup that says 122.5.
    """
    return f"{km:,.1f}".removesuffix(".0")


def stated(value: float, kind: str) -> str:
    """A number as its source states it: ``(17300, "under")`` → "almost 17,300"."""
    return VALUE_KIND_WORDS.get(kind, "") + f"{int(value):,}"


def describe_basis(row: dict) -> str:
    """The period a figure covers, in words: "October 2021", "2020", "1 Jan 2021 to 12 Aug 2021"."""
    start, end, basis = row.get("period_start", ""), row.get("period_end", ""), row.get("basis", "")
    if not end:
        return row.get("month", "")
    last = dt.date.fromisoformat(end)
    end_words = f"{last:%B %Y}" if row.get("end_precision") == "month" else _day(end)
    if basis == "month":
        return f"{last:%B %Y}"
    if basis == "year":
        return f"{last.year}"
    if not start:
        return f"to {end_words} (start not stated)"
    return f"{_day(start)} to {end_words}"


def readings_of(rows: pd.DataFrame) -> tuple[Reading, ...]:
    """The figures of ``rows`` as readings, the exact ones first, each with its own source."""
    records = rows.to_dict("records")
    records.sort(key=lambda r: (r.get("value_kind", "") not in ("", "exact"), -r["value"]))
    return tuple(
        Reading(
            stated(r["value"], r.get("value_kind", "")),
            describe_basis(r),
            r.get("counts", ""),
            r.get("body", ""),
            r["source_url"],
            r.get("value_kind") or "exact",
        )
        for r in records
    )


def side_by_side(readings: tuple[Reading, ...], limit: int = 3) -> str:
    """The distinct numbers of some readings for a headline, exact ones only when there are any.

    Rounded and approximate figures that accompany an exact one are the same
    count reported loosely; they stay in the detail. Where the exact figures
    themselves differ, each is shown: "7,535 · 7,667".
    """
    exact = [r.value for r in readings if r.kind == "exact"]
    values = list(dict.fromkeys(exact or [r.value for r in readings]))
    shown = " · ".join(values[:limit])
    return shown + (" · …" if len(values) > limit else "")


def month_figures(monthly: pd.DataFrame, day: dt.date) -> list[Figure]:
    """The month's attempted crossings (or the border guard's other monthly count) per country.

    Parameters
    ----------
    monthly
        The monthly table with its basis columns (:func:`mapapp.data.read_monthly`).
    day
        Any day of the month asked about.

    Returns
    -------
    list of Figure
        One per EU country. Only figures covering exactly that calendar month
        count as the month's; where sources disagree, each source's number is
        given side by side (``readings``), never a range. Without a monthly
        figure, the running totals that end in that month are shown, each with
        its period, counting body and what it counts; a figure of another month
        or another measure never stands in.
    """
    month = f"{day.year:04d}-{day.month:02d}"
    words = day.strftime("%B %Y")
    figures = []
    monthly = _typed(monthly)
    for code, name in COUNTRY_NAMES.items():
        label = f"{name}, {words}"
        rows = monthly[(monthly["country"] == code) & (monthly["month"] == month)]
        whole = rows[rows["basis"] == "month"]
        chosen = next((m for m in HEADLINE_METRICS if (whole["metric"] == m).any()), None)
        if chosen is None:
            figures.append(_reported_this_month(rows[rows["basis"] != "month"], label))
            continue
        picked = whole[whole["metric"] == chosen]
        readings = readings_of(picked)
        bodies = ", ".join(dict.fromkeys(b for b in picked["body"] if b))
        detail = HEADLINE_METRICS[chosen] + (f" ({bodies})" if bodies else "")
        detail += ". Each source: " + "; ".join(f"{r.value} [{n}]" for n, r in enumerate(readings, start=1))
        notes = [n for n in picked["notes"] if n]
        if notes:
            detail += ". " + " ".join(dict.fromkeys(notes))
        sources = tuple(r.source for r in readings)
        figures.append(Figure(label, side_by_side(readings), detail, sources, readings))
    return figures


def _typed(monthly: pd.DataFrame) -> pd.DataFrame:
    """The table with basis columns; a bare legacy frame gets calendar months for its monthly metrics."""
    if "basis" in monthly.columns:
        return monthly
    typed = monthly.copy()
    for name in MONTHLY_BASIS_COLUMNS:
        typed[name] = ""
    typed.loc[typed["metric"].isin(MONTHLY_METRICS), "basis"] = "month"
    return typed


def _reported_this_month(rows: pd.DataFrame, label: str) -> Figure:
    """No monthly figure: the latest figure of each running series ending this month, side by side."""
    if rows.empty:
        return Figure(label, "no figure", "No figure for this month in the sources.")
    order = {m: i for i, m in enumerate(HEADLINE_METRICS)}
    rows = rows.assign(
        _base=rows["metric"].str.replace(r"_(year|period|running)_total$|_cumulative$", "", regex=True),
        _end=rows["period_end"].where(rows["period_end"] != "", rows["month"]),
    )
    rows = rows.assign(_rank=rows["_base"].map(order).fillna(len(order)))
    # One reading per series: its latest figure this month.
    latest = (
        rows.sort_values(["_rank", "_end"])
        .groupby(["metric", "body", "period_start"], sort=False)
        .tail(1)
        .sort_values(["_rank", "_end"], ascending=[True, False])
    )
    # Keep the series order; a figure without ``counts`` (a legacy row) says its metric instead.
    readings = [
        replace(reading, counts=reading.counts or metric_words(metric).lower())
        for reading, metric in zip(
            (readings_of(latest.iloc[[n]])[0] for n in range(len(latest))), latest["metric"], strict=True
        )
    ]
    first = latest.iloc[0]
    kind = metric_words(first["metric"]).lower()
    parts = [f"{r} [{n}]" for n, r in enumerate(readings, start=1)]
    detail = f"No monthly figure. Totals reported to a day of this month ({kind} first): " + "; ".join(parts)
    if first["notes"]:
        detail += f". {first['notes']}"
    # Other bodies' figures for the very same metric and period stand beside the first one.
    same = [
        reading
        for reading, r in zip(readings, latest.to_dict("records"), strict=True)
        if (r["metric"], r["period_start"], r["period_end"])
        == (first["metric"], first["period_start"], first["period_end"])
    ]
    words = BASIS_WORDS.get(f"{first['basis']}_total", "running total")
    value = f"{side_by_side(tuple(same))} ({words})"
    return Figure(label, value, detail, tuple(r.source for r in readings), tuple(readings))


def chart_points(monthly: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of one monthly metric, ready to plot (a ``date`` mid-month, country names).

    Returns a new frame; ``monthly`` is not changed.
    """
    monthly = _typed(monthly)
    rows = monthly[(monthly["metric"] == metric) & (monthly["basis"] == "month")].copy()
    rows["date"] = pd.to_datetime(rows["month"] + "-15")
    rows["country_name"] = rows["country"].map(COUNTRY_NAMES)
    return rows


def chart_line(points: pd.DataFrame) -> pd.DataFrame:
    """One value per country and month (the median where sources differ), in runs of consecutive months.

    ``run`` numbers each stretch of consecutive months per country, so a line
    drawn per run never bridges a month without a figure.
    """
    line = points.groupby(["country_name", "month"], as_index=False).agg(
        value=("value", "median"), date=("date", "first")
    )
    line = line.sort_values(["country_name", "month"])
    months = pd.PeriodIndex(line["month"], freq="M")
    ordinal = pd.Series(months.year * 12 + months.month, index=line.index)
    gap = ordinal.groupby(line["country_name"]).diff().ne(1)
    line["run"] = line["country_name"] + "-" + gap.cumsum().astype(str)
    return line


def week_events(events: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """Events that happen in the ISO week (Monday–Sunday) holding ``day``, by date.

    Parameters
    ----------
    events
        All events (not only the day's).
    day
        The day shown.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame; events of day precision only (a month-precision event has
        no week).
    """
    monday, sunday = week_of(day)
    mask = (
        (events["date_precision"] == "day")
        & (events["start"] <= sunday.isoformat())
        & (events["start"] >= monday.isoformat())
    )
    return events.loc[mask].sort_values(["start", "name"]).copy()


#: A count older than this many days says its age.
STALE_AFTER_DAYS = 14


def _age(iso: str, day: dt.date | None) -> str:
    """The age of a figure older than ``STALE_AFTER_DAYS`` (", 56 days before this day"), else ""."""
    if day is None:
        return ""
    days = (day - dt.date.fromisoformat(iso)).days
    return f", {days} days before this day" if days > STALE_AFTER_DAYS else ""


def _day(iso: str) -> str:
    """``2021-11-16`` → ``16 Nov 2021``."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"
