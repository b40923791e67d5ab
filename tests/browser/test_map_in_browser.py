"""The running app in Chromium, as a reader uses it.

Borders and every crisis layer are drawn; toggles and date steps update the map
in place (same iframe, zoom kept); Play advances the date; a shared link
restores the view; popups link their sources; the offline base makes no request
outside the machine; the page fits a laptop and a phone. Screenshots are kept in
``test-artifacts/``.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from mapapp.data import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ARTIFACTS = DEFAULT_DATA_DIR.parent / "test-artifacts"
ZOOM_JS = "el => { const m = Object.values(window).find(v => v instanceof L.Map); return m.getZoom(); }"


def drawn_day(page) -> str:
    """The day whose layers the map iframe has drawn ("" before any)."""
    try:
        return (
            page.frame_locator(MAP_FRAME)
            .locator("body")
            .evaluate("() => window.__mapappDay || ''", timeout=2000)
        )
    except Exception:  # the iframe is still loading
        return ""


def wait_day(page, day: str, timeout_s: float = 60) -> None:
    """Wait until the map has drawn the layers of ``day``."""
    deadline = time.monotonic() + timeout_s
    while drawn_day(page) != day:
        if time.monotonic() > deadline:
            pytest.fail(f"the map did not draw {day} (it shows {drawn_day(page)!r})")
        page.wait_for_timeout(50)


def open_map(page, url: str, day: str = "2021-11-13"):
    """Open the app (optionally with a query) and wait until the day is drawn; return the map frame."""
    page.goto(url)
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    wait_day(page, day)
    return page.frame_locator(MAP_FRAME)


def count(frame, layer: str) -> int:
    return frame.locator(f"path.mapapp-{layer}").count()


def test_every_layer_is_drawn_and_nothing_leaves_the_machine(page, app_url):
    frame = open_map(page, app_url)
    strokes = frame.locator("path.mapapp-border_segments").evaluate_all(
        "els => els.map(e => e.getAttribute('stroke'))"
    )
    for colour in ("#c62828", "#ef6c00", "#6a1b9a", "#1565c0", "#546e7a"):
        assert colour in strokes, f"border line {colour} not drawn"
    for layer in ("emergency_zones", "fences", "flight_routes", "crossings", "camps"):
        assert count(frame, layer) > 0, f"{layer} not drawn on 13 Nov 2021"
    assert frame.locator(".leaflet-tooltip.mapapp-town").count() == 8
    legend = frame.locator("#mapapp-legend-body").text_content()
    assert "Camps and centres" in legend and "Makeshift camp" in legend
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-2021-11-13-laptop.png"), full_page=True)
    hosts = {
        urlparse(u).hostname for u in page.requested_urls if u.startswith(("http:", "https:", "ws:", "wss:"))
    }
    assert hosts <= LOCAL_HOSTS, f"requests left the machine: {sorted(hosts - LOCAL_HOSTS)}"
    assert not any("cdn" in u for u in page.requested_urls)


def test_the_chart_follows_the_map(page, app_url):
    open_map(page, app_url)
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=20_000)
    assert chart.count() == 1


def test_toggling_a_layer_removes_exactly_its_features(page, app_url):
    frame = open_map(page, app_url)
    iframe = page.locator(MAP_FRAME)
    iframe.evaluate("el => { el.dataset.testMark = 'same-element'; }")
    layers = ("flight_routes", "camps", "fences", "border_segments", "emergency_zones")
    before = {layer: count(frame, layer) for layer in layers}
    assert before["flight_routes"] > 0
    updates = frame.locator("body").evaluate("() => window.__mapappUpdates")
    page.locator('[data-testid="stSidebar"]').get_by_text("Flights into Minsk", exact=True).click()
    deadline = time.monotonic() + 30
    while frame.locator("body").evaluate("() => window.__mapappUpdates") == updates:
        assert time.monotonic() < deadline, "the map was not updated after the toggle"
        page.wait_for_timeout(50)
    after = {layer: count(frame, layer) for layer in layers}
    assert after["flight_routes"] == 0
    assert {k: v for k, v in after.items() if k != "flight_routes"} == {
        k: v for k, v in before.items() if k != "flight_routes"
    }
    assert iframe.evaluate("el => el.dataset.testMark") == "same-element"
    assert "layers=" in page.url and "flight_routes" not in page.url.split("layers=")[1].split("&")[0]


def test_stepping_the_date_changes_the_map_in_place(page, app_url):
    frame = open_map(page, app_url)
    iframe = page.locator(MAP_FRAME)
    iframe.evaluate("el => { el.dataset.testMark = 'same-element'; }")
    # Zoom in, as a reader would before stepping through the days.
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(400)
    zoom_before = frame.locator(".leaflet-container").evaluate(ZOOM_JS)
    water_cannon = frame.locator("path.mapapp-events[fill='#d81b60']")
    assert water_cannon.count() == 0  # nothing at the border on 13 Nov in the events
    makeshift = frame.locator("path.mapapp-camps[fill='#e53935']")  # CAMPS.colours["makeshift_camp"]
    logistics = frame.locator("path.mapapp-camps[fill='#fb8c00']")  # the Bruzgi logistics centre
    assert makeshift.count() >= 1 and logistics.count() == 0
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    for day in ("2021-11-14", "2021-11-15", "2021-11-16"):
        slider.press("ArrowRight")
        wait_day(page, day)
    page.get_by_text("The map on 16 November 2021").wait_for(timeout=30_000)
    assert water_cannon.count() >= 1  # the water cannon at Kuźnica
    # Same iframe element, same zoom: the map was updated, not rebuilt.
    assert iframe.evaluate("el => el.dataset.testMark") == "same-element"
    assert frame.locator(".leaflet-container").evaluate(ZOOM_JS) == zoom_before
    # A week later the Kuźnica camp has been cleared; its people are in the Bruzgi centre.
    page.get_by_role("button", name="1 week ▶").click()
    wait_day(page, "2021-11-23")
    assert makeshift.count() == 0 and logistics.count() == 1
    assert "date=2021-11-23" in page.url
    page.screenshot(path=str(ARTIFACTS / "map-2021-11-23.png"))


def test_play_advances_the_date(page, app_url):
    open_map(page, app_url)
    page.get_by_role("button", name="▶ Play").click()
    wait_day(page, "2021-11-14", timeout_s=30)
    wait_day(page, "2021-11-15", timeout_s=30)
    page.get_by_role("button", name="❚❚ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)
    stopped = drawn_day(page)
    page.wait_for_timeout(2500)
    assert drawn_day(page) == stopped


def test_a_shared_link_restores_date_and_layers(page, app_url):
    frame = open_map(
        page, f"{app_url}/?date=2021-08-05&layers=flight_routes,events&basemap=offline", "2021-08-05"
    )
    page.get_by_text("The map on 5 August 2021").wait_for(timeout=30_000)
    assert count(frame, "flight_routes") > 0
    for layer in ("camps", "fences", "border_segments", "emergency_zones"):
        assert count(frame, layer) == 0, layer
    boxes = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"] input')
    checked = boxes.evaluate_all("els => els.filter(e => e.checked).length")
    assert checked == 2


def test_a_bad_link_says_so_and_shows_the_default_view(page, app_url):
    open_map(page, f"{app_url}/?date=2021-02-30&layers=ufo", "2021-11-13")
    page.get_by_text("The link's date “2021-02-30” was not used").wait_for(timeout=30_000)
    assert page.get_by_text("Unknown layer(s) in the link ignored: “ufo”").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_popup_lists_its_sources_as_links(page, app_url):
    frame = open_map(page, app_url)
    # The Kuźnica–Bruzgi camp, the largest circle of the camps layer.
    frame.locator("path.mapapp-camps").first.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    links = popup.locator('a[target="_blank"][rel="noopener noreferrer"]')
    assert links.count() >= 1
    assert links.first.get_attribute("href").startswith(("https://", "http://"))
    assert "Dates" in popup.inner_text() and "Location" in popup.inner_text()
    page.screenshot(path=str(ARTIFACTS / "popup.png"))


def test_the_page_fits_a_phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_map(page, app_url)
        page.wait_for_timeout(500)
        overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the phone"
        box = page.locator(MAP_FRAME).bounding_box()
        assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
        # The legend is folded on a phone, so the map stays visible.
        legend_open = page.frame_locator(MAP_FRAME).locator(".mapapp-legend details").evaluate("d => d.open")
        assert legend_open is False
        page.screenshot(path=str(ARTIFACTS / "map-phone.png"), full_page=True)
    finally:
        context.close()


CENTRE_JS = "() => { const m = Object.values(window).find(v => v instanceof L.Map); const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"


def test_go_to_a_place_moves_the_map_every_time_it_is_asked(page, app_url):
    frame = open_map(page, app_url)
    body = frame.locator("body")

    def choose(place: str) -> None:
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
        page.get_by_role("option", name=place).click()

    for attempt in range(2):
        choose("Białystok (town)")
        deadline = time.monotonic() + 30
        while True:
            lat, lng, zoom = body.evaluate(CENTRE_JS)
            if abs(lat - 53.13) < 0.05 and abs(lng - 23.16) < 0.05 and zoom == 10:
                page.wait_for_timeout(1000)  # the map flies there; the reader waits until it is still
                break
            assert time.monotonic() < deadline, (
                f"attempt {attempt + 1}: the map stayed at {lat}, {lng}, zoom {zoom}"
            )
            page.wait_for_timeout(100)
        # The reader pans away before asking for the same place again.
        box = page.locator(MAP_FRAME).bounding_box()
        x, y = box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 - 120  # clear of the town's marker
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 250, y + 100, steps=8)
        page.mouse.up()
        page.wait_for_timeout(900)
        lat, lng, _ = body.evaluate(CENTRE_JS)
        assert abs(lng - 23.16) > 0.05, "the drag did not move the map"
