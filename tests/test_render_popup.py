"""Popups and tooltips: dates, precision, figures and sources, escaped; the day's part apart."""

from __future__ import annotations

import copy

import pytest

from mapapp.layers import CAMPS, CROSSINGS, EVENTS, FENCES, FLIGHT_ROUTES, TOWNS
from mapapp.render import popup

EVIL = '<img src=x onerror="alert(1)">'


def event_props(**extra) -> dict:
    props = {
        "id": "ev-1",
        "layer": "events",
        "name": EVIL,
        "start": "2021-11-08",
        "end": "2021-11-17",
        "date_precision": "month",
        "geo_precision": "approximate",
        "category": "border",
        "sources": ["https://example.org/a?x=1&y=2", "https://example.org/b"],
        "notes": "<b>bold?</b>",
    }
    props.update(extra)
    return props


def route_props(**extra) -> dict:
    props = {
        "id": "r",
        "name": "Baghdad – Minsk",
        "start": "2021-08-02",
        "end": "2021-08-04",
        "date_precision": "day",
        "geo_precision": "exact",
        "airline": "Iraqi Airways",
        "origin_name": "Baghdad",
        "destination_name": "Minsk",
        "flights_per_week": 4,
        "direction": "inbound",
        "status": "scheduled",
        "sources": ["https://example.org/r"],
        "notes": "",
    }
    props.update(extra)
    return props


def fence_props(**extra) -> dict:
    props = {
        "id": "f",
        "name": "Steel wall",
        "start": "2022-01-25",
        "end": "",
        "date_precision": "day",
        "geo_precision": "approximate",
        "country": "PL",
        "kind": "steel_wall",
        "planned_km": 186.25,
        "built_km": 135.0,
        "built_km_interpolated": True,
        "built_km_basis": "interpolated between 90 km on 19 May 2022 and 180 km on 30 Jun 2022",
        "built_km_sources": ["https://example.org/day"],
        "sources": ["https://example.org/fence"],
        "notes": "",
    }
    props.update(extra)
    return props


def test_popup_escapes_text_and_links_every_source():
    html = popup.popup_html(EVENTS, event_props())
    assert EVIL not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<b>bold?</b>" not in html and "&lt;b&gt;bold?&lt;/b&gt;" in html
    # Two sources, each with its archived copy nearest to the event's first day.
    assert html.count('target="_blank" rel="noopener noreferrer"') == 4
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html
    assert 'href="https://web.archive.org/web/20211108/https://example.org/b"' in html
    assert html.count(">archived copy (nearest capture)</a>") == 2
    # Precision is said: the month-precision dates and the approximate place.
    assert "Nov 2021 (month precision)" in html
    assert "<dt>Location</dt><dd>approximate (within a few km; see the notes)</dd>" in html
    assert "<dt>Category</dt><dd>At the border</dd>" in html  # a coded value in words


def test_only_http_sources_become_links():
    html = popup.popup_html(EVENTS, event_props(sources=["javascript:alert(1)", "https://ok.example/x"]))
    assert 'href="javascript' not in html
    assert "<li>javascript:alert(1)</li>" in html
    assert '<a href="https://ok.example/x" target="_blank" rel="noopener noreferrer">' in html


def test_archive_links_go_to_the_nearest_capture_of_the_day_or_any():
    assert 'href="https://web.archive.org/web/20211108/https://a.example/"' in popup.archive_link(
        "https://a.example/", "2021-11-08"
    )
    assert 'href="https://web.archive.org/web/2/https://a.example/"' in popup.archive_link(
        "https://a.example/", ""
    )
    assert popup.archive_link("javascript:alert(1)", "2021-11-08") == ""


def test_popup_sources_come_before_the_folded_notes():
    html = popup.popup_html(EVENTS, event_props())
    assert html.index("<b>Sources</b>") < html.index('<details class="notes">')
    assert "<summary>Notes: how this is known</summary>&lt;b&gt;bold?&lt;/b&gt;</details>" in html


def test_an_unknown_frequency_is_said_not_left_out():
    html = popup.popup_html(FLIGHT_ROUTES, route_props(flights_per_week=None))
    assert "<dt>Flights per week</dt><dd>not given in the sources</dd>" in html
    html = popup.popup_html(FLIGHT_ROUTES, route_props())
    assert "From</dt><dd>Baghdad" in html and "Flights per week</dt><dd>4</dd>" in html


def test_a_fence_popup_says_the_length_standing_and_its_day_sources():
    html = popup.popup_html(FENCES, fence_props())
    assert "135 km of 186.25 km planned (interpolated)" in html
    assert "Sources of this day&#x27;s figure" in html and "https://example.org/day" in html
    assert "<dt>How it is known</dt><dd>interpolated between 90 km" in html
    assert "(interpolated)" not in popup.popup_html(FENCES, fence_props(built_km_interpolated=False))
    unplanned = popup.popup_html(FENCES, fence_props(planned_km=None))
    assert "135 km (planned length not given)" in unplanned


def test_the_lasting_part_holds_no_day_figure_and_marks_where_the_day_goes():
    lasting, day = popup.popup_parts(FENCES, fence_props())
    assert popup.DAY_MARK in lasting and "135" not in lasting and "https://example.org/day" not in lasting
    assert "135 km of 186.25 km planned" in day
    # Completed as the browser does, the popup is the whole popup of the day.
    assert lasting.replace(popup.DAY_MARK, day) == popup.popup_html(FENCES, fence_props())
    # The browser writes each day's length where the mark is.
    _, marked = popup.popup_parts(FENCES, fence_props(), popup.KM_MARK)
    assert f"{popup.KM_MARK} km of 186.25 km planned" in marked and "135" not in marked


