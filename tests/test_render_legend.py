"""The legend: what each colour and symbol means, per layer, from its spec."""

from __future__ import annotations

import dataclasses

from mapapp.layers import (
    BORDER_SEGMENTS,
    CAMPS,
    EMERGENCY_ZONES,
    EVENTS,
    FENCES,
    FLIGHT_ROUTES,
    TOWNS,
    toggleable,
)
from mapapp.render import legend


def test_the_legend_lists_every_neighbour_by_its_key():
    entry = legend.legend_of(BORDER_SEGMENTS)
    assert entry["title"] == "Belarus's borders" and entry["swatch"] == "line"
    assert entry["entries"] == [
        [key, colour, label] for key, (colour, label) in BORDER_SEGMENTS.colours.items()
    ]
    labels = [label for _, _, label in entry["entries"]]
    assert "Belarus–Poland (EU)" in labels and "Belarus–Russia" in labels


def test_a_layer_of_one_colour_has_one_entry_under_its_title():
    assert legend.legend_of(TOWNS) == {
        "title": "Reference towns",
        "swatch": "dot",
        "entries": [["", TOWNS.colour, "Reference towns"]],
        "note": "",
    }


def test_swatches_follow_the_geometry():
    assert [legend.legend_of(spec)["swatch"] for spec in (EMERGENCY_ZONES, FENCES, EVENTS)] == [
        "area",
        "line",
        "dot",
    ]


def test_notes_come_from_the_spec():
    assert legend.legend_of(FLIGHT_ROUTES)["note"].startswith("Routes: width = flights per week")
    assert legend.legend_of(CAMPS)["note"] == CAMPS.legend_note
    assert legend.legend_of(FENCES)["note"] == FENCES.legend_note
    changed = dataclasses.replace(EVENTS, legend_note="Events: a note")
    assert legend.legend_of(changed)["note"] == "Events: a note"


def test_every_layer_has_a_legend_and_every_category_a_label():
    for spec in toggleable():
        entry = legend.legend_of(spec)
        assert entry["entries"] and all(
            label and colour.startswith("#") for _, colour, label in entry["entries"]
        )
    assert set(legend.PRECISION_NOTES) == {"approximate", "region"}
    assert "25 km" in legend.PRECISION_NOTES["region"]
