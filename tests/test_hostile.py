"""Hostile data: text in the data is shown literally by every output, never run.

The fixture ``tests/data/hostile`` (made by ``tests/data/make_hostile.py``) is
the bundled data with template syntax, HTML, script, Markdown, ``$``-patterns,
spreadsheet formulas, bidi and zero-width characters and 100 KB strings in
every text field. It passes ``validate``, so every output must handle it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from helpers import REPO, write_layers
from streamlit.testing.v1 import AppTest

from mapapp import data, export, reader, snapshot
from mapapp.layers import LAYERS, toggleable
from mapapp.render import popup, text

HOSTILE = REPO / "tests" / "data" / "hostile"
APP = str(REPO / "mapapp" / "app.py")
SSTI = "{{ lipsum.__globals__.os.popen(dict(id=1)|first).read()|trim }}"
#: Days that show every layer with hostile text: the peak of the standoff, a quiet
#: day of 2020 and one after the Polish wall was finished.
DAYS = (dt.date(2021, 11, 15), dt.date(2020, 8, 10), dt.date(2022, 7, 1))


@pytest.fixture(scope="module")
def hostile() -> data.Dataset:
    return data.load_dataset(HOSTILE)


def _sample_name(dataset: data.Dataset) -> str:
    return dataset.frame("events")["name"].iloc[1]


def test_the_fixture_passes_validate_and_carries_every_payload(hostile):
    name = _sample_name(hostile)
    for payload in (
        "{{7*7}}",
        "{% raw %}",
        "{# of people}",
        "<script>",
        "](https://evil.example)",
        "$`",
        "=HYPER",
    ):
        assert payload in name
    assert len(hostile.frame("events")["name"].iloc[0]) > 100_000
    assert any("x)![px](http" in url for url in hostile.frame("camps")["sources"].iloc[0])
    assert hostile.monthly["notes"].str.contains("{{7*7}}", regex=False).all()


def _script_strings(html: str) -> list[str]:
    """Every string literal in a page that reads as JSON, decoded (ours all do; some of Leaflet's not)."""
    out = []
    for literal in re.findall(r'"(?:[^"\\]|\\.)*"', html):
        try:
            out.append(json.loads(literal))
        except json.JSONDecodeError:
            continue
    return out


@pytest.mark.parametrize("day", DAYS)
def test_the_reader_edition_shows_data_text_literally(hostile, day):
    frames = snapshot.frames_on(hostile, day)
    html = reader.single_file(hostile, reader.Start(day=day, layers=tuple(frames)))
    # Template syntax reaches the page escaped, so nothing is evaluated on the server…
    assert "{{7*7}}" not in html and "{%" not in html and "{#" not in html
    assert not re.search(r"uid=\d+\(", html)  # the output of `id`
    # …and no HTML in the data becomes markup: raw tags appear only as escaped text.
    assert "<script>window.__hostile" not in html and "<img src=x" not in html
    # The browser reads the text back exactly (the names are in the tooltips and popups, escaped as HTML).
    strings = "".join(_script_strings(html))
    for layer_id in ("camps", "events", "crossings"):
        for name in frames[layer_id]["name"]:
            assert text.esc(name) in strings, (layer_id, name[:60])
    assert text.esc("{{7*7}} {% raw %} {# of people}") in strings
    # The figures and the week's events of the page too (plain strings, or HTML escaped by Python).
    assert any("{{7*7}}" in s and "<script>" in s for s in _script_strings(html))
    assert f'"defaultDay":"{day.isoformat()}"' in html
    # Every <script> element the page opens is one of ours: two scripts and five JSON blocks.
    assert html.count("<script") == html.count("</script>") == 7
    # It grows with the data, not with the data times the days: the day figures
    # quote long names briefly (a whole 100,000-character name made it 52 MB).
    fixture_bytes = sum(path.stat().st_size for path in HOSTILE.iterdir())
    assert len(html.encode()) < 3 * fixture_bytes


def test_the_reported_template_injection_runs_nothing(tmp_path, layers):
    layers["events.geojson"]["features"][1]["properties"]["name"] = SSTI
    layers["events.geojson"]["features"][2]["properties"]["notes"] = "{{7*7}} {% raw %} {# of people}"
    dataset = data.load_dataset(write_layers(tmp_path / "geodata", layers))
    html = reader.single_file(dataset, reader.Start(day=dt.date(2021, 11, 16), layers=("events",)))
    strings = "".join(_script_strings(html))
    assert not re.search(r"uid=\d+\(", html) and "49 {% raw %}" not in strings
    assert text.esc(SSTI) in strings and text.esc("{{7*7}} {% raw %} {# of people}") in strings


def test_js_literal_is_inert_in_templates_html_and_script():
    value = "{{7*7}} {% raw %} {# x </script><!-- & ' \u2028"
    literal = text.js_literal({"name": value, "list": [value]})
    assert not set("{}<>&'") & set(literal.replace('{"', "").replace('"}', "").replace("]}", ""))
    assert json.loads(literal) == {"name": value, "list": [value]}


@pytest.mark.parametrize("day", DAYS)
def test_csv_download_is_safe_in_a_spreadsheet(hostile, day):
    text = export.snapshot_csv(snapshot.frames_on(hostile, day), day)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 5
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a number may start so (it is not a formula)
    names = [row[3] for row in rows[1:]]
    assert any(
        name.endswith(
            "@SUM(A1) \u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 zero\u200bwidth\u200d\ufeff ` ' \" \\ \\u0041"
        )
        for name in names
    )


def test_geojson_download_keeps_the_text_exactly(hostile):
    day = DAYS[0]
    doc = json.loads(export.snapshot_geojson(snapshot.frames_on(hostile, day), day))
    names = {f["properties"]["name"] for f in doc["features"]}
    assert set(hostile.frame("camps")["name"]) & names


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


@pytest.mark.parametrize("day", DAYS)
def test_the_page_draws_hostile_data_on_every_day(monkeypatch, day):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(HOSTILE))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["date"] = day.isoformat()
    at.query_params["layers"] = ",".join(spec.id for spec in toggleable())
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    component = next(n for n in _walk(at._tree) if getattr(n, "type", "") == "bidi_component")
    sent = component.proto.json
    # The page sends the map only the view and the URLs of the compiled files: no data text.
    assert json.loads(sent)["day"] == day.isoformat()
    assert "{{7*7}}" not in sent and "<script>" not in sent and "evil.example" not in sent
    # Data text never reaches Streamlit's Markdown (which links any URL in it): the
    # figures' captions and the week's events are escaped HTML.
    for element in [*at.markdown, *at.caption]:
        assert "evil.example" not in element.value and "127.0.0.1" not in element.value
    shown = " ".join(h.value for h in at.html)
    assert "[log in here](https://evil.example)" in shown and "<script>window" not in shown


