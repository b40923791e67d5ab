"""Pure date logic: which features stand on a given day.

Dates are ISO ``YYYY-MM-DD`` strings in the data; ISO strings order like the
dates they name, so comparisons need no parsing. An empty ``end`` means the
feature is still ongoing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

#: The period the map covers (the slider's and the snapshot command's range):
#: from the presidential election of 9 Aug 2020 to the end of 2022.
CRISIS_START = dt.date(2020, 8, 9)
CRISIS_END = dt.date(2022, 12, 31)
#: The day the page opens on: the peak of the standoff at Kuźnica–Bruzgi.
DEFAULT_DAY = dt.date(2021, 11, 13)


class DateOutOfRange(ValueError):
    """A day that is malformed or outside the map's period."""


def parse_day(text: str, start: dt.date = CRISIS_START, end: dt.date = CRISIS_END) -> dt.date:
    """Parse a ``YYYY-MM-DD`` day inside ``[start, end]``.

    Parameters
    ----------
    text
        The day as typed by a user or found in a URL.
    start, end
        The valid range, inclusive.

    Returns
    -------
    datetime.date

    Raises
    ------
    DateOutOfRange
        With a one-line message naming the value and the valid range.

    """
    valid = f"valid range is {start.isoformat()} to {end.isoformat()}"
    try:
        if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DateOutOfRange(f"invalid date {text!r}: expected YYYY-MM-DD; {valid}") from None
    if not start <= day <= end:
        raise DateOutOfRange(f"date {text} is outside the map's period: {valid}")
    return day


def active_mask(starts: pd.Series, ends: pd.Series, day: dt.date) -> pd.Series:
    """Boolean mask: start ≤ day ≤ end, an empty end meaning ongoing.

    Parameters
    ----------
    starts, ends
        ISO date strings; ``ends`` may hold "" or missing values.
    day
        The day asked about.

    """
    iso = day.isoformat()
    ends = ends.fillna("").astype(str)
    return (starts.astype(str) <= iso) & ((ends == "") | (ends >= iso))


def active_on(frame: gpd.GeoDataFrame, day: dt.date) -> gpd.GeoDataFrame:
    """Return a new frame with the features of ``frame`` active on ``day``.

    Parameters
    ----------
    frame
        Features with ``start`` and ``end`` columns (ISO text, empty end =
        ongoing). A frame without ``start`` (an undated layer such as the
        border lines) stands for the whole period.
    day
        The day asked about.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy; ``frame`` is not changed.
    """
    if "start" not in frame.columns:
        return frame.copy()
    end = frame["end"] if "end" in frame.columns else pd.Series("", index=frame.index)
    return frame.loc[active_mask(frame["start"], end, day)].copy()


def _format_day(iso: str, precision: str) -> str:
    """An ISO date in words, only as precise as it is known."""
    day = dt.date.fromisoformat(iso)
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return day.strftime("%b %Y")
    return f"{day.day} {day.strftime('%b %Y')}"


def describe_period(start: str, end: str, precision: str = "day") -> str:
    """A feature's dates for a reader, e.g. ``"8 Nov 2021 – 17 Nov 2021"``.

    Parameters
    ----------
    start, end
        ISO dates; ``end`` may be empty (still ongoing).
    precision
        ``day``, ``month`` or ``year``: how precisely the dates are known.
        Less than a day is said in words, so nobody reads a month as a day.

    """
    first = _format_day(start, precision)
    last = _format_day(end, precision) if end else ""
    if not end:
        text = f"since {first} (ongoing)"
    elif last == first:
        text = first
    else:
        text = f"{first} – {last}"
    if precision != "day":
        text += f" ({precision} precision)"
    return text


def clamp(day: dt.date, start: dt.date = CRISIS_START, end: dt.date = CRISIS_END) -> dt.date:
    """``day`` moved inside ``[start, end]``."""
    return min(max(day, start), end)


def step(day: dt.date, days: int) -> dt.date:
    """The day ``days`` away from ``day`` (negative: back), kept inside the period."""
    return clamp(day + dt.timedelta(days=days))


def previous_change(changes: list[dt.date], day: dt.date) -> dt.date | None:
    """The last day of ``changes`` (sorted) strictly before ``day``, or None."""
    index = bisect.bisect_left(changes, day)
    return changes[index - 1] if index else None


def next_change(changes: list[dt.date], day: dt.date) -> dt.date | None:
    """The first day of ``changes`` (sorted) strictly after ``day``, or None."""
    index = bisect.bisect_right(changes, day)
    return changes[index] if index < len(changes) else None


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the ISO week that holds ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@dataclass(frozen=True)
class Progress:
    """How much of a fence stood on a day, and how that is known."""

    built_km: float
    interpolated: bool
    basis: str
    sources: tuple[str, ...]


def fence_built_by(progress: list[dict], start: str, day: dt.date) -> Progress | None:
    """Kilometres of a fence standing on ``day``.

    Parameters
    ----------
    progress
        Sourced points ``{"date", "built_km", "sources"}``, dates increasing.
    start
        The day construction began (0 km), ISO.
    day
        The day asked about.

    Returns
    -------
    Progress or None
        None before ``start``. On a sourced day, that figure; between two
        sourced points (the start counting as 0 km), the linear interpolation,
        flagged; after the last point, the last figure carried forward.
    """
    iso = day.isoformat()
    if iso < start:
        return None
    if iso == start and not any(p["date"] == start for p in progress):
        return Progress(0.0, False, "construction began on this day", ())
    points = [(start, 0.0, ())] + [
        (p["date"], float(p["built_km"]), tuple(p.get("sources") or ()))
        for p in progress
        if p["date"] >= start
    ]
    for (d0, km0, src0), (d1, km1, src1) in itertools.pairwise(points):
        if iso == d1:
            return Progress(km1, False, f"reported for {_format_day(d1, 'day')}", src1)
        if d0 <= iso < d1:
            if iso == d0 and src0:
                return Progress(km0, False, f"reported for {_format_day(d0, 'day')}", src0)
            span = (dt.date.fromisoformat(d1) - dt.date.fromisoformat(d0)).days
            done = (day - dt.date.fromisoformat(d0)).days
            km = km0 + (km1 - km0) * done / span
            basis = (
                f"interpolated between {km0:g} km on {_format_day(d0, 'day')} "
                f"and {km1:g} km on {_format_day(d1, 'day')}"
            )
            return Progress(round(km, 1), True, basis, tuple(dict.fromkeys(src0 + src1)))
    last_day, last_km, last_src = points[-1]
    if last_day == start and not last_src:
        return Progress(0.0, False, "construction started; no length reported yet", ())
    return Progress(last_km, False, f"last reported figure, for {_format_day(last_day, 'day')}", last_src)


def count_on(counts: list[dict], day: dt.date) -> dict | None:
    """The latest sourced count made on or before ``day`` (dates increasing), or None."""
    iso = day.isoformat()
    found = None
    for item in counts:
        if item["date"] <= iso:
            found = item
    return found


def period_on(periods: list[dict], day: dt.date) -> dict | None:
    """The period of ``periods`` (``start``/``end``, "" = ongoing) that holds ``day``, or None."""
    iso = day.isoformat()
    for item in periods:
        if item["start"] <= iso and (item["end"] == "" or iso <= item["end"]):
            return item
    return None
