"""The map's own time controls in Chromium: keys, buttons, Play at every speed, the strip.

Every day shown is recorded as the map draws it (an observer on the map's
``data-day``), so a skipped day would be seen.
"""

from __future__ import annotations

import datetime as dt

import pytest
from mapdriver import MAP, ROOT, drawn_day, open_map, press_on_map, tm, view, wait_day

from mapapp import compiled

pytestmark = pytest.mark.browser

RECORD = """el => {
    el.shownDays = [];
    // A redraw of the same day (a layer toggle, the page's rerun) is not a new day.
    new MutationObserver(() => el.shownDays.at(-1) !== el.dataset.day && el.shownDays.push(el.dataset.day))
        .observe(el, {attributes: true, attributeFilter: ['data-day']});
}"""


def _iso(start: str, days: int) -> str:
    return (dt.date.fromisoformat(start) + dt.timedelta(days=days)).isoformat()


def test_keys_step_days_weeks_and_changes(page, app_url):
    open_map(page, app_url)
    press_on_map(page, "ArrowRight")
    assert drawn_day(page) == "2021-11-14"
    press_on_map(page, "ArrowLeft", "ArrowLeft")
    assert drawn_day(page) == "2021-11-12"
    press_on_map(page, "Shift+ArrowRight")
    assert drawn_day(page) == "2021-11-19"
    press_on_map(page, "Shift+ArrowLeft")
    assert drawn_day(page) == "2021-11-12"
    changes = [compiled.day_of(i).isoformat() for i in tm(page, "m.timeline.changes")]
    after = next(d for d in changes if d > "2021-11-12")
    before = max(d for d in changes if d < after)
    press_on_map(page, "PageDown")
    assert drawn_day(page) == after
    press_on_map(page, "PageUp")
    assert drawn_day(page) == before
    press_on_map(page, "Home")
    assert drawn_day(page) == compiled.day_of(0).isoformat()
    press_on_map(page, "End")
    assert drawn_day(page) == compiled.day_of(compiled.DAYS - 1).isoformat()
    # The keys work from the time bar too, and the page does not scroll on Space.
    page.locator(".tm-strip").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert drawn_day(page) == compiled.day_of(1).isoformat()
    scroll = page.evaluate("() => window.scrollY")
    page.keyboard.press(" ")
    assert tm(page, "m.playing") is True
    page.keyboard.press(" ")
    assert tm(page, "m.playing") is False
    assert page.evaluate("() => window.scrollY") == scroll


def test_controls_have_accessible_names(page, app_url):
    open_map(page, app_url)
    for name in (
        "Previous change",
        "Back one week",
        "Back one day",
        "Play",
        "Forward one day",
        "Forward one week",
        "Next change",
    ):
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.get_by_role("combobox", name="Play speed").count() == 1
    strip = page.get_by_role("slider", name="Day on the map", exact=False)
    assert strip.get_attribute("aria-valuetext") == "13 Nov 2021"
    assert page.locator(MAP).get_attribute("aria-label").startswith("Map of the Belarus–EU border crisis")
    page.get_by_role("button", name="Forward one day", exact=True).click()
    assert strip.get_attribute("aria-valuetext") == "14 Nov 2021"


@pytest.mark.parametrize("speed", [1, 2, 5, 10, 30])
def test_play_shows_every_day_at_every_speed(page, app_url, speed):
    open_map(page, app_url)
    page.get_by_role("combobox", name="Play speed").select_option(str(speed))
    page.locator(ROOT).evaluate(RECORD)
    page.get_by_role("button", name="Play", exact=True).click()
    seconds = 2.5 if speed < 30 else 3.0
    page.wait_for_timeout(seconds * 1000)
    page.get_by_role("button", name="Pause", exact=True).click()
    shown = page.locator(ROOT).evaluate("el => el.shownDays")
    assert shown, "Play drew no day"
    expected = [_iso("2021-11-13", n) for n in range(1, len(shown) + 1)]
    assert shown == expected, "Play skipped or repeated a day"
    rate = len(shown) / seconds
    # Not a timing test: Play must move at about its speed, neither stalled nor racing ahead.
    assert rate <= speed * 1.25 + 0.5, f"{rate:.1f} days/s at {speed} days/s"
    assert rate >= min(speed, 12) * 0.3, f"only {rate:.1f} days/s at {speed} days/s"


def test_play_stops_on_the_last_day_and_starts_again_from_the_first(page, app_url):
    open_map(page, app_url)
    last = compiled.day_of(compiled.DAYS - 1).isoformat()
    tm(page, "m.setDay(m.days - 3)")
    page.get_by_role("combobox", name="Play speed").select_option("10")
    page.get_by_role("button", name="Play", exact=True).click()
    wait_day(page, last, timeout_s=10)
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=5000)
    assert tm(page, "m.playing") is False
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_timeout(300)
    assert drawn_day(page) < "2020-09-01"
    page.get_by_role("button", name="Pause", exact=True).click()


def test_the_strip_moves_the_map_by_click_and_by_drag(page, app_url):
    open_map(page, app_url)
    zoom = view(page)[2]
    box = page.locator(".tm-strip").bounding_box()
    days = compiled.DAYS
    page.mouse.click(box["x"] + 0.2, box["y"] + box["height"] / 2)
    assert drawn_day(page) == compiled.day_of(0).isoformat()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    middle = compiled.day_index(drawn_day(page))
    assert abs(middle - (days - 1) / 2) <= days / box["width"] + 1
    page.locator(ROOT).evaluate(RECORD)
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + 10, steps=10)
    page.mouse.up()
    end = compiled.day_index(drawn_day(page))
    assert abs(end - 0.75 * (days - 1)) <= days / box["width"] + 1
    assert len(page.locator(ROOT).evaluate("el => el.shownDays")) >= 5  # it followed the drag
    assert view(page)[2] == zoom
    # The page follows the day the strip rests on.
    words = f"{compiled.day_of(end):%-d %B %Y}"
    page.get_by_text(f"The map on {words}", exact=True).wait_for(timeout=30_000)
