"""The view in the URL: parsing never fails, bad values give a notice."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp import timeline, urlstate
from mapapp.layers import toggleable
from mapapp.render.basemap import MAX_ZOOM, MIN_ZOOM


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


PARAM_NAMES = st.sampled_from(["date", "layers", "basemap", "view", "render", "zoom"]) | st.text(max_size=12)
#: Values that look like a place, and ones that only nearly do.
VIEW_VALUES = st.builds(
    lambda lat, lon, zoom: f"{lat},{lon},{zoom}",
    st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([-85.0, 0.0, 53.9, 85.0, 90.0]),
    st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([-180.0, 23.9, 180.0, 181.0]),
    st.integers(-5, 30) | st.sampled_from(["9.5", "x", "1e1", ""]),
)


@settings(max_examples=300, deadline=None)
@given(params=st.dictionaries(PARAM_NAMES, st.text(max_size=300) | VIEW_VALUES, max_size=6))
def test_any_link_gives_a_view_and_short_plain_notices(params):
    view, notices = urlstate.parse(params)
    assert timeline.CRISIS_START <= view.day <= timeline.CRISIS_END
    assert set(view.layers) <= {spec.id for spec in urlstate.toggleable()}
    assert view.basemap in ("offline", "osm")
    if view.where is not None:
        lat, lon, zoom = view.where
        assert -85 <= lat <= 85 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM
    for notice in notices:
        assert isinstance(notice, str) and len(notice) < 700 and "\n" not in notice
    # What the page writes back is a link that parses to the same view, silently.
    again, quiet = urlstate.parse(urlstate.encode(view))
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


# --- where the map is: view=lat,lon,zoom -------------------------------------------------


def test_a_view_in_the_link_restores_the_place_and_round_trips():
    view, notices = urlstate.parse({"view": "53.9,23.9,9"})
    assert notices == [] and view.where == (53.9, 23.9, 9)
    params = urlstate.encode(view)
    assert params["view"] == "53.9000,23.9000,9"
    assert urlstate.parse(params) == (view, [])


def test_no_view_in_the_link_leaves_the_map_where_it_opens():
    view, _ = urlstate.parse({"date": "2021-11-14"})
    assert view.where is None and "view" not in urlstate.encode(view)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("53.9,23.9,9", (53.9, 23.9, 9)),
        (" 53.91234567 , 23.9 , 12 ", (53.9123, 23.9, 12)),
        ("-85,-180,4", (-85.0, -180.0, 4)),
        ("85,180,16", (85.0, 180.0, 16)),
    ],
)
def test_parse_where_reads_a_place(text, where):
    assert urlstate.parse_where(text) == where


@pytest.mark.parametrize(
    "text",
    [
        "nan,23.9,9",
        "53.9,nan,9",
        "inf,23.9,9",
        "53.9,-inf,9",
        "90,23.9,9",
        "53.9,181,9",
        f"53.9,23.9,{MAX_ZOOM + 1}",
        f"53.9,23.9,{MIN_ZOOM - 1}",
        "53.9,23.9,9.5",
        "53.9,23.9,9,1",
        "53.9,23.9",
        "Minsk",
        "",
        "1" * 30 + ",2" + "0" * 30 + ",9",
    ],
)
def test_parse_where_refuses_what_is_not_a_place(text):
    assert urlstate.parse_where(text) is None


@pytest.mark.parametrize("text", ["nan,23.9,9", "inf,inf,9", "53.9,23.9,99", "53.9,23.9,9,1", "<b>Minsk</b>"])
def test_a_bad_view_falls_back_with_a_notice_quoting_it(text):
    view, notices = urlstate.parse({"view": text, "date": "2021-11-20"})
    assert view.where is None and view.day == dt.date(2021, 11, 20)
    assert len(notices) == 1
    assert notices[0].startswith(f"The link's view “{text}” was not used")
    assert f"({MIN_ZOOM}–{MAX_ZOOM})" in notices[0]


def test_format_where_writes_what_parse_where_reads():
    assert urlstate.format_where((53.91234, -0.5, 7)) == "53.9123,-0.5000,7"
    assert urlstate.parse_where(urlstate.format_where((53.91234, -0.5, 7))) == (53.9123, -0.5, 7)


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-85, 85, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    zoom=st.integers(MIN_ZOOM, MAX_ZOOM),
)
def test_any_place_of_the_map_round_trips_through_the_link(lat, lon, zoom):
    where = urlstate.parse_where(f"{lat},{lon},{zoom}")
    assert where is not None
    assert where[0] == pytest.approx(lat, abs=5e-5) and where[1] == pytest.approx(lon, abs=5e-5)
    assert urlstate.parse_where(urlstate.format_where(where)) == where


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_any_view_text_is_a_place_on_the_map_or_none(text):
    where = urlstate.parse_where(text)
    if where is not None:
        lat, lon, zoom = where
        assert all(math.isfinite(v) for v in (lat, lon))
        assert -85 <= lat <= 85 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM


def test_a_link_naming_only_unknown_layers_shows_the_default_layers():
    view, notices = urlstate.parse({"layers": "ufo,{{7*7}}"})
    assert view.layers == urlstate.default_layers()
    assert notices == [
        "Unknown layer(s) in the link ignored: “ufo”, “{{7*7}}”. Known layers: "
        + ", ".join(spec.id for spec in toggleable())
        + ". None is a layer of the map: showing the default layers."
    ]
    # One known layer among them is what the link asks for.
    assert urlstate.parse({"layers": "ufo,camps"})[0].layers == ["camps"]
