"""The compiled timeline: what the browser draws on any day equals the day's snapshot.

The oracle is :func:`mapapp.snapshot.snapshot` (what ``python -m mapapp snapshot
--date D`` prints). The timeline is read here as ``mapapp/static/timemap.js``
reads it: a feature stands on day index D when ``a <= D <= b``; its state is the
last one whose first day is ``<= D``; a fence's length is ``km[D - a]``.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import math

import pytest
from helpers import GEODATA, SOURCE, collection, crossing, event, write_layers

from mapapp import compiled, data, snapshot, timeline
from mapapp.layers import LAYERS
from mapapp.render import features, legend, popup, style

HOSTILE = GEODATA.parent / "tests" / "data" / "hostile"
#: Days spread over the period: its first and last day, the flights of 2021, the
#: standoff at Kuźnica, the walls of 2022.
SPREAD_DAYS = [
    "2020-08-09",
    "2020-11-01",
    "2021-05-26",
    "2021-07-01",
    "2021-08-10",
    "2021-09-02",
    "2021-10-15",
    "2021-11-08",
    "2021-11-13",
    "2021-11-16",
    "2021-11-18",
    "2022-01-25",
    "2022-03-10",
    "2022-06-30",
    "2022-09-01",
    "2022-12-31",
]


@pytest.fixture(scope="module")
def bundled() -> data.Dataset:
    return data.load_dataset(GEODATA)


@pytest.fixture(scope="module")
def bundled_timeline(bundled) -> tuple[dict, dict]:
    # Read back from the bytes the browser gets, so the oracle sees what it sees.
    timeline_doc, popups = compiled.compile_timeline(bundled)
    return json.loads(compiled.to_bytes(timeline_doc)), json.loads(compiled.to_bytes(popups))


@pytest.fixture
def small(tmp_path, layers) -> data.Dataset:
    return data.load_dataset(write_layers(tmp_path / "geodata", layers))


def state_at(feature: dict, index: int) -> dict:
    """The state of a compiled feature on day ``index``: the last one starting on or before it."""
    found = None
    for start, state in feature["s"]:
        if start <= index:
            found = state
    assert found is not None, (feature["id"], index)
    return found


def drawn_on(timeline_doc: dict, day: dt.date) -> dict[tuple[str, str], tuple[dict, dict, dict]]:
    """(layer, id) → (feature, state, day properties) of every feature standing on ``day``."""
    index = compiled.day_index(day)
    out = {}
    for layer in timeline_doc["layers"]:
        for feature in layer["features"]:
            if not feature["a"] <= index <= feature["b"]:
                continue
            state = state_at(feature, index)
            props = dict(state["props"])
            if layer["built_by"]:
                props[layer["built_by"]] = feature["km"][index - feature["a"]]
            out[(layer["id"], feature["id"])] = (feature, state, props)
    return out


def snapshot_on(dataset: data.Dataset, day: dt.date) -> dict[tuple[str, str], dict]:
    """(layer, id) → properties, as ``python -m mapapp snapshot --date`` writes them."""
    doc = json.loads(json.dumps(snapshot.snapshot(dataset, day)))
    return {(f["properties"]["layer"], f["properties"]["id"]): f for f in doc["features"]}


def assert_same_day(dataset: data.Dataset, timeline_doc: dict, popups: dict, day: dt.date) -> None:
    """The compiled timeline on ``day`` draws what the snapshot of ``day`` holds; a difference names it."""
    drawn = drawn_on(timeline_doc, day)
    expected = snapshot_on(dataset, day)
    assert set(drawn) == set(expected), (
        day,
        "only compiled:",
        sorted(set(drawn) - set(expected)),
        "only in the snapshot:",
        sorted(set(expected) - set(drawn)),
    )
    for (layer_id, fid), (_feature, state, props) in drawn.items():
        spec = LAYERS[layer_id]
        snap = expected[(layer_id, fid)]["properties"]
        for name in spec.day_properties:
            where = (day.isoformat(), layer_id, fid, name)
            if name == spec.built_by:
                assert props[name] == pytest.approx(snap[name], abs=0.1), where
            else:
                assert props[name] == snap[name], where
        # The same look as the day's features drawn one by one.
        assert state["style"] == style.feature_style(spec, snap), (day, layer_id, fid)
        # The popup the browser assembles is the popup of the day's feature.
        day_html = state["day"]
        if spec.built_by:
            day_html = day_html.replace(popup.KM_MARK, popup._figure(props[spec.built_by]))
        whole = popups[layer_id][fid].replace(popup.DAY_MARK, day_html)
        assert whole == popup.popup_html(spec, snap), (day, layer_id, fid)
        if spec.geometry == "point":
            lon, lat = expected[(layer_id, fid)]["geometry"]["coordinates"]
            # Spread apart from a shared place at most by the spread's radius.
            assert abs(state["xy"][1] - lat) <= features.SPREAD_DEG + 1e-5, (day, fid)
            assert abs(state["xy"][0] - lon) * math.cos(math.radians(lat)) <= features.SPREAD_DEG + 1e-5


def oracle_days(dataset: data.Dataset) -> list[dt.date]:
    """Days that test the date logic: spread over the period; per fence its first day, its
    first report and a day between two reports (an interpolated length); per closure of a
    crossing its first day and the day after its last."""
    days = {dt.date.fromisoformat(d) for d in SPREAD_DAYS}
    in_period = lambda day: timeline.CRISIS_START <= day <= timeline.CRISIS_END  # noqa: E731
    for row in dataset.frame("fences").to_dict("records"):
        reports = sorted(dt.date.fromisoformat(item["date"]) for item in row["progress"])
        days.add(dt.date.fromisoformat(row["start"]))
        days.update(reports[:1])
        if len(reports) > 1:  # a day between the first two reports
            days.add(reports[0] + (reports[1] - reports[0]) / 2)
    for row in dataset.frame("crossings").to_dict("records"):
        for closure in row["closures"]:
            days.add(dt.date.fromisoformat(closure["start"]))
            if closure["end"]:
                days.add(dt.date.fromisoformat(closure["end"]) + dt.timedelta(days=1))
    return sorted(day for day in days if in_period(day))


def test_the_oracle_days_cover_interpolation_and_closure_boundaries(bundled):
    days = oracle_days(bundled)
    assert len(days) >= 30
    on = [snapshot.frames_on(bundled, day, ["fences", "crossings"]) for day in days]
    assert any(frame["fences"]["built_km_interpolated"].any() for frame in on)
    assert any((frame["crossings"]["status"] == "closed").any() for frame in on)
    assert any((frame["crossings"]["status"] == "open").any() for frame in on)


def test_the_compiled_timeline_draws_the_snapshot_of_every_oracle_day(bundled, bundled_timeline):
    timeline_doc, popups = bundled_timeline
    for day in oracle_days(bundled):
        assert_same_day(bundled, timeline_doc, popups, day)


def test_fence_lengths_follow_the_reports_and_interpolate_between_them(bundled_timeline):
    timeline_doc, _ = bundled_timeline
    fences = next(layer for layer in timeline_doc["layers"] if layer["id"] == "fences")
    wall = next(f for f in fences["features"] if f["id"] == "fence-pl-concertina-2021")
    # 100 km reported on 19 Aug 2021 and 130 km on 23 Aug: 115 km between them, said so.
    for iso, km, interpolated in (
        ("2021-08-19", 100, False),
        ("2021-08-21", 115, True),
        ("2021-08-23", 130, False),
    ):
        index = compiled.day_index(iso)
        assert wall["km"][index - wall["a"]] == pytest.approx(km, abs=0.1)
        assert state_at(wall, index)["props"]["built_km_interpolated"] is interpolated
    assert len(wall["km"]) == wall["b"] - wall["a"] + 1


def test_small_data_on_days_all_over_the_period(small):
    timeline_doc, popups = compiled.compile_timeline(small)
    timeline_doc = json.loads(compiled.to_bytes(timeline_doc))
    # Every 25th day, and each day a feature of the small data starts, ends or changes.
    days = {compiled.day_of(index) for index in range(0, compiled.DAYS, 25)} | set(
        snapshot.change_days(small)
    )
    for day in sorted(days):
        assert_same_day(small, timeline_doc, popups, day)
        assert_same_day(small, timeline_doc, popups, timeline.clamp(day - dt.timedelta(days=1)))
    # The event that starts on 16 Nov stands from that day on; the one of 8–17 Nov only then.
    assert ("events", "ev-open") not in drawn_on(timeline_doc, dt.date(2021, 11, 15))
    assert {("events", "ev-open"), ("events", "ev-span")} <= set(
        drawn_on(timeline_doc, dt.date(2021, 11, 16))
    )
    assert ("events", "ev-span") not in drawn_on(timeline_doc, dt.date(2021, 11, 18))


def test_crossing_closure_boundaries(tmp_path, layers):
    closure = {"start": "2021-11-09", "end": "2021-11-20", "note": "closed by Poland", "sources": [SOURCE]}
    layers["crossings.geojson"] = collection(crossing("x-1", [closure]))
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    timeline_doc, popups = compiled.compile_timeline(dataset)
    status = {}
    for iso in ("2021-11-08", "2021-11-09", "2021-11-20", "2021-11-21"):
        day = dt.date.fromisoformat(iso)
        assert_same_day(dataset, timeline_doc, popups, day)
        status[iso] = drawn_on(timeline_doc, day)[("crossings", "x-1")][2]["status"]
    assert status == {
        "2021-11-08": "open",
        "2021-11-09": "closed",
        "2021-11-20": "closed",
        "2021-11-21": "open",
    }
    crossing_doc = next(f for layer in timeline_doc["layers"] for f in layer["features"] if f["id"] == "x-1")
    # Three runs: open, closed, open again; closed crossings are drawn over the others.
    assert [start for start, _ in crossing_doc["s"]] == [
        0,
        *map(compiled.day_index, ("2021-11-09", "2021-11-21")),
    ]
    closed = state_at(crossing_doc, compiled.day_index("2021-11-10"))
    assert closed["z"] > state_at(crossing_doc, 0)["z"] and closed["ck"] == "closed"
    assert "closed 9 Nov 2021" in closed["day"] and "closed 9" not in state_at(crossing_doc, 0)["day"]


def test_the_compiled_output_is_the_same_bytes_every_time(small, bundled):
    for dataset in (small, bundled):
        first = [compiled.to_bytes(doc) for doc in compiled.compile_timeline(dataset)]
        again = data.load_dataset(dataset.directory)
        second = [compiled.to_bytes(doc) for doc in compiled.compile_timeline(again)]
        assert first == second
        assert compiled.version_of(first[0]) == compiled.version_of(second[0])
    assert compiled.version_of(b"a") != compiled.version_of(b"b") and len(compiled.version_of(b"a")) == 16


def test_compiling_leaves_the_dataset_alone(small):
    before = {name: copy.deepcopy(frame) for name, frame in small.frames.items()}
    compiled.compile_timeline(small)
    for name, frame in small.frames.items():
        assert frame.equals(before[name]) and list(frame.columns) == list(before[name].columns), name


def test_the_period_its_changes_and_its_events(small):
    timeline_doc, _ = compiled.compile_timeline(small)
    assert timeline_doc["format"] == compiled.FORMAT
    assert (timeline_doc["start"], timeline_doc["end"]) == ("2020-08-09", "2022-12-31")
    assert timeline_doc["days"] == compiled.DAYS == 875
    changes = [compiled.day_of(index) for index in timeline_doc["changes"]]
    assert changes == snapshot.change_days(small)
    # Around 13 Nov the small data change on the 10th (a camp count), the 12th (the day
    # after a route's end) and the 16th (an event starts): the time bar's jumps.
    day = dt.date(2021, 11, 13)
    assert timeline.next_change(changes, day) == dt.date(2021, 11, 16)
    assert timeline.previous_change(changes, day) == dt.date(2021, 11, 12)
    assert timeline.previous_change(changes, dt.date(2021, 11, 12)) == dt.date(2021, 11, 10)
    assert [compiled.day_of(i).isoformat() for i in timeline_doc["events"]] == [
        "2021-05-01",
        "2021-11-08",
        "2021-11-16",
    ]
    assert timeline_doc["precision_notes"] == legend.PRECISION_NOTES


def test_day_indices_count_from_the_start_of_the_period():
    assert compiled.day_index(timeline.CRISIS_START) == 0 and compiled.day_index("2020-08-10") == 1
    assert compiled.day_of(compiled.DAYS - 1) == timeline.CRISIS_END
    for index in (0, 100, 464, compiled.DAYS - 1):
        assert compiled.day_index(compiled.day_of(index)) == index


def test_layers_come_in_drawing_order_with_their_legend(small):
    timeline_doc, _ = compiled.compile_timeline(small)
    ids = [layer["id"] for layer in timeline_doc["layers"]]
    assert ids == [spec_id for spec_id in LAYERS if spec_id != "countries"]
    for layer in timeline_doc["layers"]:
        spec = LAYERS[layer["id"]]
        assert layer["legend"] == legend.legend_of(spec)
        keys = {key for key, _, _ in layer["legend"]["entries"]}
        for feature in layer["features"]:
            for _, state in feature["s"]:
                # The legend shows an entry while a feature with its key is on the map.
                assert state["ck"] in keys, (layer["id"], feature["id"], state["ck"])


def test_points_that_share_a_place_are_spread_apart_on_the_day(small):
    # ev-span (8–17 Nov) and ev-open (from 16 Nov) are both at 24.0, 53.5.
    timeline_doc, _ = compiled.compile_timeline(small)
    events = next(layer for layer in timeline_doc["layers"] if layer["id"] == "events")
    by_id = {f["id"]: f for f in events["features"]}
    together = compiled.day_index("2021-11-16")
    span, open_ = state_at(by_id["ev-span"], together)["xy"], state_at(by_id["ev-open"], together)["xy"]
    assert span != open_
    for lon, lat in (span, open_):
        assert math.hypot((lon - 24.0) * math.cos(math.radians(53.5)), lat - 53.5) == pytest.approx(
            features.SPREAD_DEG, abs=1e-4
        )
    # Alone again once ev-span has ended: back at its own place.
    assert state_at(by_id["ev-open"], compiled.day_index("2021-11-18"))["xy"] == [24.0, 53.5]
    assert state_at(by_id["ev-span"], compiled.day_index("2021-11-10"))["xy"] == [24.0, 53.5]


def test_drawing_aids_fences_routes_halos_and_labels(small):
    timeline_doc, _ = compiled.compile_timeline(small)
    by_layer = {layer["id"]: {f["id"]: f for f in layer["features"]} for layer in timeline_doc["layers"]}
    wall = by_layer["fences"]["f-1"]
    built = state_at(wall, wall["a"])
    # The built part is solid, the planned rest thinner and dashed.
    assert "dashArray" not in built["style"] and built["rest"]["dashArray"] == "4 7"
    assert built["rest"]["weight"] < built["style"]["weight"] and wall["planned"] == 100.0
    assert wall["km"][0] == 0 and wall["km"][-1] == 100
    assert "Standing on this day" in built["day"] and popup.KM_MARK in built["day"]
    route = by_layer["flight_routes"]["r-1"]
    assert len(route["arrow"]) == 3 and route["s"][0][1]["arrow"]["interactive"] is False
    # An approximate crossing gets a dashed ring; exact events none; towns a label.
    assert by_layer["crossings"]["x-1"]["halo"] == "approximate"
    assert state_at(by_layer["crossings"]["x-1"], 0)["halo"]["dashArray"] == "3 3"
    assert "halo" not in by_layer["events"]["ev-open"]
    assert by_layer["towns"]["town-1"]["label"] is True and by_layer["towns"]["town-1"]["tip"] == "Townsville"
    assert "label" not in by_layer["camps"]["c-1"]


def test_a_feature_outside_the_period_is_left_out(tmp_path, layers):
    layers["events.geojson"] = collection(
        event("ev-before", "2019-01-01", "2019-02-01"), event("ev-last", "2022-12-31", "2023-06-01")
    )
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    timeline_doc, popups = compiled.compile_timeline(dataset)
    events = next(layer for layer in timeline_doc["layers"] if layer["id"] == "events")
    assert [(f["id"], f["a"], f["b"]) for f in events["features"]] == [("ev-last", 874, 874)]
    assert set(popups["events"]) == {"ev-last"}


@pytest.fixture(scope="module")
def hostile() -> data.Dataset:
    return data.load_dataset(HOSTILE)


def test_hostile_text_stays_escaped_in_tooltips_and_popups(hostile):
    timeline_doc, popups = compiled.compile_timeline(hostile)
    names = {
        (spec_id, row["id"]): row["name"]
        for spec_id, frame in hostile.frames.items()
        if spec_id != "countries"
        for row in frame[["id", "name"]].to_dict("records")
    }
    assert any("<script>" in name for name in names.values())
    checked = 0
    for layer in timeline_doc["layers"]:
        for feature in layer["features"]:
            name = names[(layer["id"], feature["id"])]
            # The tooltip is the name as text: escaped, read back exactly.
            assert "<" not in feature["tip"] and html.unescape(feature["tip"]).startswith(name)
            lasting = popups[layer["id"]][feature["id"]]
            assert "<script" not in lasting and "<img" not in lasting and popup.esc(name) in lasting
            for _, state in feature["s"]:
                assert "<script" not in state["day"] and "<img" not in state["day"]
                assert 'href="javascript' not in state["day"]
            checked += 1
    assert checked > 50
    assert 'href="javascript' not in json.dumps(popups)
    # One day of it read as the browser does equals the snapshot, hostile text and all.
    timeline_doc = json.loads(compiled.to_bytes(timeline_doc))
    assert_same_day(hostile, timeline_doc, popups, dt.date(2021, 11, 15))
