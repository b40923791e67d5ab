"""Downloads: the snapshot as GeoJSON and CSV with sources (the HTML map: tests/test_reader.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from helpers import write_layers

from mapapp import data, export, snapshot

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
