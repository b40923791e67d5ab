"""The running app in Chromium, as a reader uses it.

Borders and every crisis layer are drawn; toggles and day steps change the
map in place (the same element, zoom kept) and the page follows the map's day;
a shared link restores the view; popups link their sources; the offline base
makes no request outside the machine; the page fits a laptop and a phone.
Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import time

import pytest
from mapdriver import (
    ARTIFACTS,
    MAP,
    ROOT,
    SLIDER,
    count,
    drawn_day,
    left_the_machine,
    open_map,
    press_on_map,
    tm,
    view,
    wait_day,
    wait_page_day,
)

pytestmark = pytest.mark.browser


def test_every_layer_is_drawn_and_nothing_leaves_the_machine(page, app_url):
    open_map(page, app_url)
    strokes = page.locator(f"{MAP} path.mapapp-border_segments").evaluate_all(
        "els => els.map(e => e.getAttribute('stroke'))"
    )
    for colour in ("#c62828", "#ef6c00", "#6a1b9a", "#1565c0", "#546e7a"):
        assert colour in strokes, f"border line {colour} not drawn"
    for layer in ("emergency_zones", "fences", "flight_routes", "crossings", "camps"):
        assert count(page, layer) > 0, f"{layer} not drawn on 13 Nov 2021"
    assert page.locator(f"{MAP} .leaflet-tooltip.mapapp-town").count() == 8
    legend = page.locator(".mapapp-legend-body").text_content()
    assert "Camps and centres" in legend and "Makeshift camp" in legend
    # The offline basemap: the country outlines are drawn under the layers.
    assert page.locator(f"{MAP} .leaflet-tm-backdrop-pane path").count() == 16
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-2021-11-13-laptop.png"), full_page=True)
    assert not left_the_machine(page), f"requests left the machine: {sorted(left_the_machine(page))}"
    assert not any("cdn" in u for u in page.requested_urls)


def test_the_chart_follows_the_map(page, app_url):
    open_map(page, app_url)
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=20_000)
    assert chart.count() == 1


def test_toggling_a_layer_removes_exactly_its_features(page, app_url):
    open_map(page, app_url)
    page.locator(ROOT).evaluate("el => { el.dataset.testMark = 'same-element'; }")
    layers = ("flight_routes", "camps", "fences", "border_segments", "emergency_zones")
    before = {layer: count(page, layer) for layer in layers}
    assert before["flight_routes"] > 0
    page.locator('[data-testid="stSidebar"]').get_by_text("Flights into Minsk", exact=True).click()
    deadline = time.monotonic() + 30
    while count(page, "flight_routes"):
        assert time.monotonic() < deadline, "the routes stayed on the map after the toggle"
        page.wait_for_timeout(50)
    after = {layer: count(page, layer) for layer in layers}
    assert {k: v for k, v in after.items() if k != "flight_routes"} == {
        k: v for k, v in before.items() if k != "flight_routes"
    }
    assert "Flights into Minsk" not in page.locator(".mapapp-legend-body").text_content()
    assert page.locator(ROOT).evaluate("el => el.dataset.testMark") == "same-element"
    page.wait_for_function("() => location.search.includes('layers=')")
    assert "flight_routes" not in page.url.split("layers=")[1].split("&")[0]


def test_stepping_with_the_keys_changes_the_map_in_place_and_the_page_follows(page, app_url):
    open_map(page, app_url)
    page.locator(ROOT).evaluate("el => { el.dataset.testMark = 'same-element'; }")
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(400)
    zoom_before = view(page)[2]
    water_cannon = page.locator(f"{MAP} path.mapapp-events[fill='#d81b60']")
    makeshift = page.locator(f"{MAP} path.mapapp-camps[fill='#e53935']")  # CAMPS.colours["makeshift_camp"]
    logistics = page.locator(f"{MAP} path.mapapp-camps[fill='#fb8c00']")  # the Bruzgi logistics centre
    assert water_cannon.count() == 0 and makeshift.count() >= 1 and logistics.count() == 0
    press_on_map(page, "ArrowRight", "ArrowRight", "ArrowRight")
    assert drawn_day(page) == "2021-11-16"  # drawn at once, before the page hears of it
    assert water_cannon.count() >= 1  # the water cannon at Kuźnica
    wait_page_day(page, "16 November 2021")
    page.wait_for_function("() => location.search.includes('date=2021-11-16')")
    assert page.locator('[data-testid="stSliderThumbValue"]').first.inner_text() == "16 Nov 2021"
    # A week later the Kuźnica camp has been cleared; its people are in the Bruzgi centre.
    page.get_by_role("button", name="Forward one week").click()
    assert drawn_day(page) == "2021-11-23"
    assert makeshift.count() == 0 and logistics.count() == 1
    wait_page_day(page, "23 November 2021")
    # Same element, same zoom: the map was changed, not rebuilt.
    assert page.locator(ROOT).evaluate("el => el.dataset.testMark") == "same-element"
    assert view(page)[2] == zoom_before
    page.screenshot(path=str(ARTIFACTS / "map-2021-11-23.png"))


def test_the_slider_moves_the_map(page, app_url):
    open_map(page, app_url)
    slider = page.locator(SLIDER).first
    slider.focus()
    slider.press("ArrowRight")
    wait_day(page, "2021-11-14", timeout_s=30)
    wait_page_day(page, "14 November 2021")


def test_play_advances_the_day_and_pause_stops_it(page, app_url):
    open_map(page, app_url)
    page.get_by_role("button", name="Play").click()
    wait_day(page, "2021-11-15", timeout_s=10)
    page.get_by_role("button", name="Pause").click()
    stopped = drawn_day(page)
    page.wait_for_timeout(1200)
    assert drawn_day(page) == stopped
    # Once the day rests, the page follows it.
    day = int(stopped[-2:])
    wait_page_day(page, f"{day} November 2021")


def test_a_shared_link_restores_day_layers_and_view(page, app_url):
    open_map(page, f"{app_url}/?date=2021-08-05&layers=flight_routes,events&view=53.9,27.5,8", "2021-08-05")
    wait_page_day(page, "5 August 2021")
    assert count(page, "flight_routes") > 0
    for layer in ("camps", "fences", "border_segments", "emergency_zones"):
        assert count(page, layer) == 0, layer
    lat, lon, zoom = view(page)
    assert (round(lat, 1), round(lon, 1), zoom) == (53.9, 27.5, 8)
    boxes = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"] input')
    assert boxes.evaluate_all("els => els.filter(e => e.checked).length") == 2
    # Panning writes the new view into the link.
    page.locator(".leaflet-control-zoom-out").click()
    page.wait_for_function("() => location.search.includes('view=') && location.search.includes('%2C7')")


def test_a_bad_link_says_so_and_shows_the_default_view(page, app_url):
    open_map(page, f"{app_url}/?date=2021-02-30&layers=ufo&view=91,0,6", "2021-11-13")
    page.get_by_text("The link's date “2021-02-30” was not used").wait_for(timeout=30_000)
    assert page.get_by_text("Unknown layer(s) in the link ignored: “ufo”").count() == 1
    assert page.get_by_text("The link's view “91,0,6” was not used", exact=False).count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_popup_lists_its_sources_as_links_and_follows_the_day(page, app_url):
    open_map(page, app_url)
    # The largest camp circle on 13 Nov: Kuźnica–Bruzgi.
    tm(
        page,
        "m.standing(m.timeline.layers.find((l) => l.id === 'camps')).sort((a, b) => a.state.z - b.state.z)[0]"
        ".main.openPopup()",
    )
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    page.wait_for_function(
        "() => !document.querySelector('.leaflet-popup-content').textContent.includes('Loading')"
    )
    links = popup.locator('a[target="_blank"][rel="noopener noreferrer"]')
    assert links.count() >= 1
    assert links.first.get_attribute("href").startswith(("https://", "http://"))
    text = popup.inner_text()
    assert "Dates" in text and "Location" in text and "People (latest count by this day)" in text
    page.screenshot(path=str(ARTIFACTS / "popup.png"))


def test_the_page_fits_a_phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_map(page, app_url)
        page.wait_for_timeout(500)
        overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than the phone"
        box = page.locator(MAP).bounding_box()
        assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1
        # The legend is folded on a phone, so the map stays visible.
        assert page.locator(".mapapp-legend details").evaluate("d => d.open") is False
        page.screenshot(path=str(ARTIFACTS / "map-phone.png"), full_page=True)
    finally:
        context.close()


def test_go_to_a_place_moves_the_map_every_time_it_is_asked(page, app_url):
    open_map(page, app_url)

    def choose(place: str) -> None:
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=place).click()

    for attempt in range(2):
        choose("Białystok (town)")
        deadline = time.monotonic() + 30
        while True:
            lat, lng, zoom = view(page)
            if abs(lat - 53.13) < 0.05 and abs(lng - 23.16) < 0.05 and zoom == 10:
                break
            assert time.monotonic() < deadline, (
                f"attempt {attempt + 1}: the map stayed at {lat}, {lng}, zoom {zoom}"
            )
            page.wait_for_timeout(100)
        page.wait_for_timeout(600)
        # The reader pans away before asking for the same place again.
        box = page.locator(MAP).bounding_box()
        x, y = box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 - 120
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 250, y + 100, steps=8)
        page.mouse.up()
        page.wait_for_timeout(600)
        assert abs(view(page)[1] - 23.16) > 0.05, "the drag did not move the map"
