"""What the page shows beside the map for one day: the headline figures and the week's events.

The map draws every day itself in the browser; the page around it needs only
these few figures for the day the map rests on. They are small and quick to
compute (a few milliseconds), so the page keeps a small number of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd

from mapapp import figures, snapshot
from mapapp.data import Dataset
from mapapp.layers import CAMPS, EVENTS, FENCES


@dataclass(frozen=True)
class DayFigures:
    """The figures of one day, shared read-only between sessions."""

    camp_people: figures.Figure
    fence_km: list[figures.Figure]
    month: list[figures.Figure]
    week: gpd.GeoDataFrame


def day_figures(dataset: Dataset, day: dt.date) -> DayFigures:
    """The headline figures and the week's events for ``day``.

    Parameters
    ----------
    dataset
        The loaded data.
    day
        The day shown.

    Returns
    -------
    DayFigures
        People at the border camps, fence standing per country, the month's
        reported crossings, and the events of the day's week.
    """
    frames = snapshot.frames_on(dataset, day, [CAMPS.id, FENCES.id])
    kind_labels = {k: v[1] for k, v in FENCES.colours.items()}
    return DayFigures(
        camp_people=figures.camp_people(frames.get(CAMPS.id), day),
        fence_km=figures.fence_km(frames.get(FENCES.id), kind_labels),
        month=figures.month_figures(dataset.monthly, day),
        week=figures.week_events(dataset.frame(EVENTS.id), day),
    )