def test_hostile_link_values_are_plain_text_notices(monkeypatch, data_dir):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["layers"] = "[log in here](https://evil.example)"
    at.query_params["basemap"] = "![x](http://127.0.0.1:9/p.png)"
    at.query_params["date"] = ":red[alarm] $x^2$" + "x" * 100_000
    at.run()
    assert not at.exception
    notices = [h.value for h in at.html if 'class="mapapp-notice"' in h.value]
    assert len(notices) == 3 and not at.warning and not [m for m in at.markdown if "evil" in m.value]
    for notice in notices:
        assert len(notice) < 600 and "<a" not in notice and "<img" not in notice
    assert "“[log in here](https://evil.example)”" in notices[1]


def test_every_layer_spec_renders_hostile_popups(hostile):
    for layer_id, frame in snapshot.frames_on(hostile, DAYS[0]).items():
        spec = LAYERS[layer_id]
        for props in frame.drop(columns="geometry").to_dict("records"):
            html = popup.popup_html(spec, props)
            assert "<script>" not in html and "<img" not in html
            assert "{{7*7}}" in html or layer_id in ("countries",)


def test_validate_cli_accepts_the_fixture(capsys):
    from mapapp import cli

    assert cli.main(["validate", "--data-dir", str(HOSTILE)]) == 0
    assert "is valid" in capsys.readouterr().out


def test_the_fixture_is_what_the_script_makes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_hostile", REPO / "tests" / "data" / "make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path / "hostile")
    module.main()
    for path in HOSTILE.iterdir():
        assert (tmp_path / "hostile" / path.name).read_bytes() == path.read_bytes(), path.name


def test_fixture_folder_is_complete():
    expected = {spec.file for spec in LAYERS.values()} | {data.MONTHLY_FILE}
    assert {p.name for p in Path(HOSTILE).iterdir()} == expected
