"""What the chosen day means in numbers: the headline figures beside the map.

Pure functions of the day's frames (from :mod:`mapapp.snapshot`) and the
monthly table; every figure keeps the sources it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

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


def metric_words(metric: str) -> str:
    """A metric for a reader: ``prevented_entries_cumulative`` → "Entries prevented (running total)"."""
    base = metric.removesuffix("_cumulative")
    words = HEADLINE_METRICS.get(base, base.replace("_", " "))
    return words.capitalize() + (" (running total)" if metric.endswith("_cumulative") else "")


@dataclass(frozen=True)
class Figure:
    """One headline figure with what it counts and where it comes from."""

    label: str
    value: str
    detail: str
    sources: tuple[str, ...] = field(default_factory=tuple)


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
    """
    label = "People at the border camps"
    if camps is None or camps.empty:
        return Figure(label, "none", "No makeshift camp or border logistics centre stood on this day.")
    at_border = camps[camps["kind"].isin(BORDER_CAMP_KINDS)]
    counted = at_border[at_border["people_on_day"].notna()]
    if at_border.empty:
        return Figure(label, "none", "No makeshift camp or border logistics centre stood on this day.")
    if counted.empty:
        names = ", ".join(at_border["name"])
        return Figure(label, "no count", f"Standing, but no count in the sources yet: {names}.")
    total = int(counted["people_on_day"].sum())
    parts = [
        f"{row.name}: {int(row.people_on_day):,} "
        f"({_day(row.people_on_day_date)}{_age(row.people_on_day_date, day)})"
        for row in counted.itertuples(index=False)
    ]
    uncounted = at_border[at_border["people_on_day"].isna()]
    if len(uncounted):
        parts.append("not counted: " + ", ".join(uncounted["name"]))
    sources = tuple(dict.fromkeys(url for urls in counted["people_on_day_sources"] for url in urls))
    return Figure(label, f"{total:,}", "Latest counts by this day — " + "; ".join(parts), sources)


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
    figures = []
    for code, name in COUNTRY_NAMES.items():
        rows = fences[fences["country"] == code] if fences is not None else pd.DataFrame()
        label = f"Fence standing: {name}"
        if rows.empty:
            figures.append(Figure(label, "none", "No fence built by this day in the data."))
            continue
        rows = rows.sort_values("built_km", ascending=False)
        parts, sources = [], []
        for row in rows.itertuples(index=False):
            # Two barriers may share a kind (Poland's 2021 razor wire): name each one.
            name = (
                row.name.split(": ", 1)[-1]
                if isinstance(row.name, str)
                else kind_labels.get(row.kind, row.kind)
            )
            text = f"{name[:1].upper()}{name[1:]}: {row.built_km:,.0f} of {row.planned_km:,.0f} km"
            if row.built_km_interpolated:
                text += " (interpolated)"
            elif row.built_km_basis.startswith("last reported"):
                text += f" ({row.built_km_basis})"
            parts.append(text)
            sources.extend(row.built_km_sources or row.sources)
        top = rows.iloc[0]
        value = f"{top['built_km']:,.0f} km"
        figures.append(Figure(label, value, "; ".join(parts), tuple(dict.fromkeys(sources))))
    return figures


def month_figures(monthly: pd.DataFrame, day: dt.date) -> list[Figure]:
    """The month's attempted crossings (or the border guard's other monthly count) per country.

    Parameters
    ----------
    monthly
        The monthly table (:data:`mapapp.data.MONTHLY_COLUMNS`).
    day
        Any day of the month asked about.

    Returns
    -------
    list of Figure
        One per EU country. Where sources disagree the range is given and
        every figure is listed. Without a monthly figure, a running total is
        shown only if one was reported in that very month, with what it
        counts; a figure of another month or another measure never stands in.
    """
    month = f"{day.year:04d}-{day.month:02d}"
    words = day.strftime("%B %Y")
    figures = []
    for code, name in COUNTRY_NAMES.items():
        label = f"{name}, {words}"
        rows = monthly[(monthly["country"] == code) & (monthly["month"] == month)]
        chosen = next((m for m in HEADLINE_METRICS if (rows["metric"] == m).any()), None)
        if chosen is None:
            figures.append(_reported_this_month(rows, label))
            continue
        picked = rows[rows["metric"] == chosen]
        values = sorted({int(v) for v in picked["value"]})
        value = f"{values[0]:,}" if len(values) == 1 else f"{values[0]:,}–{values[-1]:,}"
        detail = HEADLINE_METRICS[chosen]
        if len(values) > 1:
            detail += " (sources differ: " + "; ".join(f"{v:,}" for v in values) + ")"
        notes = [n for n in picked["notes"] if n]
        if notes:
            detail += ". " + " ".join(dict.fromkeys(notes))
        figures.append(Figure(label, value, detail, tuple(dict.fromkeys(picked["source_url"]))))
    return figures


def _reported_this_month(rows: pd.DataFrame, label: str) -> Figure:
    """No monthly figure: the running totals reported in that month, said as what they count."""
    totals = rows[rows["metric"].str.endswith("_cumulative")]
    if totals.empty:
        return Figure(label, "no figure", "No figure for this month in the sources.")
    latest = totals.iloc[-1]
    detail = (
        f"No monthly figure. Running total reported this month ({metric_words(latest['metric']).lower()}): "
        f"{latest['notes']}"
    )
    return Figure(label, f"{int(latest['value']):,} (running total)", detail, (latest["source_url"],))


def chart_points(monthly: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of one monthly metric, ready to plot (a ``date`` mid-month, country names).

    Returns a new frame; ``monthly`` is not changed.
    """
    rows = monthly[monthly["metric"] == metric].copy()
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
