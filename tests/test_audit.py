"""The quality table: how sources are classed, when a running count falls, and the rules it enforces."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from helpers import GEODATA, minimal_layers, write_layers
from shapely.geometry import Point

from mapapp import audit, cli, data


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.lrt.lt/en/news-in-english/19/1462043/lithuania-pushes-back", "original"),
        ("https://www.archynewsy.com/another-16-people-illegally-tried/", "aggregator"),
        ("https://www.urdupoint.com/en/world/six-illegal-migrants-allowed-1356319.html", "aggregator"),
        ("http://web.archive.org./web/20160326012103/http://wn.com/Minsk,_Belarus", "mirror"),
        ("https://iiab.me/kiwix/content/wikipedia_en_all_maxi_2023-10/A/Kukuryki", "mirror"),
        ("https://tass.com/", "homepage"),
        ("https://mediaboss.net/category/migrant-crisis/page/25", "aggregator"),
        ("https://example.org/tag/migrants/", "listing"),
        ("https://obzor.lt/news/crime?mode=list&start=13030", "listing"),
        ("https://radio.opole.pl/index.php?idp=104&idx=483281&s=6", "original"),
    ],
)
def test_source_kind(url, kind):
    assert audit.source_kind(url) == kind


def test_copies_of_one_report_count_once():
    urls = [
        "https://en.wikipedia.org/wiki/Warsaw",
        "https://pl.wikipedia.org/wiki/Warszawa",
        "https://kttc.com/2021/07/28/illegal-border-crossings",  # AP
        "https://news.yahoo.com/belarus-dictator-floods-eu-migrants",  # AP
        "https://www.delfi.lt/news/a",
        "https://delfi.lt/news/b",
        "https://www.thegoaspotlight.com/2021/11/13/x",  # a repost: not a source of its own
    ]
    assert audit.independent_origins(urls) == {"wikipedia.org", "AP", "delfi.lt"}


def _monthly(*rows):
    columns = [
        "country",
        "metric",
        "value",
        "source_url",
        "period_start",
        "period_end",
        "end_precision",
        "body",
    ]
    return pd.DataFrame(list(rows), columns=columns)


def test_a_running_count_that_falls_is_found():
    monthly = _monthly(
        [
            "LT",
            "detentions_running_total",
            4115.0,
            "https://e.org/a",
            "2021-01-01",
            "2021-08-12",
            "day",
            "IM",
        ],
        [
            "LT",
            "detentions_running_total",
            4000.0,
            "https://e.org/b",
            "2021-01-01",
            "2021-08-20",
            "day",
            "IM",
        ],
        ["LT", "detentions_year_total", 4200.0, "https://e.org/c", "2021-01-01", "2021-12-31", "day", "IM"],
    )
    breaks = audit.series_breaks(monthly)
    assert len(breaks) == 1
    assert "4,115 to 2021-08-12" in breaks[0].earlier and "4,000 to 2021-08-20" in breaks[0].later


def test_series_are_kept_apart_by_start_body_and_metric():
    monthly = _monthly(
        [
            "LT",
            "detentions_running_total",
            4115.0,
            "https://e.org/a",
            "2021-01-01",
            "2021-08-12",
            "day",
            "IM",
        ],
        [
            "LT",
            "detentions_running_total",
            27.0,
            "https://e.org/b",
            "2021-08-05",
            "2021-09-30",
            "month",
            "IM",
        ],
        ["PL", "deaths_running_total", 10.0, "https://e.org/c", "2021-09-01", "2021-11-23", "day", "AP"],
        ["PL", "deaths_running_total", 9.0, "https://e.org/d", "2021-01-01", "2021-12-08", "day", "Police"],
        ["PL", "deaths_running_total", 8.0, "https://e.org/e", "2021-09-01", "2021-11-25", "day", "Police"],
    )
    assert audit.series_breaks(monthly) == []


def test_an_end_known_only_to_its_month_is_not_ordered_within_that_month():
    monthly = _monthly(
        [
            "PL",
            "attempted_crossings_running_total",
            1000.0,
            "https://e.org/a",
            "2021-12-01",
            "2021-12-31",
            "month",
            "BG",
        ],
        [
            "PL",
            "attempted_crossings_running_total",
            838.0,
            "https://e.org/b",
            "2021-12-01",
            "2021-12-20",
            "day",
            "BG",
        ],
        [
            "PL",
            "attempted_crossings_running_total",
            500.0,
            "https://e.org/c",
            "2021-12-01",
            "2022-01-05",
            "day",
            "BG",
        ],
    )
    breaks = audit.series_breaks(monthly)
    # 838 by 20 Dec may come before or after "about 1,000" some day in December; 500 in January falls below both.
    assert len(breaks) == 2 and all("500 to 2022-01-05" in b.later for b in breaks)


def test_fence_progress_that_falls_is_found():
    fences = pd.DataFrame(
        {
            "id": ["f-1"],
            "progress": [[{"date": "2021-11-09", "built_km": 73}, {"date": "2021-12-31", "built_km": 70}]],
        }
    )
    breaks = audit.progress_breaks(fences, "progress", "built_km")
    assert [str(b) for b in breaks] == ["f-1 built_km: 73 on 2021-11-09 then 70 on 2021-12-31"]


def _frame(*rows):
    return gpd.GeoDataFrame(list(rows), geometry=[Point(23.7, 53.5)] * len(rows), crs="EPSG:4326")


def test_a_layer_row_counts_sources_precision_and_copies():
    events = _frame(
        {
            "id": "e-1",
            "geo_precision": "exact",
            "date_precision": "day",
            "sources": ["https://www.lrt.lt/a", "https://tass.com/world/1"],
        },
        {
            "id": "e-2",
            "geo_precision": "region",
            "date_precision": "day",
            "sources": ["https://www.archynewsy.com/x", "https://en.wikipedia.org/wiki/Vilnius"],
        },
        {
            "id": "e-3",
            "geo_precision": "region",
            "date_precision": "month",
            "sources": ["https://www.lrt.lt/b", "https://iiab.me/kiwix/A/Vilnius"],
        },
    )
    row = audit._layer_audit("events", events)
    assert (row.features, row.two_sources) == (3, 1)
    assert row.geo_precision == {"region": 2, "exact": 1}
    # Wikipedia places a fact but does not report it: e-2 rests on a repost and Wikipedia only.
    assert row.only_copies == ("e-2",)
    assert row.bad_sources == ("e-3: mirror https://iiab.me/kiwix/A/Vilnius",)
    broken = audit.broken_rules([row])
    # Two rules of the layer, and the crisis layers' share of two-source features (1 of 3).
    assert len(broken) == 3 and sum(b.startswith("events: ") for b in broken) == 2
    assert "crisis layers: at least 90% of features have two independent sources: 33.3%" in broken
    cells = audit.table_rows([row])[0]
    assert cells["≥2 independent sources"] == "33 %" and cells["geo precision"] == "region 67 %, exact 33 %"


def test_audit_of_a_small_directory_has_a_row_per_layer_and_the_monthly_table(tmp_path):
    directory = write_layers(tmp_path / "geodata", minimal_layers())
    rows = audit.audit(data.load_dataset(directory))
    assert [r.layer for r in rows][-1] == "monthly_figures"
    assert {"events", "camps", "crossings"} <= {r.layer for r in rows}
    # The fixture's monthly table has no basis columns: the audit says so.
    assert rows[-1].untyped == 0  # calendar-month rows get their month as basis
    assert "features" in audit.format_table(rows).splitlines()[0]


def test_audit_command_passes_on_the_bundled_data(capsys):
    status = cli.main(["--data-dir", str(GEODATA), "audit"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "monthly_figures" in out and "crisis layers:" in out


def test_audit_command_exits_1_naming_the_broken_rule(tmp_path, capsys):
    layers = minimal_layers()
    layers["events.geojson"]["features"][0]["properties"]["sources"] = ["https://www.archynewsy.com/x"]
    directory = write_layers(tmp_path / "geodata", layers)
    assert cli.main(["--data-dir", str(directory), "audit"]) == 1
    err = capsys.readouterr().err
    assert "rule broken: events: no feature or figure rests only on aggregators" in err
    assert "ev-early" in err
