"""The page under AppTest: the Python side of the two-way link with the map.

The map keeps its day in the browser (``mapapp/static/timemap.js``, tested in
Chromium under ``tests/browser``). Here the page is driven as the browser
drives it: widgets, and the values the map component reports (``day`` and
``view``, as ``component.js`` sends them with ``setStateValue``).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json

import pytest
from helpers import REPO, write_layers
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from mapapp import assets, compiled, data

APP = str(REPO / "mapapp" / "app.py")
_REPORTS = itertools.count(1)


def run_app(monkeypatch, directory=None) -> AppTest:
    if directory is not None:
        monkeypatch.setenv(data.DATA_DIR_ENV, str(directory))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


@pytest.fixture(autouse=True)
def fresh_caches():
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def map_element(at: AppTest):
    """The one map component of the page."""
    elements = [node for node in _walk(at._tree) if getattr(node, "type", "") == "bidi_component"]
    assert len(elements) == 1, "expected exactly one map component"
    return elements[0].proto


def map_args(at: AppTest) -> dict:
    """What the map component was given on the last run."""
    return json.loads(map_element(at).json)


def map_reports(at: AppTest, **values: object) -> AppTest:
    """Run the page as after the map reported ``values`` (``day=…``, ``view=…``).

    ``component.js`` reports each value as ``{"value": …, "n": …}`` (a counter, so
    that the same value reported again is still news); the component's state holds
    every name last reported.
    """
    reported = dict(at.session_state["map"]) if "map" in at.session_state else {}
    for name, value in values.items():
        reported[name] = {"value": value, "n": next(_REPORTS)}
    states = at._tree.get_widget_states()
    widget = states.widgets.add()
    widget.id = map_element(at).id
    widget.json_value = json.dumps(reported)
    assert isinstance(states, WidgetStates)
    return at._run(states)


def timeline_of(at: AppTest) -> dict:
    """The compiled timeline the map was given (by URL), read back from the published file."""
    name = map_args(at)["timeline_url"].rsplit("/", 1)[-1]
    return json.loads((assets.data_files_dir() / name).read_text(encoding="utf-8"))


def stands(timeline: dict, feature_id: str, day: str) -> bool:
    """Whether the timeline draws ``feature_id`` on ``day`` (as timemap.js reads it)."""
    index = compiled.day_index(day)
    for layer in timeline["layers"]:
        for feature in layer["features"]:
            if feature["id"] == feature_id:
                return feature["a"] <= index <= feature["b"]
    return False


def heading(at: AppTest) -> str:
    """The heading above the map, which names the day shown."""
    return next(m.value for m in at.markdown if m.value.startswith("#### "))


def notices_of(at: AppTest) -> list[str]:
    """The notices about the link shown above the map."""
    return [h.value for h in at.html if 'class="mapapp-notice"' in h.value]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def page_text(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown] + [h.value for h in at.html] + [c.value for c in at.caption]
    )


def test_page_runs_on_bundled_data(monkeypatch):
    at = run_app(monkeypatch)
    assert not at.exception
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)
    assert heading(at) == "#### The map on 13 November 2021"
    args = map_args(at)
    assert args["day"] == "2021-11-13"
    assert {"camps", "fences", "events"} <= set(args["layers"]) and args["basemap"] == "offline"
    # The map's code and data come from the app itself, never from a CDN…
    urls = [args["assets"]["leaflet"], args["assets"]["engine"], *args["assets"]["css"]]
    urls += [args["timeline_url"], args["popups_url"], args["backdrop_url"]]
    assert all(url.startswith("/mapapp-files/") for url in urls)
    # …and the whole timeline is a file the browser fetches once, not data sent at every run.
    assert len(map_element(at).json) < 4_000
    assert stands(timeline_of(at), "camp-kuznica-bruzgi", "2021-11-13")
    labels = [m.label for m in at.metric]
    assert "People at the border camps" in labels and "Fence standing: Poland" in labels
    assert "Poland, November 2021" in labels
    # A newcomer finds how to read precision, where the data come from, and how to step.
    about = next(e for e in at.expander if e.label.startswith("About this map"))
    assert "approximate" in about.markdown[0].value and "ODbL" in about.markdown[0].value
    assert "Shift" in about.markdown[0].value and "Play" in about.markdown[0].value


def test_the_map_is_the_same_component_whatever_the_reader_changes(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    first = map_element(at)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    at.sidebar.checkbox(key="layer_towns").uncheck().run()
    at.sidebar.radio(key="basemap").set_value("osm").run()
    map_reports(at, day="2021-11-20", view="53.50000,24.00000,9")
    last = map_element(at)
    # One element id: Streamlit updates the map in place and never builds it again.
    assert last.id == first.id
    assert map_args(at)["timeline_url"] == json.loads(first.json)["timeline_url"]


def test_moving_the_slider_asks_the_map_to_follow(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    before = map_args(at)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    after = map_args(at)
    assert not at.exception
    assert after["day"] == "2021-11-16" and after["day_seq"] == before["day_seq"] + 1
    assert heading(at) == "#### The map on 16 November 2021"
    assert at.query_params["date"] == "2021-11-16"


def test_the_page_follows_the_day_the_map_reports(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    before = map_args(at)
    at.session_state["chart_ready"] = True
    map_reports(at, day="2021-11-20")
    assert not at.exception
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 20)
    assert heading(at) == "#### The map on 20 November 2021"
    assert at.query_params["date"] == "2021-11-20"
    assert "Events in the week of 15 Nov – 21 Nov 2021" in page_text(at)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][-1]["data"]["values"] == [{"date": "2021-11-20"}]
    # The map is already on that day: it is not asked to go there (no new sequence number).
    after = map_args(at)
    assert after["day_seq"] == before["day_seq"] and after["day"] == "2021-11-20"


def test_the_figures_kept_in_parts_are_the_days_own(monkeypatch):
    from mapapp import dayview
    from mapapp.render import text

    at = run_app(monkeypatch)
    dataset = data.shared_dataset()
    # Across a week's and a month's end, each part kept by what it depends on.
    for day in ["2021-10-31", "2021-11-01", "2021-11-07", "2021-11-08", "2021-10-30"]:
        map_reports(at, day=day)
        want = dayview.day_figures(dataset, dt.date.fromisoformat(day))
        shown = {m.label: m.value for m in at.metric}
        expected = [want.camp_people, *want.fence_km, *want.month]
        assert shown == {f.label: f.value for f in expected}, day
        monday = dt.date.fromisoformat(day) - dt.timedelta(days=dt.date.fromisoformat(day).weekday())
        assert f"Events in the week of {monday:%d %b}" in page_text(at)
        for name in want.week["name"]:
            assert any(text.esc(name) in h.value for h in at.html), (day, name)


def test_a_report_the_page_has_answered_does_not_pull_the_day_back(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    map_reports(at, day="2021-11-20")
    at.sidebar.slider[0].set_value(dt.date(2021, 12, 1)).run()
    at.run()
    assert at.sidebar.slider[0].value == dt.date(2021, 12, 1) and map_args(at)["day"] == "2021-12-01"
    # The map reports the same day again (its own step brought it back there): news again.
    map_reports(at, day="2021-11-20")
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 20)


@pytest.mark.parametrize(
    "value",
    [
        "2021-02-30",
        "2030-01-01",
        "<img src=x onerror=alert(49)>",
        "",
        20211120,
        None,
        {"day": 1},
        "2021-11-20" * 500,
    ],
)
def test_a_day_from_the_browser_that_is_not_one_is_ignored(monkeypatch, data_dir, value):
    at = run_app(monkeypatch, data_dir)
    map_reports(at, day=value)
    assert not at.exception and not at.error
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)
    assert at.query_params["date"] == "2021-11-13"
    assert "onerror" not in page_text(at)


def test_the_link_follows_the_place_the_map_reports(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    assert "view" not in at.query_params
    map_reports(at, view="53.12341,23.98759,9")
    assert at.query_params["view"] == "53.1234,23.9876,9"
    # A place that is not one (or a hostile string) leaves the link as it was.
    for bad in ("91,10,5", "53.1,23.9,99", "javascript:alert(1)", "53.1,23.9", 7):
        map_reports(at, view=bad)
        assert not at.exception and at.query_params["view"] == "53.1234,23.9876,9"


def test_toggling_a_layer_tells_the_map_and_the_link(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    assert "border_segments" in map_args(at)["layers"]
    at.sidebar.checkbox(key="layer_border_segments").uncheck().run()
    assert "border_segments" not in map_args(at)["layers"] and "towns" in map_args(at)["layers"]
    assert "border_segments" not in at.query_params["layers"]


def test_switching_every_layer_off_says_so(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    for box in at.sidebar.checkbox:
        box.uncheck()
    at.run()
    assert not at.exception
    assert map_args(at)["layers"] == [] and at.query_params["layers"] == ""
    assert "No layer is switched on" in at.info[0].value


def test_basemap_choice(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    assert map_args(at)["basemap"] == "offline"
    at.sidebar.radio(key="basemap").set_value("osm").run()
    assert map_args(at)["basemap"] == "osm" and at.query_params["basemap"] == "osm"
    assert map_args(at)["tiles"]["url"].startswith("https://tile.openstreetmap.org/")


def test_url_restores_date_layers_basemap_and_view(monkeypatch, data_dir):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2021-11-16"
    at.query_params["layers"] = "events,camps"
    at.query_params["basemap"] = "osm"
    at.query_params["view"] = "53.5,24,9"
    at.run()
    assert not at.exception and not notices_of(at)
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 16)
    checked = {box.key.removeprefix("layer_") for box in at.sidebar.checkbox if box.value}
    assert checked == {"events", "camps"}
    assert at.sidebar.radio(key="basemap").value == "osm"
    args = map_args(at)
    assert args["day"] == "2021-11-16" and sorted(args["layers"]) == ["camps", "events"]
    assert args["view"] == {"lat": 53.5, "lon": 24.0, "zoom": 9}


def test_bad_url_parameters_fall_back_with_a_notice(monkeypatch, data_dir):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["date"] = "2021-02-30"
    at.query_params["layers"] = "events,ufo"
    at.query_params["basemap"] = "satellite"
    at.query_params["view"] = "<b>here</b>"
    at.run()
    assert not at.exception
    notices = " ".join(notices_of(at))
    # The notices are escaped HTML, never Markdown: the link's values stay plain text.
    assert "The link&#x27;s date “2021-02-30” was not used" in notices
    assert "ufo" in notices and "satellite" in notices and "&lt;b&gt;here&lt;/b&gt;" in notices
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)
    assert at.sidebar.radio(key="basemap").value == "offline"
    assert map_args(at)["view"] is None
    # The URL now says what is shown.
    assert at.query_params["date"] == "2021-11-13" and at.query_params["layers"] == "events"
    # The notice stays while the reader looks at that view, and goes with the first step in the map.
    at.run()
    assert notices_of(at)
    map_reports(at, day="2021-11-14")
    assert not notices_of(at)


def test_an_event_of_the_week_takes_the_map_to_it(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    before = map_args(at)
    event_button = next(b for b in at.button if b.key == "event_ev-span")
    assert event_button.label == "Show"
    assert '<div class="mapapp-event"><b>Mon 08 Nov</b> · Event ev-span</div>' in [h.value for h in at.html]
    event_button.click().run()
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 8)
    first = map_args(at)
    assert first["day"] == "2021-11-08" and first["day_seq"] == before["day_seq"] + 1
    assert first["focus"] == pytest.approx([53.5, 24.0, 10], abs=1e-6)
    assert first["focus_seq"] == before["focus_seq"] + 1
    # Asked again (the reader panned away meanwhile): a new sequence number, so the map moves again.
    next(b for b in at.button if b.key == "event_ev-span").click().run()
    assert map_args(at)["focus_seq"] == first["focus_seq"] + 1


def test_go_to_a_place_centres_the_map_on_it(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    goto = at.sidebar.selectbox(key="goto")
    assert "Crossing x-1 (crossing)" in goto.options and "Townsville (town)" in goto.options
    goto.set_value("Crossing x-1 (crossing)").run()
    args = map_args(at)
    assert args["focus"] == pytest.approx([53.5, 23.9, 10], abs=1e-6) and args["focus_seq"] == 1
    assert at.sidebar.slider[0].value == dt.date(2021, 11, 13)  # the day stays
    # The list is back at its prompt, so the same place can be chosen again, and it moves the map.
    assert at.sidebar.selectbox(key="goto").value == ""
    at.sidebar.selectbox(key="goto").set_value("Crossing x-1 (crossing)").run()
    assert map_args(at)["focus_seq"] == 2


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


def test_downloads_are_offered(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    labels = [b.proto.label for b in at.download_button]
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
    timeline = timeline_of(at)
    assert stands(timeline, "ev-span", "2021-11-16") and stands(timeline, "ev-open", "2021-11-16")
    assert not stands(timeline, "ev-early", "2021-11-16")
    assert not stands(timeline, "ev-span", "2021-11-18") and stands(timeline, "ev-open", "2021-11-18")


def test_data_is_loaded_once_per_process(monkeypatch, data_dir):
    calls = []
    real = data.load_dataset

    def counting_load(directory=None):
        calls.append(directory)
        return real(directory)

    monkeypatch.setattr(data, "load_dataset", counting_load)
    at = run_app(monkeypatch, data_dir)
    at.sidebar.slider[0].set_value(dt.date(2021, 11, 16)).run()
    map_reports(at, day="2021-11-18")
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
    map_reports(at, day="2021-11-16")
    text = next(h.value for h in at.html if "<b>Tue 16 Nov</b>" in h.value)
    # Shown through st.html as escaped text: Markdown is never applied to it.
    assert "See ![](https://tracker.example/p.png) [here](https://x.example)" in text and "<a" not in text


def test_a_failure_shows_a_plain_message_not_a_traceback(monkeypatch, data_dir, caplog):
    from mapapp import dayview

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path/geodata went away")

    monkeypatch.setattr(dayview, "standing", broken)
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


def test_published_files_removed_by_another_process_are_published_again(monkeypatch, data_dir):
    at = run_app(monkeypatch, data_dir)
    args = map_args(at)
    names = [args[key].rsplit("/", 1)[-1] for key in ("timeline_url", "popups_url", "backdrop_url")]
    for name in names:
        (assets.data_files_dir() / name).unlink()
    at.run()
    assert not at.exception
    args = map_args(at)
    for key in ("timeline_url", "popups_url", "backdrop_url"):
        assert (assets.data_files_dir() / args[key].rsplit("/", 1)[-1]).exists(), key


def test_two_places_of_one_name_are_both_offered(monkeypatch, tmp_path, layers):
    second = copy.deepcopy(layers["towns.geojson"]["features"][0])
    second["properties"]["id"] = "town-2"
    second["geometry"]["coordinates"] = [24.9, 53.9]
    layers["towns.geojson"]["features"].append(second)
    at = run_app(monkeypatch, write_layers(tmp_path / "geodata", layers))
    options = at.sidebar.selectbox(key="goto").options
    assert "Townsville (town)" in options and "Townsville (town, town-2)" in options


def test_the_page_uses_what_the_server_warmed_at_start(monkeypatch):
    from mapapp import audit
    from mapapp.page import chart, panels

    built = []
    real_audit, real_spec = audit.audit, chart.chart_spec
    monkeypatch.setattr(audit, "audit", lambda dataset: built.append("audit") or real_audit(dataset))
    monkeypatch.setattr(chart, "chart_spec", lambda *args: built.append("chart") or real_spec(*args))
    panels.warm(data.shared_dataset())
    assert built == ["audit", "chart"]
    # The first page and its chart, drawn a moment later, build neither again.
    at = run_app(monkeypatch)
    at.session_state["chart_ready"] = True
    at.run()
    assert not at.exception
    assert at.get("vega_lite_chart"), "the chart is drawn"
    assert any("independent sources" in h.value for h in at.html), "the quality table is shown"
    assert built == ["audit", "chart"]
