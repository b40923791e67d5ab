"""The view in the URL: parsing never fails, bad values give a notice."""

from __future__ import annotations

import datetime as dt

import pytest

from mapapp import timeline, urlstate


def test_empty_url_gives_the_defaults_without_notice():
    view, notices = urlstate.parse({})
    assert view == urlstate.View() and notices == []
    assert view.day == timeline.DEFAULT_DAY and "events" in view.layers


def test_a_full_url_round_trips():
    view = urlstate.View(dt.date(2021, 8, 5), ["flight_routes", "events"], "osm")
    parsed, notices = urlstate.parse(urlstate.encode(view))
    assert notices == [] and parsed == view


def test_no_layers_is_a_valid_choice():
    view, notices = urlstate.parse({"layers": ""})
    assert view.layers == [] and notices == []


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"date": "2021-13-01"}, "The link's date was not used (invalid date '2021-13-01'"),
        ({"date": "1999-01-01"}, "outside the map's period"),
        ({"layers": "events,ufo"}, "Unknown layer(s) in the link ignored: ufo."),
        ({"basemap": "satellite"}, "Unknown basemap 'satellite'"),
        ({"zoom": "9"}, "Unknown link parameter(s) ignored: zoom."),
        ({"render": "fast"}, "Unknown render mode 'fast'"),
    ],
)
def test_bad_values_fall_back_with_a_notice(params, words):
    view, notices = urlstate.parse(params)
    assert len(notices) == 1 and words in notices[0]
    default = urlstate.View()
    if "date" in params:
        assert view.day == default.day
    if "layers" in params:
        assert view.layers == ["events"]  # the known one is kept
    if "basemap" in params:
        assert view.basemap == "offline"


def test_write_touches_only_what_changed():
    params = {"date": "2021-11-13", "layers": "events", "basemap": "offline", "stale": "x"}
    urlstate.write(params, urlstate.View(dt.date(2021, 11, 14), ["events"], "offline"))
    assert params == {"date": "2021-11-14", "layers": "events", "basemap": "offline"}
