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
from mapdriver import differences, expected_on, open_map, tm

from mapapp import data
from mapapp.layers import toggleable
from mapapp.timeline import CRISIS_END, CRISIS_START

pytestmark = pytest.mark.browser

#: Days asked of the browser per round trip.
BATCH = 100


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
            problems += differences(iso, features, expected_on(dataset, dt.date.fromisoformat(iso)))
            checked += 1
    assert checked == days
    assert not problems, f"{len(problems)} difference(s), the first ones:\n" + "\n".join(problems[:25])
