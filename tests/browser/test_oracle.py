"""The oracle: on every day of the period, the map drawn in Chromium is ``snapshot``'s map.

The browser draws from the compiled timeline; ``python -m mapapp snapshot
--date D`` computes the day from the data directly. For each day they must
agree on which features stand (layer and id) and on every property that
changes by day (a fence's length within 0.1 km). A difference names the day,
the feature and the property.
"""

from __future__ import annotations

import datetime as dt

import pytest
from mapdriver import open_map, tm

from mapapp import data, snapshot
from mapapp.layers import LAYERS, toggleable
from mapapp.timeline import CRISIS_END, CRISIS_START

pytestmark = pytest.mark.browser

#: Days asked of the browser per round trip.
BATCH = 100
KM_TOLERANCE = 0.1


def _expected(dataset, day: dt.date) -> dict[tuple[str, str], dict]:
    found = {}
    for feature in snapshot.snapshot(dataset, day)["features"]:
        props = feature["properties"]
        spec = LAYERS[props["layer"]]
        found[(props["layer"], props["id"])] = {name: props[name] for name in spec.day_properties}
    return found


def _differences(day: str, drawn: list[dict], expected: dict) -> list[str]:
    got = {(item["layer"], item["id"]): item["props"] for item in drawn}
    problems = [
        f"{day}: {layer}/{fid} is drawn but snapshot does not have it"
        for layer, fid in got.keys() - expected.keys()
    ]
    problems += [
        f"{day}: {layer}/{fid} is in snapshot but not drawn" for layer, fid in expected.keys() - got.keys()
    ]
    for key in got.keys() & expected.keys():
        for name, want in expected[key].items():
            have = got[key].get(name)
            if name == LAYERS[key[0]].built_by:
                same = have is not None and abs(have - want) <= KM_TOLERANCE
            else:
                same = have == want
            if not same:
                problems.append(
                    f"{day}: {key[0]}/{key[1]} property {name}: drawn {have!r}, snapshot {want!r}"
                )
    return problems


def test_every_day_the_browser_draws_what_snapshot_says(page, app_url):
    layers = ",".join(spec.id for spec in toggleable())
    open_map(page, f"{app_url}/?date={CRISIS_START.isoformat()}&layers={layers}", CRISIS_START.isoformat())
    dataset = data.load_dataset()
    days = (CRISIS_END - CRISIS_START).days + 1
    assert tm(page, "m.days") == days
    problems: list[str] = []
    checked = 0
    for first in range(0, days, BATCH):
        drawn = tm(
            page,
            "arg.map((i) => { m.setDay(i, {from: 'page'}); return [m.iso, m.drawn()]; })",
            list(range(first, min(first + BATCH, days))),
        )
        for iso, features in drawn:
            problems += _differences(iso, features, _expected(dataset, dt.date.fromisoformat(iso)))
            checked += 1
    assert checked == days
    assert not problems, f"{len(problems)} difference(s), the first ones:\n" + "\n".join(problems[:25])
