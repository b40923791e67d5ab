"""The reader edition in Chromium: served by ``python -m http.server``, and as one file over ``file://``.

The site is published by the command a newcomer runs (``python -m mapapp
publish OUT/``) and served as any static host would; nothing of the app runs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
import time
import urllib.request
from urllib.parse import parse_qsl, quote

import pytest
from conftest import REPO, _free_port
from mapdriver import ALL_POPUPS, ARTIFACTS, LOCAL_HOSTS, differences, expected_on, left_the_machine, tm

from mapapp import compiled, data, published, urlstate
from mapapp.layers import toggleable
from mapapp.timeline import CRISIS_END, CRISIS_START

pytestmark = pytest.mark.browser

ALL_LAYERS = ",".join(spec.id for spec in toggleable())
#: Days compared with ``snapshot``: 40 spread evenly over the period, and the busiest weeks of the crisis.
SAMPLE = sorted(
    {round(i * (compiled.DAYS - 1) / 39) for i in range(40)}
    | {compiled.day_index(f"2021-11-{d:02d}") for d in range(8, 22)}
)
RAN = "() => window.__hostile"


def _publish(out, *args, data_dir=None):
    command = [sys.executable, "-m", "mapapp", "publish", str(out), *args]
    if data_dir:
        command += ["--data-dir", str(data_dir)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def _serve(folder):
    """``python -m http.server`` on ``folder``; returns (process, url) once it answers."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("python -m http.server did not start")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory):
    return _publish(tmp_path_factory.mktemp("site") / "out")


@pytest.fixture(scope="module")
def site(site_dir):
    proc, url = _serve(site_dir)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = _publish(tmp_path_factory.mktemp("single") / "out", "--single-file")
    return (out / "index.html").as_uri()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    out = _publish(tmp_path_factory.mktemp("hostile") / "out", data_dir=REPO / "tests" / "data" / "hostile")
    proc, url = _serve(out)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def dataset():
    return data.load_dataset()


def open_reader(page, url: str, timeout_s: float = 30) -> None:
    """Open a reader edition and wait until its map, outlines and panels are drawn."""
    page.goto(url)
    page.wait_for_selector("html[data-ready]", timeout=timeout_s * 1000)


def fragment(page) -> dict[str, str]:
    return dict(parse_qsl(page.evaluate("location.hash").lstrip("#"), keep_blank_values=True))


def _sampled_differences(page, dataset) -> list[str]:
    drawn = tm(page, "arg.map((i) => { m.setDay(i, {from: 'page'}); return [m.iso, m.drawn()]; })", SAMPLE)
    problems = []
    for iso, features in drawn:
        problems += differences(iso, features, expected_on(dataset, dt.date.fromisoformat(iso)))
    assert len(drawn) == len(SAMPLE) >= 30
    return problems


@pytest.mark.parametrize("edition", ["site", "single"])
def test_sampled_days_draw_what_snapshot_says(page, request, dataset, edition):
    url = request.getfixturevalue(edition)
    open_reader(page, f"{url}#layers={ALL_LAYERS}")
    problems = _sampled_differences(page, dataset)
    assert not problems, f"{len(problems)} difference(s):\n" + "\n".join(problems[:25])
    # The offline base: nothing was asked of any other machine (the single file asks nothing at all).
    assert not left_the_machine(page)
    if edition == "single":
        assert all(u.startswith(("file:", "data:")) for u in page.requested_urls), page.requested_urls


def test_the_page_shows_the_day_around_the_map(page, site, dataset):
    open_reader(page, f"{site}#date=2021-11-16")
    assert page.locator(".rd-mapday").inner_text() == "The map on 16 Nov 2021"
    # Headline figures with their source links, the month's figures under them.
    standing = page.locator("#rd-standing .rd-figure")
    assert standing.count() == 4
    assert "People at the border camps" in standing.first.inner_text()
    assert page.locator("#rd-standing a[href^='http']").count() >= 3
    assert page.locator("#rd-months .rd-figure").count() == 3
    assert "November 2021" in page.locator("#rd-months").inner_text()
    # The week's events, each with its Show button.
    assert page.locator("#rd-week-title").inner_text() == "Events in the week of 15 Nov – 21 Nov 2021"
    events = page.locator("#rd-week li")
    assert events.count() >= 3 and events.locator("button").count() == events.count()
    # The chart with its marker at the day, and every figure in the table under it.
    rule = page.locator("#rd-chart line.day")
    assert rule.count() == 1
    x_before = float(rule.get_attribute("x1"))
    assert page.locator("#rd-table tbody tr").count() == len(dataset.monthly)
    # The text list holds what is drawn.
    drawn = tm(page, "m.drawn().length")
    assert page.locator("#rd-list li:not(.rd-none)").count() == drawn > 20
    # A week later everything follows the map's day.
    page.locator(".tm-map").focus()
    page.keyboard.press("Shift+ArrowRight")
    # The heading follows at once; the panels and the link once the day rests.
    page.wait_for_function("() => document.querySelector('.rd-mapday').textContent.includes('23 Nov 2021')")
    page.wait_for_function("() => location.hash.includes('date=2021-11-23')")
    assert page.locator("#rd-week-title").inner_text() == "Events in the week of 22 Nov – 28 Nov 2021"
    assert float(page.locator("#rd-chart line.day").get_attribute("x1")) > x_before
    assert fragment(page)["date"] == "2021-11-23"
    page.screenshot(path=str(ARTIFACTS / "reader-2021-11-23.png"), full_page=True)


