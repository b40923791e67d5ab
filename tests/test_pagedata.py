"""The page's figures compiled for every day: what a static page looks up equals what the app computes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from mapapp import compiled, data, dayview, pagedata, published
from mapapp.layers import EVENTS
from mapapp.render import text
from mapapp.timeline import week_of


@pytest.fixture(scope="module")
def bundled() -> data.Dataset:
    return data.load_dataset()


@pytest.fixture(scope="module")
def pages(bundled) -> dict:
    return published.pages(bundled)


def _run_at(runs: list, index: int):
    return [value for start, value in runs if start <= index][-1]


def _as_page(figure) -> list[str]:
    return [figure.label, figure.value, text.page_text(figure.detail, figure.sources)]


DAYS = [compiled.day_of(i) for i in range(0, compiled.DAYS, 23)] + [
    dt.date(2021, 11, 16),
    dt.date(2022, 12, 31),
]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_each_day_looks_up_the_figures_the_app_shows(bundled, pages, day):
    index = compiled.day_index(day)
    view = dayview.day_figures(bundled, day)
    figures = pages["figures"]
    assert [figures[i] for i in _run_at(pages["standing"], index)] == [
        _as_page(f) for f in (view.camp_people, *view.fence_km)
    ]
    assert [figures[i] for i in _run_at(pages["months"], index)] == [_as_page(f) for f in view.month]
    week = pages["weeks"][_run_at(pages["week"], index)]
    assert [e["id"] for e in week["events"]] == [str(i) for i in view.week["id"]]
    monday, sunday = week_of(day)
    assert week["title"] == f"Events in the week of {monday:%d %b} – {sunday:%d %b %Y}"


def test_an_event_row_says_where_to_show_it(bundled, pages):
    events = bundled.frame(EVENTS.id).set_index("id")
    rows = [row for week in pages["weeks"] for row in week["events"]]
    assert rows
    for row in rows:
        point = events.loc[row["id"]].geometry.representative_point()
        assert (row["lat"], row["lon"]) == (round(point.y, 5), round(point.x, 5))
        assert row["day"] == events.loc[row["id"], "start"]


def test_the_chart_keeps_gaps_and_every_figure(bundled, pages):
    chart = pages["chart"]
    assert len(chart["table"]["rows"]) == len(bundled.monthly)
    assert chart["metrics"][0]["id"] == "attempted_crossings"
    for metric in chart["metrics"]:
        for run in metric["lines"]:
            months = [p[0][:7] for p in run["points"]]
            ordinals = [int(m[:4]) * 12 + int(m[5:]) for m in months]
            # A line never bridges a month without a figure.
            assert all(b - a == 1 for a, b in itertools.pairwise(ordinals)), months


def test_the_compiled_pages_are_cached_per_data_version(bundled, pages):
    assert published.pages(bundled) is pages
    assert pagedata.FORMAT == pages["format"] and pages["days"] == compiled.DAYS
