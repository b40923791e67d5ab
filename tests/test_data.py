"""Loading: the bundled data is valid; problems name file, feature, field and value."""

from __future__ import annotations

import pytest
from helpers import GEODATA, event, write_layers

from mapapp import data
from mapapp.layers import REGISTRY


def test_bundled_geodata_is_valid():
    dataset = data.load_dataset(GEODATA)
    assert set(dataset.frames) == {spec.id for spec in REGISTRY}
    for frame in dataset.frames.values():
        assert frame.crs.to_epsg() == 4326
        assert frame["id"].is_unique


def test_small_directory_loads(data_dir):
    dataset = data.load_dataset(data_dir)
    events = dataset.frame("events")
    assert list(events["id"]) == ["ev-early", "ev-span", "ev-open"]
    assert events.loc[events["id"] == "ev-open", "end"].item() == ""
    # Undated layers get their layer id as a column, for snapshots.
    assert set(dataset.frame("towns")["layer"]) == {"towns"}


def test_problems_of_all_files_are_reported_together(tmp_path, layers):
    layers["events.geojson"]["features"].append(event("ev-bad", "2021-11-31"))
    layers["towns.geojson"]["features"][0]["properties"]["sources"] = ["not a url"]
    directory = write_layers(tmp_path / "d", layers)
    with pytest.raises(data.DataError) as info:
        data.load_dataset(directory)
    messages = [str(p) for p in info.value.problems]
    assert (
        "d/events.geojson: feature 'ev-bad': field 'start' = '2021-11-31': not an ISO date (YYYY-MM-DD)"
        in messages
    )
    assert (
        "d/towns.geojson: feature 'town-1': field 'sources' = 'not a url': not a well-formed http(s) URL"
        in messages
    )


def test_missing_file_and_broken_json(tmp_path, layers):
    del layers["towns.geojson"]
    layers["events.geojson"] = '{"type": "FeatureCollection", "features": [}'
    directory = write_layers(tmp_path / "d", layers)
    with pytest.raises(data.DataError) as info:
        data.load_dataset(directory)
    messages = [str(p) for p in info.value.problems]
    assert "d/towns.geojson: file is missing" in messages
    assert any(m.startswith("d/events.geojson: not valid JSON (line 1, column") for m in messages), messages


def test_unknown_layer_file_is_reported(data_dir):
    (data_dir / "camps.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(data.DataError, match=r"geodata/camps.geojson: not a layer of the registry"):
        data.load_dataset(data_dir)


def test_unknown_event_category_is_reported(tmp_path, layers):
    layers["events.geojson"]["features"][0]["properties"]["category"] = "gossip"
    directory = write_layers(tmp_path / "d", layers)
    with pytest.raises(
        data.DataError, match=r"feature 'ev-early': field 'category' = 'gossip': must be one of"
    ):
        data.load_dataset(directory)


def test_data_dir_follows_environment(monkeypatch, data_dir):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    assert data.data_dir() == data_dir
    monkeypatch.delenv(data.DATA_DIR_ENV)
    assert data.data_dir() == data.DEFAULT_DATA_DIR


def test_category_problem_is_reported_with_other_problems(tmp_path, layers):
    layers["events.geojson"]["features"][0]["properties"]["category"] = "gossip"
    layers["events.geojson"]["features"][1]["properties"]["start"] = "later"
    directory = write_layers(tmp_path / "d", layers)
    with pytest.raises(data.DataError) as info:
        data.load_dataset(directory)
    messages = "\n".join(str(p) for p in info.value.problems)
    assert "feature 'ev-early': field 'category' = 'gossip'" in messages
    assert "feature 'ev-span': field 'start' = 'later'" in messages


def test_missing_category_is_reported_once(tmp_path, layers):
    del layers["events.geojson"]["features"][0]["properties"]["category"]
    directory = write_layers(tmp_path / "d", layers)
    with pytest.raises(data.DataError) as info:
        data.load_dataset(directory)
    assert [str(p) for p in info.value.problems] == [
        "d/events.geojson: feature 'ev-early': field 'category' = None: required field is missing"
    ]


def test_list_where_a_value_belongs_is_reported_not_raised(tmp_path, layers):
    layers["events.geojson"]["features"][0]["properties"]["category"] = ["border"]
    directory = write_layers(tmp_path / "d", layers)
    with pytest.raises(data.DataError) as info:
        data.load_dataset(directory)
    assert [str(p) for p in info.value.problems] == [
        "d/events.geojson: feature 'ev-early': field 'category' = ['border']: must be one of "
        "('political', 'border', 'humanitarian', 'aviation', 'sanctions', 'legal')"
    ]