def test_show_goes_to_the_event(page, site, dataset):
    pages = published.pages(dataset)
    index = compiled.day_index("2021-11-16")
    week = pages["weeks"][[w for start, w in pages["week"] if start <= index][-1]]
    open_reader(page, f"{site}#date=2021-11-16&layers=camps")
    for row, event in enumerate(week["events"][:3]):
        page.locator("#rd-week li").nth(row).locator("button").click()
        assert tm(page, "m.iso") == event["day"]
        assert "events" in fragment(page)["layers"].split(",")
        assert page.locator("#rd-layers input[value=events]").is_checked()
        # Centred on the event (once the map's zoom animation ends), closer in the more precisely it is placed.
        page.wait_for_function(
            """([lat, lon]) => { const c = document.querySelector('.tm').timemap.map.getCenter();
                return Math.abs(c.lat - lat) < 0.01 && Math.abs(c.lng - lon) < 0.01; }""",
            arg=[event["lat"], event["lon"]],
            timeout=5000,
        )
        assert tm(page, "m.map.getZoom()") == {"exact": 10, "approximate": 9}.get(event["precision"], 7)


def test_the_view_round_trips_through_the_fragment(page, site):
    link = f"{site}#date=2021-11-16&layers=camps,events&basemap=offline&view=53.6000,23.8000,9"
    open_reader(page, link)
    assert tm(page, "[m.iso, [...m.shown].sort(), m.view()]") == [
        "2021-11-16",
        ["camps", "events"],
        {"lat": 53.6, "lon": 23.8, "zoom": 9},
    ]
    assert page.locator("#rd-notice").is_hidden()
    # The reader steps, toggles a layer, moves the map: the fragment follows…
    page.locator(".tm-map").focus()
    page.keyboard.press("ArrowRight")
    page.locator("#rd-layers input[value=crossings]").check()
    tm(page, "m.map.setView([53.9, 23.5], 8)")
    page.wait_for_function("() => location.hash.includes('view=53.9000,23.5000,8')")
    page.wait_for_function("() => location.hash.includes('date=2021-11-17')")
    kept = fragment(page)
    assert kept["layers"] == "crossings,camps,events" and kept["basemap"] == "offline"
    # …and opening the link restores the same view.
    url = page.url
    page.goto("about:blank")
    open_reader(page, url)
    assert tm(page, "[m.iso, [...m.shown].sort(), m.view()]") == [
        "2021-11-17",
        ["camps", "crossings", "events"],
        {"lat": 53.9, "lon": 23.5, "zoom": 8},
    ]
    # Editing the address moves the open page too.
    page.evaluate("location.hash = 'date=2022-03-01&layers=fences'")
    page.wait_for_function("() => document.querySelector('.tm').dataset.day === '2022-03-01'")
    assert tm(page, "[...m.shown]") == ["fences"]
    # That link names no place: the map shows the whole map, as the link opened afresh would.
    assert tm(page, "m.map.getZoom()") == 6 and "view" not in fragment(page)


def test_bad_fragment_values_fall_back_with_a_notice(page, site):
    link = (
        f"{site}#date=2099-01-01&layers={quote('camps,<img src=x onerror=window.__hostile=1>')}"
        f"&view=95,10,3&basemap=satellite&{quote('{{7*7}}')}=1"
    )
    open_reader(page, link)
    notice = page.locator("#rd-notice")
    assert notice.is_visible()
    words = notice.inner_text()
    assert "outside the map's period" in words and "showing 13 Nov 2021" in words
    assert "<img src=x onerror=window.__hostile=1>" in words  # quoted as text
    assert "Unknown basemap" in words and "{{7*7}}" in words and "49" not in words
    assert tm(page, "[m.iso, [...m.shown], m.basemapId]") == ["2021-11-13", ["camps"], "offline"]
    assert page.evaluate(RAN) is None and page.locator("#rd-notice img").count() == 0
    # The link is rewritten to what is shown.
    assert fragment(page) == {"date": "2021-11-13", "layers": "camps", "basemap": "offline"}


