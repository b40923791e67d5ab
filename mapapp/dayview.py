"""What the page shows beside the map for one day: the headline figures and the week's events.

The map draws every day itself in the browser; the page around it needs only
these few figures for the day the map rests on. Each part depends on less than
the whole day: the month's figures on the month, the week's events on the
week. The page keeps each part by what it depends on (see :mod:`mapapp.app`),
so a reader stepping through a month recomputes only what the day changes.
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


def standing(dataset: Dataset, day: dt.date) -> tuple[figures.Figure, list[figures.Figure]]:
    """What stands at the border on ``day``: people at the camps, and fence per country.

    Parameters
    ----------
    dataset
        The loaded data.
    day
        The day shown.

    Returns
    -------
    tuple
        The camp figure (:func:`mapapp.figures.camp_people`) and the fence
        figures (:func:`mapapp.figures.fence_km`).
    """
    frames = snapshot.frames_on(dataset, day, [CAMPS.id, FENCES.id])
    kind_labels = {k: v[1] for k, v in FENCES.colours.items()}
    return (
        figures.camp_people(frames.get(CAMPS.id), day),
        figures.fence_km(frames.get(FENCES.id), kind_labels),
    )


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
    camp_people, fence_km = standing(dataset, day)
    return DayFigures(
        camp_people=camp_people,
        fence_km=fence_km,
        month=figures.month_figures(dataset.monthly, day),
        week=figures.week_events(dataset.frame(EVENTS.id), day),
    )
