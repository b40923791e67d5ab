"""The running app in Chromium: borders drawn, the slider steps the map in place,
and the offline base makes no request outside the machine."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from mapapp.data import DEFAULT_DATA_DIR

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
BY_PL = "#c62828"  # BORDER_SEGMENTS.colours["BY-PL"]
BORDER_EVENT = "#d81b60"  # EVENTS.colours["border"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ARTIFACTS = DEFAULT_DATA_DIR.parent / "test-artifacts"


def open_map(page, url):
    """Open the app and wait until the border lines are drawn; return the map frame."""
    page.goto(url)
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(f'path[stroke="{BY_PL}"]').first.wait_for(timeout=60_000)
    return frame


def count(frame, selector) -> int:
    return frame.locator(selector).count()


def test_borders_are_drawn_and_nothing_leaves_the_machine(page, app_url):
    frame = open_map(page, app_url)
    strokes = frame.locator("path.leaflet-interactive").evaluate_all(
        "els => els.map(e => e.getAttribute('stroke'))"
    )
    for colour in ("#c62828", "#ef6c00", "#6a1b9a", "#1565c0", "#546e7a"):
        assert colour in strokes, f"border line {colour} not drawn"
    assert count(frame, ".leaflet-tooltip.mapapp-town") == 8
    assert count(frame, ".mapapp-legend") == 1
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-offline.png"))
    hosts = {
        urlparse(u).hostname for u in page.requested_urls if u.startswith(("http:", "https:", "ws:", "wss:"))
    }
    assert hosts <= LOCAL_HOSTS, f"requests left the machine: {sorted(hosts - LOCAL_HOSTS)}"
    assert not any("cdn" in u for u in page.requested_urls)


def test_slider_changes_the_map_in_place(page, app_url):
    frame = open_map(page, app_url)
    iframe = page.locator(MAP_FRAME)
    iframe.evaluate("el => { el.dataset.testMark = 'same-element'; }")
    # Zoom in, as a reader would before stepping through the days.
    zoom_in = frame.locator(".leaflet-control-zoom-in")
    zoom_in.click()
    page.wait_for_timeout(400)
    zoom_before = frame.locator(".leaflet-container").evaluate(
        "el => { const m = Object.values(window).find(v => v instanceof L.Map); return m.getZoom(); }"
    )
    event_marker = f'path[fill="{BORDER_EVENT}"]'
    assert count(frame, event_marker) == 0  # nothing at the border on 13 Nov in the data
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    for _ in range(3):  # 13 → 16 Nov 2021: the water cannon at Kuźnica
        slider.press("ArrowRight")
    frame.locator(event_marker).first.wait_for(timeout=30_000)
    page.get_by_text("The map on 16 November 2021").wait_for(timeout=30_000)
    assert count(frame, event_marker) == 1
    # Same iframe element, same zoom: the map was updated, not rebuilt.
    assert iframe.evaluate("el => el.dataset.testMark") == "same-element"
    zoom_after = frame.locator(".leaflet-container").evaluate(
        "el => { const m = Object.values(window).find(v => v instanceof L.Map); return m.getZoom(); }"
    )
    assert zoom_after == zoom_before
    page.screenshot(path=str(ARTIFACTS / "map-2021-11-16.png"))
