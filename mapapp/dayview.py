"""What the page shows for one day, computed once per process and ahead of the reader.

A date step is the app's most frequent action. Everything a day needs (the
frames of every layer, the drawings of the layers that change by day, the
headline figures and the week's events) is computed by :func:`compute`, kept in
a small per-process cache, and the next days are computed in a background
thread while the reader looks at the current one, so a step usually finds its
day ready.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd

from mapapp import figures, render, snapshot, timeline
from mapapp.data import Dataset
from mapapp.layers import CAMPS, EVENTS, FENCES, LAYERS, is_static


@dataclass(frozen=True)
class DayView:
    """One day of the map, shared read-only between sessions."""

    frames: dict[str, gpd.GeoDataFrame]
    drawings: dict[str, dict]
    bodies: dict[str, bytes]
    versions: dict[str, str]
    camp_people: figures.Figure
    fence_km: list[figures.Figure]
    month: list[figures.Figure]
    week: gpd.GeoDataFrame


def compute(dataset: Dataset, day: dt.date) -> DayView:
    """Everything the page shows for ``day``.

    Parameters
    ----------
    dataset
        The loaded data.
    day
        The day shown.

    Returns
    -------
    DayView
        Frames of every data layer, the linked drawings of the layers that
        change by day (:func:`mapapp.render.display_collection`) with their
        JSON and a version named by its hash, the headline figures and the
        week's events.
    """
    frames = snapshot.frames_on(dataset, day)
    drawings = {
        layer_id: render.display_collection(
            LAYERS[layer_id], frame, simplify=render.display_tolerance(layer_id), linked=True
        )
        for layer_id, frame in frames.items()
        if not is_static(LAYERS[layer_id])
    }
    kind_labels = {k: v[1] for k, v in FENCES.colours.items()}
    bodies = {
        layer_id: json.dumps(drawing, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for layer_id, drawing in drawings.items()
    }
    return DayView(
        frames=frames,
        drawings=drawings,
        bodies=bodies,
        versions={layer_id: hashlib.sha256(body).hexdigest()[:12] for layer_id, body in bodies.items()},
        camp_people=figures.camp_people(frames.get(CAMPS.id), day),
        fence_km=figures.fence_km(frames.get(FENCES.id), kind_labels),
        month=figures.month_figures(dataset.monthly, day),
        week=figures.week_events(dataset.frame(EVENTS.id), day),
    )


LOG = logging.getLogger(__name__)

#: Days computed ahead of the one shown: the next days first (stepping and Play
#: go forward), then a day back and a week either way.
AHEAD = (1, 2, 3, -1, 7, -7, 4, 5)
#: Seconds the helper thread waits before it starts (the browser is drawing).
HEAD_START_S = 0.3


class DayViews:
    """A per-process cache of :class:`DayView` that fills itself ahead of the reader.

    Parameters
    ----------
    size
        Days kept (least recently used first out).
    """

    def __init__(self, size: int = 400):
        self._size = size
        self._items: OrderedDict[tuple[str, dt.date], DayView] = OrderedDict()
        self._lock = threading.Lock()
        self._wanted: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None

    def get(self, dataset: Dataset, day: dt.date) -> DayView:
        """The view of ``day``, computed now if it is not ready."""
        key = (str(dataset.directory), day)
        with self._lock:
            view = self._items.get(key)
            if view is not None:
                self._items.move_to_end(key)
                return view
        view = compute(dataset, day)
        self._keep(key, view)
        return view

    def __contains__(self, key: tuple[str, dt.date]) -> bool:
        with self._lock:
            return key in self._items

    def prefetch(self, dataset: Dataset, day: dt.date) -> None:
        """Compute the days around ``day`` in the background (returns at once)."""
        for offset in AHEAD:
            other = timeline.step(day, offset)
            if (str(dataset.directory), other) not in self:
                self._wanted.put((dataset, other))
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="mapapp-days-ahead", daemon=True)
                self._worker.start()

    def _keep(self, key: tuple[str, dt.date], view: DayView) -> None:
        with self._lock:
            self._items[key] = view
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def _work(self) -> None:
        """Compute wanted days until none is left; a failure only costs the cache a day."""
        # Let the browser draw the day just sent before competing with it for the CPU.
        time.sleep(HEAD_START_S)
        while True:
            try:
                dataset, day = self._wanted.get(timeout=5)
            except queue.Empty:
                return
            key = (str(dataset.directory), day)
            if key in self:
                continue
            try:
                self._keep(key, compute(dataset, day))
            except Exception:
                LOG.exception("could not compute %s ahead", day)