def test_a_layer_without_day_figures_has_an_empty_day_part():
    lasting, day = popup.popup_parts(FLIGHT_ROUTES, route_props())
    assert day == "" and lasting.replace(popup.DAY_MARK, "") == popup.popup_html(FLIGHT_ROUTES, route_props())


def test_a_camp_popup_shows_the_days_count_and_the_largest():
    props = {
        "id": "c",
        "name": "Camp",
        "start": "2021-11-08",
        "end": "2021-11-18",
        "people": 4000,
        "people_date": "2021-11-15",
        "people_on_day": 2000,
        "people_on_day_date": "2021-11-10",
        "people_on_day_sources": ["https://pl.example/day"],
        "sources": ["https://pl.example/camp"],
    }
    html = popup.popup_html(CAMPS, props)
    assert "<dt>People (latest count by this day)</dt><dd>2,000 on 10 Nov 2021</dd>" in html
    assert "<dt>Largest count (other estimates below)</dt><dd>4,000 on 15 Nov 2021</dd>" in html
    assert "https://pl.example/day" in popup.popup_parts(CAMPS, props)[1]
    before = popup.popup_html(CAMPS, {**props, "people_on_day": None, "people_on_day_sources": []})
    assert "<dt>People</dt><dd>no count in the sources by this day</dd>" in before


def test_a_camp_popup_shows_every_count_side_by_side_with_who_counted():
    props = {
        "id": "c",
        "name": "Camp",
        "start": "2021-11-08",
        "end": "2021-11-18",
        "counts": [
            {
                "date": "2021-11-08",
                "people": 800,
                "value_kind": "about",
                "by": "Polish Border Guard",
                "counts": "people in the camp",
                "sources": ["https://pl.example/a"],
                "estimates": [
                    {
                        "people": 4000,
                        "value_kind": "under",
                        "by": "<b>RMF</b>",
                        "sources": ["https://r.example/"],
                    }
                ],
            },
            {"date": "2021-11-13", "people": 2000, "by": "Belarusian State Border Committee", "sources": []},
        ],
    }
    html = popup.popup_html(CAMPS, props)
    assert "<summary>Every count in the sources</summary>" in html
    assert (
        "<li><b>8 Nov 2021</b>: about 800 (Polish Border Guard, people in the camp) "
        '<a href="https://pl.example/a" target="_blank" rel="noopener noreferrer">[1]</a>'
        ' · almost 4,000 (&lt;b&gt;RMF&lt;/b&gt;) <a href="https://r.example/"' in html
    )
    assert "<li><b>13 Nov 2021</b>: 2,000 (Belarusian State Border Committee)</li>" in html


def test_a_crossing_popup_says_whether_it_is_open_on_the_day():
    closed = {
        "id": "x",
        "name": "Kuźnica",
        "kind": "road",
        "status": "closed",
        "status_note": "closed 9 Nov 2021 – 16 Nov 2025. <b>until further notice</b>",
        "status_sources": ["https://pl.example/closed"],
        "sources": [],
    }
    html = popup.popup_html(CROSSINGS, closed)
    assert (
        "<dt>On this day</dt><dd>closed 9 Nov 2021 – 16 Nov 2025. &lt;b&gt;until further notice&lt;/b&gt;</dd>"
        in html
    )
    assert "https://pl.example/closed" in html and "<dt>Kind</dt><dd>road</dd>" in html
    opened = popup.popup_html(
        CROSSINGS, {**closed, "status": "open", "status_note": "", "status_sources": []}
    )
    assert "<dt>On this day</dt><dd>open</dd>" in opened and "Sources of this day" not in opened


def test_day_sources_already_listed_as_the_features_are_not_repeated():
    html = popup.popup_html(FENCES, fence_props(built_km_sources=["https://example.org/fence"]))
    assert "Sources of this day" not in html and html.count('href="https://example.org/fence"') == 1


def test_every_kind_of_day_has_its_rows():
    assert set(popup.DAY_ROWS) == {"fence", "camp", "crossing"}
    assert {spec.on_day for spec in (FENCES, CAMPS, CROSSINGS)} == set(popup.DAY_ROWS)


@pytest.mark.parametrize(
    ("spec", "props", "tip"),
    [
        (
            EVENTS,
            event_props(geo_precision="approximate"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (approximate location)",
        ),
        (
            EVENTS,
            event_props(geo_precision="region"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (region only)",
        ),
        (EVENTS, event_props(geo_precision="exact"), "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
        (TOWNS, {"name": "Brest <b>"}, "Brest &lt;b&gt;"),
        # A line or area placed roughly says so in its popup, not in its tooltip.
        (FENCES, fence_props(name="Wall"), "Wall"),
    ],
)
def test_tooltips_are_the_escaped_name_and_how_roughly_a_point_is_placed(spec, props, tip):
    assert popup.tooltip_text(spec, props) == tip


def test_popups_leave_the_properties_alone():
    props = fence_props()
    before = copy.deepcopy(props)
    popup.popup_parts(FENCES, props, popup.KM_MARK)
    popup.popup_html(FENCES, props)
    assert props == before
