"""The view in the URL: parsing never fails, bad values give a notice."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        (
            {"date": "2021-13-01"},
            "The link's date “2021-13-01” was not used: there is no such day in the calendar",
        ),
        (
            {"date": "13/11/2021"},
            "The link's date “13/11/2021” was not used: it is not a day written YYYY-MM-DD",
        ),
        ({"date": "1999-01-01"}, "outside the map's period"),
        ({"layers": "events,ufo"}, "Unknown layer(s) in the link ignored: “ufo”."),
        ({"basemap": "satellite"}, "Unknown basemap “satellite”"),
        ({"zoom": "9"}, "Unknown link parameter(s) ignored: “zoom”."),
        ({"render": "full"}, "Unknown link parameter(s) ignored: “render”."),
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


def test_the_slow_render_mode_is_only_for_the_benchmark_server():
    view, notices = urlstate.parse({"render": "full"})
    assert view.render == "inplace" and notices
    view, notices = urlstate.parse({"render": "full"}, allow_render=True)
    assert view.render == "full" and notices == []


def test_a_layers_value_that_names_nothing_gets_a_notice_and_the_defaults():
    view, notices = urlstate.parse({"layers": ","})
    assert view.layers == urlstate.default_layers()
    assert notices == ["The link's layers “,” name no layer; showing the default layers."]


def test_notices_quote_values_short_and_on_one_line():
    evil = "[log in here](https://evil.example)\n\u202e" + "x" * 100_000
    _, notices = urlstate.parse({"layers": evil, "basemap": evil, "date": evil, evil: "1"})
    assert len(notices) == 4
    for notice in notices:
        assert len(notice) < 400 and "\n" not in notice and "\u202e" not in notice
        # Hidden characters are shown as escapes, and the value is cut.
        assert "“[log in here](https://evil.example)\\u000a\\u202exx…”" in notice


PARAM_NAMES = st.sampled_from(["date", "layers", "basemap", "render", "zoom"]) | st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(params=st.dictionaries(PARAM_NAMES, st.text(max_size=300), max_size=6), bench=st.booleans())
def test_any_link_gives_a_view_and_short_plain_notices(params, bench):
    view, notices = urlstate.parse(params, allow_render=bench)
    assert timeline.CRISIS_START <= view.day <= timeline.CRISIS_END
    assert set(view.layers) <= {spec.id for spec in urlstate.toggleable()}
    assert view.basemap in ("offline", "osm") and view.render in urlstate.RENDER_MODES
    assert bench or view.render == "inplace"
    for notice in notices:
        assert isinstance(notice, str) and len(notice) < 700 and "\n" not in notice
    # What the page writes back is a link that parses to the same view, silently.
    again, quiet = urlstate.parse(urlstate.encode(view), allow_render=True)
    assert again == view and quiet == []


def test_hidden_characters_in_a_value_are_shown_not_dropped():
    _, notices = urlstate.parse({"layers": "\u202ecamps"})
    assert notices[0].startswith("Unknown layer(s) in the link ignored: “\\u202ecamps”")


def test_a_real_looking_date_that_is_not_in_the_calendar_is_said_so():
    _, notices = urlstate.parse({"date": "2021-02-29"})
    assert "“2021-02-29” was not used: there is no such day in the calendar" in notices[0]


def test_a_name_given_twice_gets_a_notice_and_is_written_once():
    _, notices = urlstate.parse({"date": "2022-01-01"}, repeated=["date"])
    assert notices == ["The link gives “date” more than once; the last value is used."]

    class TwiceMapping(dict):
        def get_all(self, name):
            return ["camps", "events"] if name == "layers" else [self[name]]

    params = TwiceMapping(date="2021-11-13", layers="events", basemap="offline")
    urlstate.write(params, urlstate.View(dt.date(2021, 11, 13), ["events"], "offline"))
    assert params == {"date": "2021-11-13", "layers": "events", "basemap": "offline"}
