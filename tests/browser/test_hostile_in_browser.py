"""Hostile data and hostile links in a real browser: shown as text, nothing runs, nothing leaves.

The app runs on ``tests/data/hostile`` (every text field carries template
syntax, HTML and script, Markdown links and images, ``$``-patterns and more).
Every popup and tooltip of the day is opened; no script of the data may run,
no request may leave the machine, and the text must read exactly as written.
"""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest
from mapdriver import ARTIFACTS, LOCAL_HOSTS, MAP, open_map, tm

pytestmark = pytest.mark.browser

#: Set by the fixture's payloads if any of them ever ran as script.
RAN = "() => [window.__hostile, window.parent && window.parent.__hostile]"
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


def _left_the_machine(page) -> set[str]:
    hosts = {
        urlparse(u).hostname for u in page.requested_urls if u.startswith(("http:", "https:", "ws:", "wss:"))
    }
    ports = {urlparse(u).port for u in page.requested_urls if u.startswith("http")}
    assert 9 not in ports, "a request went to the fixture's trap port"
    return hosts - LOCAL_HOSTS


@pytest.mark.parametrize("day", ["2021-11-15", "2022-07-01"])
def test_every_popup_and_tooltip_shows_hostile_text_literally(page, hostile_app_url, day):
    open_map(page, f"{hostile_app_url}/?date={day}", day)
    texts = page.locator(".tm").evaluate(ALL_POPUPS)
    assert len(texts) > 20
    for text in texts:
        assert "{{7*7}}" in text and "{% raw %}" in text, text[:200]
        assert "<script>window.__hostile=1</script>" in text  # shown as text, not run
        # $` and $& are replacement patterns of String.replace: kept as written, not expanded.
        assert "$` $& $' $$" in text
    features = page.locator(f"{MAP} path.leaflet-interactive")
    for index in range(min(features.count(), 30)):
        features.nth(index).dispatch_event("mouseover")
    tooltips = page.locator(f"{MAP} .leaflet-tooltip")
    assert any("{{7*7}}" in t for t in tooltips.all_inner_texts())
    assert page.evaluate(RAN) == [None, None]
    # The legend and the page around the map carry no markup from the data either.
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("img[src*='127.0.0.1:9'], a[href='https://evil.example']").count() == 0
    body = page.inner_text("body")
    assert "TemplateSyntaxError" not in body and "Traceback" not in body
    assert tm(page, "m.drawn().length") > 20
    page.screenshot(path=str(ARTIFACTS / f"hostile-{day}.png"), full_page=True)
    assert not _left_the_machine(page)


def test_hostile_link_values_stay_plain_text(page, app_url):
    link = (
        f"{app_url}/?layers={quote('[log in here](https://evil.example)')}"
        f"&basemap={quote('![x](http://127.0.0.1:9/p.png)')}&date={quote(':red[alarm] $x^2$' + 'y' * 5000)}"
    )
    open_map(page, link, "2021-11-13")
    page.get_by_text("[log in here](https://evil.example)").wait_for(timeout=30_000)
    assert page.locator("a[href='https://evil.example']").count() == 0
    assert page.locator("img[src*='127.0.0.1']").count() == 0
    assert page.locator(".katex, [data-testid='stMarkdownContainer'] span[style*='color']").count() == 0
    assert page.get_by_text("![x](http://127.0.0.1:9/p.png)").count() == 1
    # The value is quoted short, not echoed whole.
    notices = page.locator(".mapapp-notice").all_inner_texts()
    assert notices and all(len(n) < 600 for n in notices)
    assert not _left_the_machine(page)


def test_the_html_download_of_hostile_data_runs_nothing(page, tmp_path):
    import datetime as dt

    from conftest import REPO

    from mapapp import compiled, data, export
    from mapapp.render import basemap

    dataset = data.load_dataset(REPO / "tests" / "data" / "hostile")
    timeline, popups = compiled.compile_timeline(dataset)
    documents = {
        "timeline": timeline,
        "popups": popups,
        "backdrop": basemap.backdrop_collection(dataset.frame("countries")),
    }
    day = dt.date(2021, 11, 15)
    path = tmp_path / "map.html"
    layers = [layer["id"] for layer in timeline["layers"]]
    path.write_text(export.standalone_html(documents, day, layers), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector(".tm[data-day='2021-11-15']", timeout=30_000)
    texts = page.locator(".tm").evaluate(ALL_POPUPS)
    assert len(texts) > 20
    for text in texts:
        assert "{{7*7}}" in text and "49 {% raw %}" not in text
    # The single file keeps its time bar.
    page.locator(MAP).focus()
    page.keyboard.press("ArrowRight")
    assert page.locator(".tm").get_attribute("data-day") == "2021-11-16"
    assert page.evaluate(RAN) == [None, None]
    assert all(u.startswith(("file:", "data:")) for u in page.requested_urls), (
        "the download fetched something"
    )
