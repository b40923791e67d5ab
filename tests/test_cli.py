"""``python -m mapapp validate`` and ``snapshot``, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import REPO, event, write_layers


def mapapp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mapapp", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_validate_bundled_data():
    done = mapapp("validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("geodata/ is valid: ")


def test_validate_reports_every_problem(tmp_path, layers):
    layers["events.geojson"]["features"] += [
        event("bad-1", "2021-11-40"),
        event("bad-2", "2021-11-08", sources=[]),
    ]
    directory = write_layers(tmp_path / "geodata", layers)
    done = mapapp("--data-dir", str(directory), "validate")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert (
        "geodata/events.geojson: feature 'bad-1': field 'start' = '2021-11-40': not an ISO date (YYYY-MM-DD)"
        in lines
    )
    assert (
        "geodata/events.geojson: feature 'bad-2': field 'sources' = []: must be a non-empty list of URLs"
        in lines
    )
    assert lines[-1] == "2 problem(s) in geodata/"
    assert "Traceback" not in done.stderr


def test_snapshot_of_the_default_day():
    done = mapapp("snapshot", "--date", "2021-11-13")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert "border_segments" in layers
    borders = [f for f in doc["features"] if f["properties"]["layer"] == "border_segments"]
    assert sorted(f["properties"]["countries"] for f in borders) == [
        "BY-LT",
        "BY-LV",
        "BY-PL",
        "BY-RU",
        "BY-UA",
    ]
    for f in borders:
        assert {"id", "countries", "length_km", "official_length_km", "sources"} <= set(f["properties"])
    # The backdrop is not a data layer.
    assert "countries" not in layers


@pytest.mark.parametrize(
    ("day", "present"),
    [("2021-11-15", False), ("2021-11-16", True), ("2021-11-17", False)],
)
def test_snapshot_shows_a_dated_feature_exactly_on_its_days(day, present):
    doc = json.loads(mapapp("snapshot", "--date", day).stdout)
    ids = {f["properties"]["id"] for f in doc["features"]}
    assert ("event-2021-11-16-water-cannon-kuznica" in ids) is present


def test_snapshot_keeps_every_property(tmp_path, layers):
    directory = write_layers(tmp_path / "geodata", layers)
    doc = json.loads(mapapp("--data-dir", str(directory), "snapshot", "--date", "2021-11-16").stdout)
    span = next(f for f in doc["features"] if f["properties"]["id"] == "ev-span")
    assert span["properties"] == {
        "id": "ev-span",
        "layer": "events",
        "name": "Event ev-span",
        "start": "2021-11-08",
        "end": "2021-11-17",
        "date_precision": "day",
        "geo_precision": "exact",
        "category": "border",
        "sources": ["https://example.org/source"],
        "notes": "",
    }
    assert span["geometry"] == {"type": "Point", "coordinates": [24.0, 53.5]}
    assert {f["properties"]["id"] for f in doc["features"] if f["properties"]["layer"] == "events"} == {
        "ev-span",
        "ev-open",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "2021-11-31",
            "snapshot: --date: invalid date '2021-11-31': expected YYYY-MM-DD; "
            "valid range is 2020-08-09 to 2022-12-31",
        ),
        (
            "yesterday",
            "snapshot: --date: invalid date 'yesterday': expected YYYY-MM-DD; "
            "valid range is 2020-08-09 to 2022-12-31",
        ),
        (
            "2021-W46-2",
            "snapshot: --date: invalid date '2021-W46-2': expected YYYY-MM-DD; "
            "valid range is 2020-08-09 to 2022-12-31",
        ),
        (
            "2020-08-08",
            "snapshot: --date: date 2020-08-08 is outside the map's period: "
            "valid range is 2020-08-09 to 2022-12-31",
        ),
    ],
)
def test_snapshot_bad_date_exits_2_with_one_line(value, message):
    done = mapapp("snapshot", "--date", value)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == message
    assert len(done.stderr.strip().splitlines()) == 1


def test_snapshot_with_bad_data_exits_1_without_traceback(tmp_path, layers):
    layers["events.geojson"]["features"][0]["properties"]["start"] = "soon"
    directory = write_layers(tmp_path / "geodata", layers)
    done = mapapp("--data-dir", str(directory), "snapshot", "--date", "2021-11-16")
    assert done.returncode == 1
    assert "feature 'ev-early': field 'start' = 'soon'" in done.stderr
    assert "Traceback" not in done.stderr


def test_data_dir_is_accepted_after_the_command(tmp_path, layers):
    directory = write_layers(tmp_path / "elsewhere", layers)
    done = mapapp("validate", "--data-dir", str(directory))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("elsewhere/ is valid: ")
    doc = json.loads(mapapp("snapshot", "--date", "2021-11-16", "--data-dir", str(directory)).stdout)
    assert "ev-span" in {f["properties"]["id"] for f in doc["features"]}
