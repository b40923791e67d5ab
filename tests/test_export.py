"""Downloads: the snapshot as GeoJSON and CSV with sources, and a standalone HTML map."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from helpers import write_layers

from mapapp import data, export, published, snapshot

DAY = dt.date(2021, 11, 16)


@pytest.fixture
def frames(tmp_path, layers):
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    return dataset, snapshot.frames_on(dataset, DAY)


def test_geojson_download_is_the_snapshot(frames):
    dataset, day_frames = frames
    doc = json.loads(export.snapshot_geojson(day_frames, DAY))
    assert doc == json.loads(json.dumps(snapshot.snapshot(dataset, DAY)))


def test_csv_has_one_row_per_feature_with_sources(frames):
    _, day_frames = frames
    text = export.snapshot_csv(day_frames, DAY)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["map_date"] for row in rows} == {"2021-11-16"}
    assert len(rows) == sum(len(f) for f in day_frames.values())
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    assert all(row["sources"].startswith("https://") for row in rows)
    camp = next(r for r in rows if r["layer"] == "camps")
    assert camp["people_on_day"] == "2000" and camp["day_sources"] == "https://example.org/source"
    event = next(r for r in rows if r["id"] == "ev-open")
    assert (event["longitude"], event["latitude"]) == ("24.0", "53.5")


def test_html_download_is_standalone_and_escaped(frames):
    dataset, _ = frames
    documents = published.documents(dataset)
    html = export.standalone_html(documents, DAY, ["events", "camps"], "osm")
    # Leaflet, the engine and the data are inline: no script or stylesheet is loaded from anywhere.
    assert "<script src=" not in html and 'rel="stylesheet"' not in html and "<link" not in html
    assert "L.map(" in html and "export class TimeMap" in html
    assert "<title>Belarus–EU border crisis: the map on 16 November 2021</title>" in html
    # The data sit in JSON blocks the engine reads back, one per document.
    blocks = dict(re.findall(r'<script type="application/json" id="tm-(\w+)">(.*?)</script>', html, re.S))
    assert set(blocks) == {"config", "timeline", "popups", "backdrop"}
    config = json.loads(blocks["config"])
    assert (config["day"], config["layers"], config["basemap"]) == ("2021-11-16", ["events", "camps"], "osm")
    for name in ("timeline", "popups", "backdrop"):
        assert json.loads(blocks[name]) == documents[name]


def test_html_download_cannot_be_ended_by_the_data(tmp_path, layers):
    layers["events.geojson"]["features"][2]["properties"]["name"] = "</script><script>alert(1)</script>"
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    html = export.standalone_html(published.documents(dataset), DAY, ["events"])
    assert "<script>alert(1)" not in html
    # Every <script> element the page opens is one of ours.
    assert html.count("<script") == html.count("</script>") == 6