#: Fragments the page and mapapp/urlstate.py must read alike.
FRAGMENTS = [
    "",
    "date=2021-11-16&layers=camps,events&view=53.9,23.9,9",
    "date=2021-02-30",
    "date=1800-01-01",
    "date=16.11.2021",
    f"date={CRISIS_START}",
    f"date={CRISIS_END + dt.timedelta(days=1)}",
    "layers=",
    "layers=,",
    "layers= camps , ,events,camps",
    "layers=a,b,c,d,e,f,g,camps",
    "layers=ufo",
    "layers={{7*7}},javascript:alert(1)",
    "basemap=osm",
    "basemap=OSM",
    "view=53.9,23.9",
    "view=53.9,23.9,99",
    "view=1e1,2E1,5",
    "view=+53.9, 23.9 ,+9",
    "view=nan,1,5",
    "view=53.12345,23.98765,9",
    "date=2021-11-16&date=2021-11-17&x=1&y=2",
    "a=1&b=2&c=3&d=4&e=5&f=6&g=7",
    "layers=%E2%80%AEevil%E2%80%AC%0A&date=" + "9" * 80,
    "basemap=%3Cscript%3Ewindow.__hostile%3D1%3C%2Fscript%3E",
]


def test_the_page_reads_links_as_the_app_does(page, site):
    open_reader(page, site)
    for text in FRAGMENTS:
        got = page.evaluate("(text) => document.getElementById('tm-root').reader.parse('#' + text)", text)
        view, notices = urlstate.parse(dict(got["pairs"]), got["repeated"])
        assert got["notices"] == notices, text
        assert got["view"]["day"] == view.day.isoformat(), text
        assert got["view"]["layers"] == view.layers, text
        assert got["view"]["basemap"] == view.basemap, text
        assert (got["view"]["where"] and tuple(got["view"]["where"])) == (view.where or None), text


def test_hostile_data_renders_inert(page, hostile_site):
    open_reader(page, f"{hostile_site}#date=2021-11-15&layers={ALL_LAYERS}")
    texts = page.locator(".tm").evaluate(ALL_POPUPS)
    assert len(texts) > 20
    for text in texts:
        assert "{{7*7}}" in text and "49 {% raw %}" not in text, text[:200]
        assert "<script>window.__hostile=1</script>" in text
    page.locator("details.rd-list-box summary").click()
    page.locator("details.rd-table-box summary").click()
    body = page.inner_text("body")
    assert "{{7*7}}" in page.locator("#rd-list").inner_text()
    assert "{{7*7}}" in page.locator("#rd-week").inner_text()
    assert "49 {% raw %}" not in body and "Traceback" not in body
    assert page.evaluate(RAN) is None
    # No element the data could have made: no image, no link off http(s), no inline handler.
    assert page.locator("main img, .rd-wide img, [onerror], [onload], a[href^='javascript']").count() == 0
    hosts = left_the_machine(page)
    assert not hosts and all(u.split("/")[2].split(":")[0] in LOCAL_HOSTS for u in page.requested_urls)
    page.screenshot(path=str(ARTIFACTS / "reader-hostile.png"), full_page=True)


def test_phone_width(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_reader(page, f"{site}#date=2021-11-16")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator(".tm-map").bounding_box()
        assert box["width"] >= 350 and box["height"] >= 300
        page.get_by_role("button", name="Forward one day").tap()
        page.wait_for_function("() => document.querySelector('.tm').dataset.day === '2021-11-17'")
        # The chart's date labels do not run into each other.
        labels = page.locator("#rd-chart text.tick[text-anchor=middle]").evaluate_all(
            "els => els.map((e) => { const b = e.getBBox(); return [b.x, b.x + b.width]; })"
        )
        assert len(labels) >= 3
        assert all(a[1] < b[0] for a, b in itertools.pairwise(labels)), labels
        # A popup fits inside the map, its close button reachable.
        tm(page, "m.standing(m.timeline.layers.find((l) => l.id === 'camps'))[0].main.openPopup()")
        popup = page.locator(".leaflet-popup").bounding_box()
        assert popup["x"] >= box["x"] - 1 and popup["x"] + popup["width"] <= box["x"] + box["width"] + 1
        page.screenshot(path=str(ARTIFACTS / "reader-phone.png"), full_page=True)
    finally:
        context.close()


def test_a_page_opened_from_disk_without_single_file_says_what_to_do(page, site_dir):
    page.goto((site_dir / "index.html").as_uri())
    page.get_by_text("Serve this folder from a web server").wait_for(timeout=15_000)
