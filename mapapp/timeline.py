"""Pure date logic: which features stand on a given day.

Dates are ISO ``YYYY-MM-DD`` strings in the data; ISO strings order like the
dates they name, so comparisons need no parsing. An empty ``end`` means the
feature is still ongoing.
"""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import pandas as pd

#: The period the map covers (the slider's and the snapshot command's range).
CRISIS_START = dt.date(2021, 5, 1)
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


def days_in_period(start: dt.date = CRISIS_START, end: dt.date = CRISIS_END) -> int:
    """Number of days in the period, both ends included."""
    return (end - start).days + 1


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
