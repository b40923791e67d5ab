"""The whole timeline, compiled once for the browser to draw any day itself.

Python stays the one place where the date logic lives: for every feature this
module asks the same functions as :func:`mapapp.snapshot.snapshot` (which days
it stands, and :data:`mapapp.snapshot.ON_DAY_ROW` for what it is on each day)
and writes down the answers, run-length encoded. The browser
(``mapapp/static/timemap.js``) only looks them up.

The result is two JSON documents: the timeline (drawn at once) and the popups'
lasting parts (fetched when a reader first opens a popup).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from mapapp import snapshot
from mapapp.data import Dataset
from mapapp.layers import LayerSpec, toggleable
from mapapp.render import features, legend, popup, style
from mapapp.timeline import CRISIS_END, CRISIS_START

#: Changes when the compiled format changes (the browser checks it).
FORMAT = 1
#: Days in the map's period.
DAYS = (CRISIS_END - CRISIS_START).days + 1


def day_index(day: dt.date | str) -> int:
    """Days since the start of the map's period (0 = :data:`CRISIS_START`)."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return (day - CRISIS_START).days


def day_of(index: int) -> dt.date:
    """The day at ``index`` days after the start of the period."""
    return CRISIS_START + dt.timedelta(days=index)


def _interval(spec: LayerSpec, row: dict) -> tuple[int, int] | None:
    """First and last day index a feature stands inside the period, or None if never."""
    if not spec.dated:
        return 0, DAYS - 1
    first = max(0, day_index(row["start"]))
    last = DAYS - 1 if not row.get("end") else min(DAYS - 1, day_index(row["end"]))
    return (first, last) if first <= last else None


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _clean(value: object) -> object:
    """A JSON-safe copy of a property value (numpy scalars → Python, NaN → None)."""
    value = snapshot.json_safe(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _layer(spec: LayerSpec, frame) -> tuple[list[dict], dict[str, str]]:
    """Every feature of one layer with its days and its looks; and its lasting popups."""
    on_day = snapshot.ON_DAY_ROW.get(spec.on_day) if spec.on_day else None
    columns = [c for c in frame.columns if c != frame.geometry.name]
    out, popups = [], {}
    for row, geom in zip(frame[columns].to_dict("records"), frame.geometry, strict=True):
        span = _interval(spec, row)
        if span is None or geom is None or geom.is_empty:
            continue
        fid = str(row["id"])
        record: dict = {"id": fid, "a": span[0], "b": span[1], "tip": popup.tooltip_text(spec, row)}
        if spec.labels:
            record["label"] = True
        if spec.geometry == "point":
            record["xy"] = [round(geom.x, 5), round(geom.y, 5)]
            if row.get("geo_precision") in legend.PRECISION_NOTES:
                record["halo"] = row["geo_precision"]
        else:
            line = features.one_line(geom) if spec.built_by else geom
            record["g"] = features.lean_geometry(line, spec.simplify)
        if spec.arrows:
            record["arrow"] = features.arrow_coords(geom)
        if spec.built_by:
            record["planned"] = _clean(row.get("planned_km"))
            record["km"] = []
        states, keys = [], []
        # A feature without on-day logic looks the same on all its days: one state.
        for index in range(span[0], span[1] + 1) if on_day else [span[0]]:
            extra = on_day(row, day_of(index)) if on_day else {}
            if spec.built_by:
                record["km"].append(extra[spec.built_by])
            key = _json({k: v for k, v in extra.items() if k != spec.built_by})
            if keys and keys[-1] == key:
                continue
            props = {**row, **extra}
            lasting, day_html = popup.popup_parts(spec, props, popup.KM_MARK if spec.built_by else None)
            popups.setdefault(fid, lasting)
            keys.append(key)
            states.append([index, _state(spec, props, extra, day_html, record.get("halo"))])
        record["s"] = states
        out.append(record)
    if spec.geometry == "point":
        _spread(out)
    return out, popups


def _state(spec: LayerSpec, props: dict, extra: dict, day_html: str, halo: str | None) -> dict:
    """How a feature looks on some days, and what it is then (its day properties)."""
    drawn = style.feature_style(spec, props)
    state = {
        "style": drawn,
        "day": day_html,
        "props": {k: _clean(v) for k, v in extra.items() if k != spec.built_by},
        "ck": str(props.get(spec.colour_by, "")) if spec.colour_by else "",
        # Drawing order among points: big circles under small ones, closed crossings on top.
        "z": (1000 if props.get("status") == "closed" else 0) - drawn.get("radius", 0),
    }
    if spec.built_by:
        state["rest"] = style.rest_style(drawn)
    if spec.arrows:
        state["arrow"] = style.arrow_style(drawn)
    if halo:
        state["halo"] = style.halo_style(drawn["fillColor"], drawn["radius"], halo == "region")
    return state


def _state_at(record: dict, index: int) -> dict:
    """The state of a compiled feature on day ``index`` (it must stand then)."""
    found = record["s"][0][1]
    for start, state in record["s"]:
        if start > index:
            break
        found = state
    return found


def _spread(records: list[dict]) -> None:
    """Give points that share a place on a day positions apart, day by day (``xy`` per state).

    The spread depends on which points stand together on the day, so it is
    worked out for every day and kept in the states (run-length encoded again).
    """
    positions: dict[str, list[tuple[int, list[float]]]] = {r["id"]: [] for r in records}
    for index in range(DAYS):
        standing = [r for r in records if r["a"] <= index <= r["b"]]
        standing.sort(key=lambda r: _state_at(r, index)["z"])
        placed = features.spread_points((r["id"], *r["xy"]) for r in standing)
        for record in standing:
            lon, lat = placed[record["id"]]
            xy = [round(lon, 5), round(lat, 5)]
            runs = positions[record["id"]]
            if not runs or runs[-1][1] != xy:
                runs.append((index, xy))
    for record in records:
        starts = sorted({s for s, _ in record["s"]} | {s for s, _ in positions[record["id"]]})
        merged = []
        for start in starts:
            state = dict(_state_at(record, start))
            state["xy"] = [xy for s, xy in positions[record["id"]] if s <= start][-1]
            if merged and _json(merged[-1][1]) == _json(state):
                continue
            merged.append([start, state])
        record["s"] = merged
        del record["xy"]


def compile_timeline(dataset: Dataset) -> tuple[dict, dict]:
    """The timeline the browser draws from, and the lasting part of every popup.

    Parameters
    ----------
    dataset
        The loaded, validated data.

    Returns
    -------
    tuple
        ``(timeline, popups)``. ``timeline`` holds the period, the days on
        which something changes, the events' days, and per layer (drawing
        order) its spec for drawing and legend and its features: ``a``/``b``
        the first and last day index it stands, ``g`` a line's or area's
        geometry, and ``s`` its states as ``[first day index, state]``, a state
        being the feature's style, the popup's rows for the day (``day``), the
        properties :data:`~mapapp.layers.LayerSpec.day_properties` on those
        days, its colour key and drawing order. Points have their position in
        each state (``xy``); a fence has its ``planned`` length and ``km``, the
        length standing on each of its days. ``popups`` is layer id →
        feature id → lasting popup HTML, with :data:`mapapp.render.popup.DAY_MARK`
        where the day's rows go and :data:`~mapapp.render.popup.KM_MARK`
        where a fence's length goes.
    """
    layers, popups = [], {}
    for spec in toggleable():
        if spec.id not in dataset.frames:
            continue
        records, lasting = _layer(spec, dataset.frame(spec.id))
        popups[spec.id] = lasting
        layers.append(
            {
                "id": spec.id,
                "title": spec.title,
                "geometry": spec.geometry,
                "dated": spec.dated,
                "built_by": spec.built_by or "",
                "day_properties": list(spec.day_properties),
                "legend": legend.legend_of(spec),
                "region_radius_m": style.REGION_RADIUS_M,
                "features": records,
            }
        )
    events = dataset.frames.get("events")
    event_days = sorted(
        {day_index(d) for d in (events["start"] if events is not None else []) if 0 <= day_index(d) < DAYS}
    )
    timeline = {
        "format": FORMAT,
        "start": CRISIS_START.isoformat(),
        "end": CRISIS_END.isoformat(),
        "days": DAYS,
        "changes": [day_index(d) for d in snapshot.change_days(dataset)],
        "events": event_days,
        "precision_notes": legend.PRECISION_NOTES,
        "layers": layers,
    }
    return timeline, popups


def to_bytes(document: dict) -> bytes:
    """Compact JSON of a compiled document, the same bytes for the same data."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def version_of(body: bytes) -> str:
    """A short content hash, for file names that change when the content does."""
    return hashlib.sha256(body).hexdigest()[:16]
