"""The view is never lost, whatever the order and timing of a reader's actions.

A seeded random walk of zooms, pans, slider keys, step buttons, layer toggles,
Play bursts and basemap switches, with random gaps of 0–800 ms between them
(so actions land while the page is still being drawn). After each action the
title, the slider, the URL and the map must come to agree on the day, the
layers and the basemap, and the map must keep its zoom and centre. A model of
what the reader did says what they must agree on.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pytest
from test_map_in_browser import ARTIFACTS, MAP_FRAME, open_map

from mapapp import timeline
from mapapp.layers import toggleable

pytestmark = pytest.mark.browser

SEEDS = (37, 11, 23)
ACTIONS_PER_SEED = 50
START = dt.date(2021, 11, 7)
LAYER_TITLES = {spec.id: spec.title for spec in toggleable()}
MAP_JS = """() => {
    const m = Object.values(window).find(v => v instanceof L.Map);
    const kept = Object.keys(window.__mapappKept || {}).filter(k => k !== 'basemap').sort();
    const base = window.__mapappKept && window.__mapappKept.basemap;
    return {day: window.__mapappDay || '', zoom: m.getZoom(), lat: m.getCenter().lat, lng: m.getCenter().lng,
            layers: kept, tiles: !!(base && base.layer instanceof L.TileLayer),
            // Leaflet drops a zoom asked for during a zoom animation: wait for it to end.
            moving: !!(m._animatingZoom || (m._panAnim && m._panAnim._inProgress))};
}"""


@dataclass
class Model:
    """What the reader has done: the view the page must show."""

    day: dt.date
    layers: set[str] = field(
        default_factory=lambda: {spec.id for spec in toggleable() if spec.default_visible}
    )
    basemap: str = "offline"
    zoom: int = 6
    centre: tuple[float, float] | None = None


def observed(page) -> dict:
    """Day, layers and basemap as the title, slider, URL and map show them ("" while missing)."""
    frame = page.frame_locator(MAP_FRAME)
    try:
        in_map = frame.locator("body").evaluate(MAP_JS, timeout=2000)
    except Exception:  # the frame is being drawn
        in_map = {}
    title = page.locator("h4").filter(has_text="The map on").first
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    query = parse_qs(urlparse(page.url).query, keep_blank_values=True)
    try:
        title_text = title.inner_text(timeout=1000).removeprefix("The map on ").strip()
        slider_text = slider.get_attribute("aria-valuetext", timeout=1000)
    except Exception:
        title_text = slider_text = ""
    return {
        "title": title_text,
        "slider": slider_text,
        "url_date": query.get("date", [""])[0],
        "url_layers": set(filter(None, query.get("layers", [""])[0].split(","))),
        "url_basemap": query.get("basemap", [""])[0],
        "map": in_map,
    }


def agrees(seen: dict, model: Model) -> bool:
    """Whether everything shown agrees with the model."""
    day = model.day
    in_map = seen["map"]
    return (
        seen["title"] == f"{day.day} {day:%B %Y}"
        and seen["slider"] == f"{day.day} {day:%b %Y}"
        and seen["url_date"] == day.isoformat()
        and seen["url_layers"] == model.layers
        and seen["url_basemap"] == model.basemap
        and in_map.get("day") == day.isoformat()
        and set(in_map.get("layers", [])) == model.layers
        and in_map.get("tiles") == (model.basemap == "osm")
        and in_map.get("zoom") == model.zoom
        and in_map.get("moving") is False
    )


def settle(page, model: Model, what: str, moved: bool = False, timeout_s: float = 30) -> dict:
    """Wait until the page agrees with the model; fail naming the action and what disagrees."""
    deadline = time.monotonic() + timeout_s
    while True:
        seen = observed(page)
        if agrees(seen, model):
            break
        if time.monotonic() > deadline:
            page.screenshot(path=str(ARTIFACTS / "view-lost.png"))
            pytest.fail(f"after {what}: the page shows {seen}, the reader expects {model}")
        page.wait_for_timeout(40)
    in_map = seen["map"]
    centre = (round(in_map["lat"], 6), round(in_map["lng"], 6))
    if model.centre is not None and not moved:
        # Zooming rounds the centre to whole pixels: allow two pixels at this zoom.
        tolerance = 2 * 360 / (256 * 2 ** in_map["zoom"])
        shift = max(abs(centre[0] - model.centre[0]), abs(centre[1] - model.centre[1]))
        assert shift <= tolerance, f"after {what}: the map moved from {model.centre} to {centre}"
    model.centre = centre
    return seen


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def act(page, rng: random.Random, model: Model) -> str:
    """One random action; updates the model to what the reader now expects."""
    frame = page.frame_locator(MAP_FRAME)
    kind = rng.choice(
        [
            "zoom_in",
            "zoom_out",
            "pan",
            "key_right",
            "key_left",
            "day_button",
            "week_button",
            "back_button",
            "toggle",
            "toggle",
            "play",
            "basemap",
        ]
    )
    if kind == "zoom_in" and model.zoom < 16:
        frame.locator(".leaflet-control-zoom-in").click()
        model.zoom += 1
    elif kind == "zoom_out" and model.zoom > 4:
        frame.locator(".leaflet-control-zoom-out").click()
        model.zoom -= 1
    elif kind == "pan":
        box = page.locator(MAP_FRAME).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + rng.randint(-120, 120), y + rng.randint(-80, 80), steps=4)
        page.mouse.up()
        page.wait_for_timeout(800)  # Leaflet's inertia carries the map on a little after the drag
    elif kind in ("key_right", "key_left"):
        slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
        slider.focus()
        slider.press("ArrowRight" if kind == "key_right" else "ArrowLeft")
        model.day = timeline.step(model.day, 1 if kind == "key_right" else -1)
    elif kind == "day_button":
        _button(page, "1 day ▶").click()
        model.day = timeline.step(model.day, 1)
    elif kind == "back_button":
        _button(page, "◀ 1 day").click()
        model.day = timeline.step(model.day, -1)
    elif kind == "week_button":
        _button(page, "1 week ▶").click()
        model.day = timeline.step(model.day, 7)
    elif kind == "toggle":
        layer = rng.choice(sorted(LAYER_TITLES))
        page.locator('[data-testid="stSidebar"]').get_by_text(LAYER_TITLES[layer], exact=True).click()
        model.layers ^= {layer}
    elif kind == "play":
        _button(page, "▶ Play").click()
        page.wait_for_timeout(rng.randint(0, 1500))
        _button(page, "❚❚ Pause").click(timeout=30_000)
        # Play moved the day on by what the reader saw; it must still agree everywhere.
        _button(page, "▶ Play").wait_for(timeout=30_000)
        shown = observed(page)["url_date"]
        model.day = dt.date.fromisoformat(shown) if shown else model.day
    elif kind == "basemap":
        label = "OpenStreetMap tiles (online)" if model.basemap == "offline" else "Offline: bundled outlines"
        page.locator('[data-testid="stSidebar"]').get_by_text(label).click()
        model.basemap = "osm" if model.basemap == "offline" else "offline"
    else:
        return f"{kind} (not possible at zoom {model.zoom}: nothing done)"
    return kind


@pytest.mark.parametrize("seed", SEEDS)
def test_random_actions_at_random_gaps_never_lose_the_view(browser, app_url, seed):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    # The online basemap's tiles cannot load here; answer them locally and at once.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(status=204))
    page = context.new_page()
    try:
        rng = random.Random(seed)
        open_map(page, f"{app_url}/?date={START.isoformat()}", START.isoformat())
        model = Model(day=START)
        settle(page, model, "opening the page")
        done = []
        for _ in range(ACTIONS_PER_SEED):
            what = act(page, rng, model)
            done.append(what)
            settle(page, model, f"action {len(done)} ({what}; before: {done[-6:-1]})", moved=what == "pan")
            # The next action comes 0–800 ms after the view agreed: often while the rest
            # of the page (figures, chart, downloads) is still being drawn.
            page.wait_for_timeout(rng.randint(0, 800))
        assert len(done) == ACTIONS_PER_SEED
    finally:
        context.close()
