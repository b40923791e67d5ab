"""The bundled crisis data, held to the checks a journalist would make.

Every feature is sourced; places lie where they claim to; fences run along the
border and never exceed their plan; routes meet at Minsk; dated features show
exactly on their days.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from helpers import GEODATA

from mapapp import audit, data, snapshot
from mapapp.layers import REGISTRY

METRIC = "EPSG:3035"


@pytest.fixture(scope="module")
def dataset() -> data.Dataset:
    return data.load_dataset(GEODATA)


@pytest.fixture(scope="module")
def countries(dataset) -> dict:
    frame = dataset.frame("countries")
    return dict(zip(frame["iso_a2"], frame.geometry, strict=True))


@pytest.fixture(scope="module")
def borders(dataset) -> gpd.GeoDataFrame:
    return dataset.frame("border_segments").to_crs(METRIC)


def test_every_layer_has_features(dataset):
    for spec in REGISTRY:
        assert len(dataset.frame(spec.id)) > 0, spec.id
    assert len(dataset.monthly) > 0


def test_every_feature_has_a_source(dataset):
    for spec in REGISTRY:
        for fid, sources in zip(dataset.frame(spec.id)["id"], dataset.frame(spec.id)["sources"], strict=True):
            assert len(sources) >= 1 and all(s.startswith(("http://", "https://")) for s in sources), fid


@pytest.mark.parametrize("layer", ["camps", "crossings"])
def test_sites_lie_on_the_territory_of_their_country(dataset, countries, layer):
    frame = dataset.frame(layer)
    for row in frame.itertuples(index=False):
        assert countries[row.country].contains(row.geometry), f"{row.id} is not inside {row.country}"


def test_makeshift_camps_are_within_5_km_of_a_border(dataset, borders):
    camps = dataset.frame("camps")
    makeshift = camps[camps["kind"] == "makeshift_camp"].to_crs(METRIC)
    assert len(makeshift) >= 1
    lines = borders.geometry.union_all()
    for row in makeshift.itertuples(index=False):
        assert row.geometry.distance(lines) <= 5000, f"{row.id}: {row.geometry.distance(lines):.0f} m"


def test_fences_run_along_their_border_and_never_exceed_the_plan(dataset, borders):
    fences = dataset.frame("fences")
    for row in fences.to_crs(METRIC).itertuples(index=False):
        border = borders[borders["countries"] == f"BY-{row.country}"].geometry.iloc[0]
        # Every point of the fence lies within 1 km of that border line.
        assert border.buffer(1000).contains(row.geometry), row.id
        assert row.geometry.length / 1000 <= row.planned_km * 1.01, row.id
        assert max((p["built_km"] for p in row.progress), default=0) <= row.planned_km, row.id


def test_fence_lengths_match_their_plan(dataset):
    geodesic = dataset.frame("fences").to_crs(METRIC)
    for row in geodesic.itertuples(index=False):
        assert row.geometry.length / 1000 == pytest.approx(row.planned_km, rel=0.02), row.id


def test_routes_meet_at_minsk(dataset):
    routes = dataset.frame("flight_routes")
    msq = (28.0307, 53.8825)
    for row in routes.itertuples(index=False):
        coords = list(row.geometry.coords)
        if row.direction == "inbound":
            assert row.destination_iata == "MSQ" and coords[-1] == pytest.approx(msq, abs=0.01), row.id
        else:
            assert row.origin_iata == "MSQ" and coords[0] == pytest.approx(msq, abs=0.01), row.id


def test_routes_are_great_circles_not_screen_lines(dataset):
    baghdad = dataset.frame("flight_routes").set_index("id").loc["route-bgw-flybaghdad"].geometry
    coords = list(baghdad.coords)
    middle = coords[len(coords) // 2]
    straight = ((coords[0][0] + coords[-1][0]) / 2, (coords[0][1] + coords[-1][1]) / 2)
    # A great circle north-west to Minsk bows north of the straight screen line.
    assert len(coords) > 10 and middle[1] > straight[1] + 0.3


def test_monthly_table_covers_the_three_countries_and_the_2020_baseline(dataset):
    monthly = dataset.monthly
    assert set(monthly["country"]) == {"PL", "LT", "LV"}
    assert (monthly["month"].str.startswith("2020")).any()
    poland = monthly[(monthly["country"] == "PL") & (monthly["metric"] == "attempted_crossings")]
    assert {"2021-08", "2021-09", "2021-10", "2021-11"} <= set(poland["month"])


@pytest.mark.parametrize("layer", ["events", "camps", "flight_routes", "emergency_zones", "fences"])
def test_snapshot_shows_dated_features_exactly_on_their_days(dataset, layer):
    frame = dataset.frame(layer)
    for row in frame.itertuples(index=False):
        start = dt.date.fromisoformat(row.start)
        checks = [(start, True)]
        if start > dt.date(2020, 8, 9):
            checks.append((start - dt.timedelta(days=1), False))
        if row.end:
            end = dt.date.fromisoformat(row.end)
            checks.append((min(end, dt.date(2022, 12, 31)), True))
            if end < dt.date(2022, 12, 31):
                checks.append((end + dt.timedelta(days=1), False))
        for day, shown in checks:
            if not dt.date(2020, 8, 9) <= day <= dt.date(2022, 12, 31):
                continue
            ids = set(snapshot.frames_on(dataset, day, [layer])[layer]["id"])
            assert (row.id in ids) is shown, f"{row.id} on {day}"


def test_the_kuznica_standoff_is_on_the_map_on_13_november_2021(dataset):
    doc = snapshot.snapshot(dataset, dt.date(2021, 11, 13))
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert {"camps", "fences", "flight_routes", "emergency_zones", "crossings", "border_segments"} <= layers
    kuznica = [
        f
        for f in doc["features"]
        if f["properties"]["layer"] == "crossings" and "Kuźnica" in f["properties"]["name"]
    ]
    assert any(f["properties"]["status"] == "closed" for f in kuznica)


# The monthly table: every figure has a basis, and running counts never fall.


def test_every_monthly_figure_states_its_basis(dataset):
    monthly = dataset.monthly
    assert (monthly["basis"] != "").all()
    assert (monthly["body"].str.strip() != "").all() and (monthly["counts"].str.strip() != "").all()
    # A metric named for a calendar month covers exactly that month.
    whole = monthly[monthly["metric"].isin(data.MONTHLY_METRICS)]
    assert (whole["basis"] == "month").all()
    assert (whole["period_start"].str[:7] == whole["month"]).all()
    assert not monthly["metric"].str.endswith("_cumulative").any()


def test_no_running_count_falls(dataset):
    assert audit.series_breaks(dataset.monthly) == []


def test_the_falls_the_audit_found_are_separate_series(dataset):
    monthly = dataset.monthly
    # Lithuania's 4,115 (since 1 Jan, to 12 Aug 2021) and 27 (since 5 Aug, to mid-September) count from
    # different days, so they are two series, not one that falls.
    lt = monthly[(monthly["country"] == "LT") & monthly["metric"].str.startswith("detentions")]
    starts = dict(zip(lt["value"], lt["period_start"], strict=False))
    assert starts[4115.0] == "2021-01-01" and starts[27.0] == "2021-08-05"
    # Polish deaths are counted by different bodies: kept apart.
    deaths = monthly[(monthly["country"] == "PL") & monthly["metric"].str.startswith("deaths")]
    assert deaths["body"].nunique() == len(deaths)


def _typed_csv(*rows: str) -> str:
    header = ",".join(data.MONTHLY_COLUMNS + data.MONTHLY_BASIS_COLUMNS)
    return header + "\n" + "".join(r + "\n" for r in rows)


def test_the_basis_columns_are_checked_line_by_line(tmp_path):
    good = (
        "PL,2021-10,attempted_crossings,17447,https://e.org/a,,month,2021-10-01,2021-10-31,day,exact,BG,tries"
    )
    bad_rows = [
        # a running total whose month is not that of its end
        "PL,2021-11,attempted_crossings_running_total,6700,https://e.org/b,,running,2021-10-01,2021-10-12,day,exact,BG,tries",
        # a monthly metric with a partial period
        "PL,2021-10,attempted_crossings,6700,https://e.org/c,,month,2021-10-01,2021-10-12,day,exact,BG,tries",
        # unknown basis, kind and no body
        "LV,2021-09,prevented_entries_running_total,1284,https://e.org/d,,since,2021-08-10,2021-09-21,day,roughly,,stopped",
        # the old mixed name
        "LV,2021-09,prevented_entries_cumulative,1284,https://e.org/e,,running,2021-08-10,2021-09-21,day,exact,SG,stopped",
        # month precision on a day that is not the month's last
        "LV,2021-11,detentions_running_total,407,https://e.org/f,,running,2021-01-01,2021-11-15,month,exact,SG,held",
    ]
    path = tmp_path / "monthly_figures.csv"
    path.write_text(_typed_csv(good, *bad_rows), encoding="utf-8")
    frame, problems = data.read_monthly(path, "geodata/monthly_figures.csv")
    found = [str(p) for p in problems]
    assert frame is None
    for expected in (
        "feature 'line 3': field 'month' = '2021-11': must be the month of period_end 2021-10-12",
        "feature 'line 4': field 'period_start' = '2021-10-01': a month figure covers 2021-10-01 to 2021-10-31",
        "feature 'line 5': field 'basis' = 'since': must be one of",
        "feature 'line 5': field 'value_kind' = 'roughly'",
        "feature 'line 5': field 'body' = '': must say who counted",
        "feature 'line 6': field 'metric' = 'prevented_entries_cumulative'",
        "feature 'line 7': field 'period_end' = '2021-11-15': with end_precision 'month'",
    ):
        assert any(expected in p for p in found), (expected, found)
    assert not any("line 2" in p for p in found)


def test_a_table_without_basis_columns_is_still_read(tmp_path):
    path = tmp_path / "monthly_figures.csv"
    path.write_text(
        "country,month,metric,value,source_url,notes\nPL,2021-02,attempted_crossings,1,https://e.org/a,\n",
        encoding="utf-8",
    )
    frame, problems = data.read_monthly(path, "m.csv")
    assert problems == []
    row = frame.iloc[0]
    assert (row["basis"], row["period_start"], row["period_end"]) == ("month", "2021-02-01", "2021-02-28")


def test_every_count_at_a_border_camp_says_who_counted_what(dataset):
    camps = dataset.frame("camps")
    border = camps[camps["kind"].isin(["makeshift_camp", "logistics_centre"])]
    for row in border.itertuples(index=False):
        for item in row.counts:
            for entry in [item, *item.get("estimates", [])]:
                assert entry.get("by") and entry.get("counts") and entry.get("value_kind"), (row.id, entry)
    # Both sides' counts of the Kuźnica camp stand side by side.
    kuznica = camps.set_index("id").loc["camp-kuznica-bruzgi", "counts"]
    bodies = {e["by"] for item in kuznica for e in [item, *item.get("estimates", [])]}
    assert "Polish Border Guard" in bodies and "Belarusian State Border Committee" in bodies
