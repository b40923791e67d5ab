"""Driving the map that keeps time (``mapapp/static/timemap.js``) from Playwright.

The map lives in the page itself (a Streamlit Components v2 element, no
iframe). Its root element ``.tm`` says the day it has drawn (``data-day``)
and carries the engine as ``element.timemap``, so tests read what is drawn
from the engine's own objects on the map.
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import urlparse

import pytest

from mapapp import snapshot
from mapapp.data import DEFAULT_DATA_DIR
from mapapp.layers import LAYERS

ROOT = ".tm"
MAP = ".tm-map"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ARTIFACTS = DEFAULT_DATA_DIR.parent / "test-artifacts"
SLIDER = '[data-testid="stSlider"] input[type="range"]'

#: Opens the popup of every feature drawn, one after the other, and returns their texts.
ALL_POPUPS = """async (el) => {
    const m = el.timemap;
    await m.loadPopups();
    const texts = [];
    for (const layer of m.timeline.layers) {
        for (const parts of m.standing(layer)) {
            parts.main.openPopup();
            texts.push(document.querySelector('.leaflet-popup-content').textContent);
            parts.main.closePopup();
        }
    }
    return texts;
}"""


def tm(page, expression: str, arg=None):
    """Evaluate ``expression`` with ``m`` bound to the TimeMap engine (and ``arg``)."""
    return page.locator(ROOT).evaluate(f"(el, arg) => {{ const m = el.timemap; return {expression}; }}", arg)


def drawn_day(page) -> str:
    """The day the map has drawn ("" before it is built)."""
    return page.locator(ROOT).first.get_attribute("data-day", timeout=2000) or ""


def wait_day(page, day: str, timeout_s: float = 60) -> None:
    """Wait until the map has drawn ``day``."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if drawn_day(page) == day:
                return
        except Exception:  # not on the page yet
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the map did not draw {day} (it shows {drawn_day(page)!r})")
        page.wait_for_timeout(30)


def wait_page_day(page, words: str, timeout_s: float = 30) -> None:
    """Wait until the page around the map says ``The map on <words>``."""
    page.get_by_text(f"The map on {words}", exact=True).wait_for(timeout=timeout_s * 1000)


def wait_settled(page, timeout_s: float = 90) -> None:
    """Wait until the page's first-load runs are over: the chart is drawn and no run is under way.

    The page draws its chart in a second run just after the first load
    (``panels.CHART_DELAY_S``). A run cut short drops the widgets of the one
    before (Streamlit collects them at its end), so a click on a download
    button the browser still shows would fail ("Failed to generate file for
    download") until the next run has drawn it again.
    """
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=timeout_s * 1000)
    quiet = (
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
    )
    for _ in range(2):  # twice, a moment apart: a run may start right after another ends
        page.wait_for_function(quiet, timeout=timeout_s * 1000)
        page.wait_for_timeout(300)
    page.wait_for_function(quiet, timeout=timeout_s * 1000)


def download(page, button_name: str, timeout_s: float = 120):
    """Click a download button and return Playwright's ``Download``; fail, quoting the page, if none comes.

    A click in the moment a run is cut short can find its file gone (see
    :func:`wait_settled`): Streamlit then says "Failed to generate file for
    download" under the button for 5 s. A reader clicks again, and so does this,
    once; the second click must bring the file. Returns ``(download, retried)``.
    """
    got: list = []

    def keep(file) -> None:  # Playwright takes a function as handler, not a bound builtin
        got.append(file)

    page.on("download", keep)
    try:
        button = page.get_by_role("button", name=button_name)
        error = page.locator('[data-testid="stDownloadButtonError"]')
        said: list[str] = []
        for attempt in (1, 2):
            button.click()
            deadline = time.monotonic() + timeout_s
            while not got and not error.count() and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            if got:
                return got[0], attempt == 2
            said = error.all_inner_texts()
            if not said:
                break  # no file and no message: clicking again would hide the fault
            error.first.wait_for(state="detached", timeout=15_000)
        pytest.fail(f"no file from {button_name!r}; the page says {said or 'nothing'}")
    finally:
        page.remove_listener("download", keep)


def open_map(page, url: str, day: str = "2021-11-13") -> None:
    """Open the app (optionally with a query) and wait until the map has drawn ``day``."""
    page.goto(url)
    page.wait_for_selector(f"{ROOT}[data-day]", timeout=90_000)
    wait_day(page, day)


def count(page, layer: str) -> int:
    """SVG paths of a layer on the map now."""
    return page.locator(f"{MAP} path.mapapp-{layer}").count()


def drawn_ids(page) -> dict[str, set[str]]:
    """Layer id → ids of the features drawn now."""
    out: dict[str, set[str]] = {}
    for item in tm(page, "m.drawn()"):
        out.setdefault(item["layer"], set()).add(item["id"])
    return out


def view(page) -> tuple[float, float, int]:
    """The map's centre and zoom."""
    lat, lon, zoom = tm(page, "[m.map.getCenter().lat, m.map.getCenter().lng, m.map.getZoom()]")
    return lat, lon, zoom


def left_the_machine(page) -> set[str]:
    """Hosts other than this machine that the page asked for anything."""
    hosts = {
        urlparse(u).hostname for u in page.requested_urls if u.startswith(("http:", "https:", "ws:", "wss:"))
    }
    return hosts - LOCAL_HOSTS


def press_on_map(page, *keys: str) -> None:
    """Focus the map (as a click on it would) and press keys."""
    page.locator(MAP).focus()
    for key in keys:
        page.keyboard.press(key)


KM_TOLERANCE = 0.1


def expected_on(dataset, day: dt.date) -> dict[tuple[str, str], dict]:
    """What ``snapshot`` has on ``day``: (layer, id) → the properties that change by day."""
    found = {}
    for feature in snapshot.snapshot(dataset, day)["features"]:
        props = feature["properties"]
        spec = LAYERS[props["layer"]]
        found[(props["layer"], props["id"])] = {name: props[name] for name in spec.day_properties}
    return found


def differences(day: str, drawn: list[dict], expected: dict) -> list[str]:
    """How what the engine drew (``drawn()``) differs from :func:`expected_on`, one line per difference."""
    got = {(item["layer"], item["id"]): item["props"] for item in drawn}
    problems = [
        f"{day}: {layer}/{fid} is drawn but snapshot does not have it"
        for layer, fid in got.keys() - expected.keys()
    ]
    problems += [
        f"{day}: {layer}/{fid} is in snapshot but not drawn" for layer, fid in expected.keys() - got.keys()
    ]
    for key in got.keys() & expected.keys():
        for name, want in expected[key].items():
            have = got[key].get(name)
            if name == LAYERS[key[0]].built_by:
                same = have is not None and abs(have - want) <= KM_TOLERANCE
            else:
                same = have == want
            if not same:
                problems.append(
                    f"{day}: {key[0]}/{key[1]} property {name}: drawn {have!r}, snapshot {want!r}"
                )
    return problems
