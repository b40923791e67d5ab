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
        "d/towns.geojson: feature 'town-1': field 'sources' = 'not a url': not an acceptable http(s) URL: has a character that must be percent-encoded (' ')"
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
    (data_dir / "rumours.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(data.DataError, match=r"geodata/rumours.geojson: not a layer of the registry"):
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


# --- the crisis layers' own checks -----------------------------------------------------


def problems_of(tmp_path, layers) -> list[str]:
    with pytest.raises(data.DataError) as error:
        data.load_dataset(write_layers(tmp_path / "geodata", layers))
    return [str(p) for p in error.value.problems]


def test_enumerated_values_numbers_and_series_are_checked(tmp_path, layers):
    from helpers import SOURCE, camp, collection, fence, route

    layers["flight_routes.geojson"] = collection(
        route("r-bad", "2021-08-01", direction="sideways", flights_per_week=-2)
    )
    layers["fences.geojson"] = collection(
        fence(
            "f-bad",
            "2022-01-25",
            [
                {"date": "2022-06-30", "built_km": 10, "sources": [SOURCE]},
                {"date": "2022-05-01", "built_km": "many", "sources": []},
            ],
        )
    )
    layers["camps.geojson"] = collection(camp("c-bad", "2021-11-08", country="DE"))
    found = problems_of(tmp_path, layers)
    assert any(
        "'r-bad': field 'direction' = 'sideways': must be one of ('inbound', 'outbound')" in p for p in found
    )
    assert any("'r-bad': field 'flights_per_week' = -2: must be a number ≥ 0 or null" in p for p in found)
    assert any("'f-bad': field 'progress[1].date' = '2022-05-01': dates must increase" in p for p in found)
    assert any("'f-bad': field 'progress[1].built_km' = 'many': must be a number ≥ 0" in p for p in found)
    assert any(
        "'f-bad': field 'progress[1]' = []: sources: must be a non-empty list of URLs" in p for p in found
    )
    assert any("'c-bad': field 'country' = 'DE'" in p for p in found)


def test_closures_are_periods(tmp_path, layers):
    from helpers import SOURCE, collection, crossing

    layers["crossings.geojson"] = collection(
        crossing("x-bad", [{"start": "2021-11-09", "end": "2021-11-01", "sources": [SOURCE]}])
    )
    found = problems_of(tmp_path, layers)
    assert any("'x-bad': field 'closures[0].end' = '2021-11-01': is before its start" in p for p in found)


def test_monthly_table_problems_name_the_line(tmp_path, layers):
    from helpers import monthly_csv

    layers["monthly_figures.csv"] = monthly_csv(
        "PL,2021-10,attempted_crossings,17447,https://example.org/a,",
        "DE,2021-13,rumours,-5,ftp://x,",
    )
    found = problems_of(tmp_path, layers)
    for expected in (
        "geodata/monthly_figures.csv: feature 'line 3': field 'country' = 'DE'",
        "feature 'line 3': field 'month' = '2021-13': must be YYYY-MM",
        "feature 'line 3': field 'metric' = 'rumours'",
        "feature 'line 3': field 'value' = '-5': must be a number ≥ 0",
        "feature 'line 3': field 'source_url' = 'ftp://x': not a well-formed http(s) URL",
    ):
        assert any(expected in p for p in found), expected


def test_monthly_table_with_missing_columns(tmp_path, layers):
    layers["monthly_figures.csv"] = "country,month\nPL,2021-10\n"
    found = problems_of(tmp_path, layers)
    assert any(
        "monthly_figures.csv: field 'columns' = ['metric', 'value', 'source_url', 'notes']" in p
        for p in found
    )


def test_an_empty_layer_loads_with_its_columns(tmp_path, layers):
    from helpers import collection

    layers["camps.geojson"] = collection()
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    frame = dataset.frame("camps")
    assert frame.empty and {"start", "end", "kind", "counts"} <= set(frame.columns)
