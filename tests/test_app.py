"""The page under AppTest: it runs, its controls change what the map is given."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest
from helpers import REPO, write_layers
from streamlit.testing.v1 import AppTest

from mapapp import assets, data

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
    elements = [node for node in _walk(at._tree) if getattr(node, "type", "") == "component_instance"]
    assert len(elements) == 1, "expected exactly one map component"
    return json.loads(elements[0].proto.json_args)


def drawn(at: AppTest) -> str:
    """The layers' script and the static layer files it links (not the libraries, which
    hold every feature of every day): what the map draws on the day shown."""
    script = map_args(at)["feature_group"]
    files = re.findall(r'var url = "/mapapp-files/data/([^"]+)"', script)
    return script + "".join((assets.data_files_dir() / name).read_text(encoding="utf-8") for name in files)


def drawn_ids(at: AppTest) -> set[str]:
    """Ids of the features the map draws (sent in the script, or in a day file it links)."""
    return set(re.findall(r'"id": ?"([^"]+)"', drawn(at)))


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
    assert args["js_links"] and all(url.startswith("/mapapp-files/vendor/") for url in args["js_links"])
    assert all(url.startswith("/mapapp-files/") for url in args["css_links"])
    assert "https://" not in args["header"] and "http://" not in args["header"]
    # Static layers are fetched by URL, not embedded.
    assert 'var url = "/mapapp-files/data/border_segments.' in args["feature_group"]
    assert 'var url = "/mapapp-files/data/countries.' in args["feature_group"]
    # Every crisis layer is drawn on the peak day of the Kuźnica standoff; what does not
    # change from day to day comes from library files the browser fetches once, so the
    # rerun's message stays small.
    for layer in ("camps", "fences", "flight_routes", "emergency_zones", "crossings"):
        assert f'"/mapapp-files/data/{layer}-popups.' in args["feature_group"]
    for layer in ("flight_routes", "emergency_zones"):
        assert f'"/mapapp-files/data/{layer}-shapes.' in args["feature_group"]
    assert "camp-kuznica-bruzgi" in drawn_ids(at)
    assert len(args["feature_group"]) < 120_000
    # The figures beside the map, each with what it counts.
    labels = [m.label for m in at.metric]
    assert "People at the border camps" in labels and "Fence standing: Poland" in labels
    assert "Poland, November 2021" in labels
    # A newcomer finds how to read precision and where the data come from.
    about = next(e for e in at.expander if e.label.startswith("About this map"))
    assert "approximate" in about.markdown[0].value and "ODbL" in about.markdown[0].value


def test_an_unchanged_layer_is_sent_as_a_link_not_again_as_data(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    first = map_args(at)["feature_group"]
    assert '"id":"z-1"' in first  # the zone's drawing is sent once…
    at.slider[0].set_value(dt.date(2021, 11, 14)).run()
    second = map_args(at)["feature_group"]
    # …and on the next day, unchanged, only linked (the browser keeps what it drew).
    assert '"id":"z-1"' not in second and '"/mapapp-files/data/emergency_zones-day.' in second
    assert "z-1" in drawn_ids(at)


def test_moving_the_slider_changes_what_the_map_is_given(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    before = map_args(at)
    assert "ev-open" not in drawn_ids(at)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    after = map_args(at)
    assert not at.exception
    assert "ev-open" in drawn_ids(at)
    # The base map is unchanged, so the component keeps its iframe (in-place update).
    assert after["key"] == before["key"] and after["script"] == before["script"]
    assert heading(at) == "#### The map on 16 November 2021"
    assert at.query_params["date"] == "2021-11-16"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("1 day ▶", dt.date(2021, 11, 14)),
        ("◀ 1 day", dt.date(2021, 11, 12)),
        ("1 week ▶", dt.date(2021, 11, 20)),
        ("◀ 1 week", dt.date(2021, 11, 6)),
    ],
)
def test_step_buttons_move_the_day(monkeypatch, data_dir, label, expected):
    at = run_app(monkeypatch, data_dir)
    button(at, label).click().run()
    assert not at.exception
    assert at.sidebar.slider[0].value == expected
    assert heading(at) == f"#### The map on {expected.day} {expected:%B %Y}"


def test_jumps_go_to_the_previous_and_next_change(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    # Around 13 Nov the small data change on the 10th (a camp count), the 12th (the day
    # after a route's end) and the 16th (an event starts).
    button(at, "Change ▶▶").click().run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 16)
    button(at, "◀◀ Change").click().run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 12)
    button(at, "◀◀ Change").click().run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 10)


def test_play_advances_the_day_and_pause_stops(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    button(at, "▶ Play").click().run()
    assert at.session_state["playing"] is True
    assert button(at, "❚❚ Pause")
    # The timer (a fragment that AppTest does not run by itself) asks for the next day.
    at.session_state["tick"] = True
    at.run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 14)
    button(at, "❚❚ Pause").click().run()
    assert at.session_state["playing"] is False
    at.session_state["tick"] = True
    at.run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 14)


def test_play_speed_sets_the_interval_between_days(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    assert at.session_state["play_interval"] == 1.0
    speed = at.sidebar.selectbox(key="speed")
    speed.set_value(next(o for o in speed.options if o.startswith("Fast"))).run()
    assert at.session_state["play_interval"] == 0.5


def test_chart_offers_the_figures_in_the_data(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    chart_choice = at.selectbox(key="chart_metric")
    assert chart_choice.options == ["Attempted crossings", "People detained"]
    chart_choice.set_value("detentions").run()
    assert not at.exception
    # The chart itself follows the map on a page's first load; then it is drawn.
    assert not at.get("vega_lite_chart")
    at.session_state["chart_ready"] = True
    at.run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][-1]["data"]["values"] == [{"date": "2021-11-13"}]  # the day's marker
    # The whole table, running totals included, is one click away with its sources.
    table = next(e for e in at.expander if e.label.startswith("Every figure of the table"))
    assert len(table.dataframe[0].value) == 2


def test_play_stops_at_the_end_of_the_period(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    at.sidebar.slider[0].set_value(dt.date(2022, 12, 31)).run()
    button(at, "▶ Play").click().run()
    # Playing from the last day starts again from the beginning.
    assert at.sidebar.slider[0].value == dt.date(2020, 8, 9)


def test_toggling_a_layer_removes_it_and_keeps_the_map(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    before = map_args(at)
    assert "border_segments." in before["feature_group"]
    at.sidebar.checkbox(key="layer_border_segments").uncheck().run()
    after = map_args(at)
    assert "border_segments." not in after["feature_group"]
    assert "towns." in after["feature_group"]
    assert after["key"] == before["key"]
    assert "border_segments" not in at.query_params["layers"]


def test_switching_every_layer_off_still_sends_a_group(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16))
    for box in at.sidebar.checkbox:
        box.uncheck()
    at.run()
    assert not at.exception
    groups = drawn(at)
    # Only the basemap's and the legend's groups are left, so the frontend clears the old groups.
    assert "feature_group_feature_group_1" in groups and "feature_group_feature_group_2" not in groups
    for gone in ("border_segments.", "towns.", '"ev-open"'):
        assert gone not in groups
    assert at.query_params["layers"] == ""


def test_basemap_choice(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    first = map_args(at)
    assert "tileLayer" not in first["feature_group"] and "countries." in first["feature_group"]
    at.sidebar.radio(key="basemap").set_value("osm").run()
    second = map_args(at)
    # The basemap is switched inside the same map (zoom and pan stay): only the groups change.
    assert second["script"] == first["script"]
    assert "tile.openstreetmap.org" in second["feature_group"] and "countries." not in second["feature_group"]
    assert at.query_params["basemap"] == "osm"


def test_url_restores_date_layers_and_basemap(monkeypatch, data_dir):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2021-11-16"
    at.query_params["layers"] = "events,camps"
    at.query_params["basemap"] = "osm"
    at.run()
    assert not at.exception and not notices_of(at)
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 16)
    checked = {box.key.removeprefix("layer_") for box in at.sidebar.checkbox if box.value}
    assert checked == {"events", "camps"}
    assert at.sidebar.radio(key="basemap").value == "osm"
    groups = drawn(at)
    assert "ev-open" in drawn_ids(at) and "border_segments." not in groups


def test_bad_url_parameters_fall_back_with_a_notice(monkeypatch, data_dir):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2021-02-30"
    at.query_params["layers"] = "events,ufo"
    at.query_params["basemap"] = "satellite"
    at.run()
    assert not at.exception
    notices = " ".join(notices_of(at))
    # The notices are escaped HTML, never Markdown: the link's values stay plain text.
    assert (
        "The link&#x27;s date “2021-02-30” was not used" in notices
        and "ufo" in notices
        and "satellite" in notices
    )
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)
    assert at.sidebar.radio(key="basemap").value == "offline"
    # The URL now says what is shown.
    assert at.query_params["date"] == "2021-11-13" and at.query_params["layers"] == "events"
    # The notice stays while the reader looks at that view, and goes with the first step.
    at.run()
    assert notices_of(at)
    button(at, "1 day ▶").click().run()
    assert not notices_of(at)


def test_an_event_of_the_week_takes_the_map_to_it(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    event_button = next(b for b in at.button if b.key == "event_ev-span")
    assert event_button.label == "Show"
    assert '<div class="mapapp-event"><b>Mon 08 Nov</b> · Event ev-span</div>' in [h.value for h in at.html]
    event_button.click().run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 8)
    first = map_args(at)
    assert first["center"] == pytest.approx([53.5, 24.0], abs=1e-6) and first["zoom"] == 10
    # Asked again (the reader panned away meanwhile): the centre given changes, so the map moves again.
    next(b for b in at.button if b.key == "event_ev-span").click().run()
    again = map_args(at)
    assert again["center"] != first["center"] and again["center"] == pytest.approx([53.5, 24.0], abs=1e-6)


def test_downloads_are_offered(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    labels = [b.proto.label for b in download_buttons(at)]
    assert labels == ["Snapshot (GeoJSON)", "Snapshot with sources (CSV)", "This map (HTML, works offline)"]


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
    ids = drawn_ids(at)
    assert "ev-span" in ids and "ev-open" in ids and "ev-early" not in ids
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 18)).run()
    ids = drawn_ids(at)
    assert "ev-span" not in ids and "ev-open" in ids


def test_data_is_loaded_once_per_process(monkeypatch, data_dir):
    calls = []
    real = data.load_dataset

    def counting_load(directory=None):
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(data, "load_dataset", counting_load)
    at = run_app(monkeypatch, data_dir)
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
    text = next(h.value for h in at.html if "<b>Tue 16 Nov</b>" in h.value)
    # Shown through st.html as escaped text: Markdown is never applied to it.
    assert "See ![](https://tracker.example/p.png) [here](https://x.example)" in text and "<a" not in text


def notices_of(at: AppTest) -> list[str]:
    """The notices about the link shown above the map."""
    return [h.value for h in at.html if 'class="mapapp-notice"' in h.value]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def download_buttons(at: AppTest) -> list:
    return list(at.download_button)


def test_go_to_a_place_centres_the_map_on_it(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    goto = at.sidebar.selectbox(key="goto")
    assert "Crossing x-1 (crossing)" in goto.options and "Townsville (town)" in goto.options
    goto.set_value("Crossing x-1 (crossing)").run()
    args = map_args(at)
    assert args["center"] == pytest.approx([53.5, 23.9], abs=1e-6) and args["zoom"] == 10
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)  # the day stays
    # The list is back at its prompt, so the same place can be chosen again, and it moves the map.
    assert at.sidebar.selectbox(key="goto").value == ""
    at.sidebar.selectbox(key="goto").set_value("Crossing x-1 (crossing)").run()
    assert map_args(at)["center"] != args["center"]


def test_a_failure_shows_a_plain_message_not_a_traceback(monkeypatch, data_dir, caplog):
    from mapapp import dayview

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path/geodata went away")

    monkeypatch.setattr(dayview.DayViews, "get", broken)
    at = run_app(monkeypatch, data_dir)
    assert not at.exception  # no traceback reaches the page…
    message = " ".join(e.value for e in at.error)
    assert "Something went wrong while drawing this page" in message and "/srv/secret" not in message
    # …the server's log has it, with a reference the page gives.
    assert any("/srv/secret/path" in r.getMessage() or r.exc_info for r in caplog.records)


def test_visitors_never_see_error_details():
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_about_the_data_shows_the_quality_table(monkeypatch):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(REPO / "geodata"))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    about = next(e for e in at.expander if e.label.startswith("About the data"))
    table = about.dataframe[0].value
    assert {"camps", "events", "monthly_figures"} <= set(table.iloc[:, 0])
    assert not [h for h in at.html if "mapapp-rule" in h.value]  # the bundled data breaks no rule


def test_layer_files_removed_by_another_process_are_published_again(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    linked = re.findall(r'"/mapapp-files/data/([^"]+)"', map_args(at)["feature_group"])
    assert linked
    for name in linked:
        (assets.data_files_dir() / name).unlink(missing_ok=True)
    at.run()
    assert not at.exception
    for name in re.findall(r'"/mapapp-files/data/([^"]+)"', map_args(at)["feature_group"]):
        assert (assets.data_files_dir() / name).exists(), name


def test_two_places_of_one_name_are_both_offered(monkeypatch, tmp_path, layers):
    second = copy.deepcopy(layers["towns.geojson"]["features"][0])
    second["properties"]["id"] = "town-2"
    second["geometry"]["coordinates"] = [24.9, 53.9]
    layers["towns.geojson"]["features"].append(second)
    at = run_app(monkeypatch, write_layers(tmp_path / "geodata", layers))
    options = at.sidebar.selectbox(key="goto").options
    assert "Townsville (town)" in options and "Townsville (town, town-2)" in options
