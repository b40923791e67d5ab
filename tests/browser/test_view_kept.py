"""The view is never lost, whatever the order and timing of a reader's actions.

A seeded random walk of zooms, pans, the sidebar slider's keys, the map's own
keys, step buttons, jumps to changes and clicks on its time strip, layer
toggles, Play bursts and basemap switches, with random gaps of 0–800 ms between
them (so actions land while the page is still following an earlier one). After
each action the title, the slider, the URL and the map must come to agree on
the day, the layers, the basemap and the zoom, and the map must keep its zoom
and centre. A model of what the reader did says what they must agree on.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import pytest
from mapdriver import ARTIFACTS, MAP, ROOT, SLIDER, download, open_map

from mapapp import compiled, timeline
from mapapp.layers import toggleable

pytestmark = pytest.mark.browser

SEEDS = (37, 11, 23)
ACTIONS_PER_SEED = 50
START = dt.date(2021, 11, 7)
LAYER_TITLES = {spec.id: spec.title for spec in toggleable()}
MAP_JS = """el => {
    const m = el.timemap;
    if (!m) return {};
    const layers = m.timeline.layers.filter((l) => m.map.hasLayer(m.groups.get(l.id))).map((l) => l.id);
    return {day: el.dataset.day || '', zoom: m.map.getZoom(), lat: m.map.getCenter().lat,
            lng: m.map.getCenter().lng, layers: layers.sort(),
            tiles: m.basemapId === 'osm' && m.map.hasLayer(m.basemap), playing: m.playing,
            // Leaflet drops a zoom asked for during a zoom animation: wait for it to end.
            moving: !!(m.map._animatingZoom || (m.map._panAnim && m.map._panAnim._inProgress))};
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
    #: Whether the map has moved, so the link must carry its view.
    moved: bool = False


def observed(page) -> dict:
    """Day, layers and basemap as the title, slider, URL and map show them ("" while missing)."""
    try:
        in_map = page.locator(ROOT).evaluate(MAP_JS, timeout=2000)
    except Exception:  # the map is being built
        in_map = {}
    title = page.locator("h4").filter(has_text="The map on").first
    slider = page.locator(SLIDER).first
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
        "url_view": query.get("view", [""])[0],
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
        and in_map.get("playing") is False
        and (seen["url_view"].endswith(f",{model.zoom}") if model.moved else seen["url_view"] == "")
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
    kind = rng.choice(
        [
            "zoom_in",
            "zoom_out",
            "pan",
            "slider_right",
            "slider_left",
            "map_key",
            "map_key",
            "day_button",
            "week_button",
            "back_button",
            "next_change",
            "strip",
            "toggle",
            "toggle",
            "play",
            "basemap",
        ]
    )
    if kind == "zoom_in" and model.zoom < 16:
        page.locator(".leaflet-control-zoom-in").click()
        model.zoom += 1
        model.moved = True
    elif kind == "zoom_out" and model.zoom > 4:
        page.locator(".leaflet-control-zoom-out").click()
        model.zoom -= 1
        model.moved = True
    elif kind == "pan":
        box = page.locator(MAP).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + rng.randint(-120, 120), y + rng.randint(-80, 80), steps=4)
        page.mouse.up()
        page.wait_for_timeout(800)  # Leaflet's inertia carries the map on a little after the drag
        model.moved = True
    elif kind in ("slider_right", "slider_left"):
        slider = page.locator(SLIDER).first
        slider.focus()
        slider.press("ArrowRight" if kind == "slider_right" else "ArrowLeft")
        model.day = timeline.step(model.day, 1 if kind == "slider_right" else -1)
    elif kind == "map_key":
        key, days = rng.choice(
            [("ArrowRight", 1), ("ArrowLeft", -1), ("Shift+ArrowRight", 7), ("Shift+ArrowLeft", -7)]
        )
        page.locator(MAP).focus()
        page.keyboard.press(key)
        model.day = timeline.step(model.day, days)
        kind = f"map key {key}"
    elif kind == "day_button":
        _button(page, "Forward one day").click()
        model.day = timeline.step(model.day, 1)
    elif kind == "back_button":
        _button(page, "Back one day").click()
        model.day = timeline.step(model.day, -1)
    elif kind == "week_button":
        _button(page, "Forward one week").click()
        model.day = timeline.step(model.day, 7)
    elif kind == "next_change":
        changes = [
            compiled.day_of(i) for i in page.locator(ROOT).evaluate("el => el.timemap.timeline.changes")
        ]
        later = [day for day in changes if day > model.day]
        if not later:
            return "next change (none left: nothing done)"
        _button(page, "Next change").click()
        model.day = later[0]
    elif kind == "strip":
        box = page.locator(".tm-strip").bounding_box()
        share = rng.uniform(0.3, 0.7)  # the crisis's busy months
        page.mouse.click(box["x"] + share * box["width"], box["y"] + box["height"] / 2)
        model.day = dt.date.fromisoformat(page.locator(ROOT).get_attribute("data-day"))
        kind = f"strip at {share:.2f}"
    elif kind == "toggle":
        layer = rng.choice(sorted(LAYER_TITLES))
        page.locator('[data-testid="stSidebar"]').get_by_text(LAYER_TITLES[layer], exact=True).click()
        model.layers ^= {layer}
    elif kind == "play":
        _button(page, "Play").click()
        page.wait_for_timeout(rng.randint(0, 1500))
        _button(page, "Pause").click(timeout=30_000)
        # Play moved the day on by what the reader saw; it must still agree everywhere.
        model.day = dt.date.fromisoformat(page.locator(ROOT).get_attribute("data-day"))
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
        page.locator(ROOT).evaluate("el => { el.dataset.testMark = 'same-element'; }")
        done = []
        for _ in range(ACTIONS_PER_SEED):
            what = act(page, rng, model)
            done.append(what)
            settle(page, model, f"action {len(done)} ({what}; before: {done[-6:-1]})", moved=what == "pan")
            # Nothing that the page did moved the map back or rebuilt it.
            assert page.locator(ROOT).evaluate("el => el.dataset.testMark") == "same-element"
            # The next action comes 0–800 ms after the view agreed: often while the rest
            # of the page (figures, chart, downloads) is still being drawn.
            page.wait_for_timeout(rng.randint(0, 800))
        assert len(done) == ACTIONS_PER_SEED
    finally:
        context.close()


def test_the_map_download_comes_while_the_reader_steps_through_days(page, app_url):
    # A run cut short by the next drops the download buttons of the run before (Streamlit
    # collects them at its end) while the browser still shows them. The page makes its
    # buttons first, which narrows that moment (2 of 40 clicks got no file here before,
    # 0 of 40 after) but cannot close it: a click that gets Streamlit's "Failed to
    # generate file" is made again, as a reader would, and must then bring the file.
    open_map(page, f"{app_url}/?date={START.isoformat()}", START.isoformat())
    download(page, "This map (HTML, works offline)")  # the first may compile the day figures
    rng = random.Random(5)
    retried = []
    for step in range(12):
        page.locator(MAP).focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(rng.randint(150, 1400))  # while the page follows the step
        got, again = download(page, "This map (HTML, works offline)", timeout_s=60)
        assert got.suggested_filename.startswith("border-crisis-map-2021-11-")
        if again:
            retried.append(step)
    print(f"clicks made again after Streamlit's message: {retried}")
