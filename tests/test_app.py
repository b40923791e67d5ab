"""The page under AppTest: it runs, its controls change what the map is given."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import REPO, write_layers
from streamlit.testing.v1 import AppTest

from mapapp import data

APP = str(REPO / "mapapp" / "app.py")


def run_app(monkeypatch, directory=None) -> AppTest:
    if directory is not None:
        monkeypatch.setenv(data.DATA_DIR_ENV, str(directory))
    at = AppTest.from_file(APP, default_timeout=60)
    # Each test gets its own cache: the dataset is cached once per process.
    at.run()
    return at


@pytest.fixture(autouse=True)
def fresh_caches():
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def map_args(at: AppTest) -> dict:
    """What the map component was given on the last run."""
    elements = [node for node in _walk(at._tree) if type(node).__name__ == "UnknownElement"]
    assert len(elements) == 1, "expected exactly one map component"
    return json.loads(elements[0].proto.json_args)


def heading(at: AppTest) -> str:
    """The heading above the map, which names the day shown."""
    return next(m.value for m in at.markdown if m.value.startswith("#### "))


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def test_page_runs_on_bundled_data(monkeypatch):
    at = run_app(monkeypatch)
    assert not at.exception
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)
    assert heading(at) == "#### The map on 13 November 2021"
    args = map_args(at)
    # The map's code comes from the app itself, never from a CDN.
    assert args["js_links"] and all(url.startswith("/app/static/vendor/") for url in args["js_links"])
    assert all(url.startswith("/app/static/") for url in args["css_links"])
    assert "https://" not in args["header"] and "http://" not in args["header"]
    # Static layers are fetched by URL, not embedded.
    assert '$.ajax("/app/static/data/border_segments.' in args["feature_group"]
    assert '$.ajax("/app/static/data/countries.' in args["script"]
    # A newcomer finds how to read precision and where the data come from.
    about = at.expander[0]
    assert about.label.startswith("About this map")
    assert "approximate" in about.markdown[0].value and "ODbL" in about.markdown[0].value


def test_moving_the_slider_changes_what_the_map_is_given(monkeypatch):
    at = run_app(monkeypatch)
    before = map_args(at)
    assert "water cannon" not in before["feature_group"]
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    after = map_args(at)
    assert not at.exception
    assert "water cannon" in after["feature_group"]
    # The base map is unchanged, so the component keeps its iframe (in-place update).
    assert after["key"] == before["key"]
    assert heading(at) == "#### The map on 16 November 2021"
    assert any(
        "Events on this day: Clashes at the Kuźnica–Bruzgi crossing" in c.value for c in at.main.caption
    )


def test_toggling_a_layer_removes_it_and_keeps_the_map(monkeypatch):
    at = run_app(monkeypatch)
    before = map_args(at)
    assert "border_segments." in before["feature_group"]
    at.sidebar.checkbox(key="layer_border_segments").uncheck().run()
    after = map_args(at)
    assert "border_segments." not in after["feature_group"]
    assert "towns." in after["feature_group"]
    assert after["key"] == before["key"]


def test_switching_every_layer_off_still_sends_a_group(monkeypatch):
    at = run_app(monkeypatch)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16))
    for box in at.sidebar.checkbox:
        box.uncheck()
    at.run()
    assert not at.exception
    groups = map_args(at)["feature_group"]
    # Only the empty placeholder is left, so the frontend clears the old groups.
    assert "feature_group_feature_group_0" in groups and "feature_group_feature_group_1" not in groups
    for gone in ("border_segments.", "towns.", "water cannon"):
        assert gone not in groups


def test_basemap_choice(monkeypatch):
    at = run_app(monkeypatch)
    assert "tileLayer" not in map_args(at)["script"]
    at.sidebar.radio(key="basemap").set_value("osm").run()
    script = map_args(at)["script"]
    assert "tile.openstreetmap.org" in script
    assert "countries." not in script


def test_bad_data_shows_every_problem_instead_of_a_traceback(monkeypatch, tmp_path, layers):
    layers["events.geojson"]["features"][0]["properties"]["start"] = "2021-02-30"
    layers["towns.geojson"]["features"][0]["geometry"] = None
    directory = write_layers(tmp_path / "geodata", layers)
    at = run_app(monkeypatch, directory)
    assert not at.exception
    assert "The map data has 2 problem(s)" in at.error[0].value
    assert "feature 'ev-early': field 'start' = '2021-02-30'" in at.code[0].value
    assert "feature 'town-1': field 'geometry' = None: missing geometry" in at.code[0].value


def test_small_data_directory_drives_the_map(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    fg = map_args(at)["feature_group"]
    assert "Event ev-span" in fg and "Event ev-open" in fg and "Event ev-early" not in fg
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 18)).run()
    fg = map_args(at)["feature_group"]
    assert "Event ev-span" not in fg and "Event ev-open" in fg


def test_data_is_loaded_once_per_process(monkeypatch):
    calls = []
    real = data.load_dataset

    def counting_load(directory=None):
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(data, "load_dataset", counting_load)
    at = run_app(monkeypatch)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    at.sidebar.checkbox(key="layer_towns").uncheck().run()
    second_session = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not second_session.exception
    assert len(calls) == 1


def test_event_names_reach_the_page_as_text_not_markdown(monkeypatch, tmp_path, layers):
    layers["events.geojson"]["features"][2]["properties"]["name"] = (
        "See ![](https://tracker.example/p.png) [here](https://x.example)"
    )
    directory = write_layers(tmp_path / "geodata", layers)
    at = run_app(monkeypatch, directory)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    caption = next(c.value for c in at.main.caption if c.value.startswith("Events on this day"))
    assert "![](" not in caption and "](https" not in caption
    assert "tracker\\.example" in caption
