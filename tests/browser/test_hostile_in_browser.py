"""Hostile data and hostile links in a real browser: shown as text, nothing runs, nothing leaves.

The app runs on ``tests/data/hostile`` (every text field carries template
syntax, HTML and script, Markdown links and images, ``$``-patterns and more).
Every popup and tooltip of the day is opened; no script of the data may run,
no request may leave the machine, and the text must read exactly as written.
"""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest
from mapdriver import ALL_POPUPS, ARTIFACTS, LOCAL_HOSTS, MAP, download, open_map, tm, wait_settled

pytestmark = pytest.mark.browser

#: Set by the fixture's payloads if any of them ever ran as script.
RAN = "() => [window.__hostile, window.parent && window.parent.__hostile]"


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


def test_the_html_download_is_the_reader_edition_of_the_view_and_runs_nothing(
    page, hostile_app_url, tmp_path
):
    # The app on hostile data, at a day, two layers and a place…
    open_map(page, f"{hostile_app_url}/?date=2021-11-15&layers=camps,events&view=53.6,23.8,9", "2021-11-15")
    wait_settled(page)  # as a reader would, once the page is drawn
    got, _ = download(page, "This map (HTML, works offline)")
    path = tmp_path / "map.html"
    got.save_as(path)
    # …downloads the single-file reader edition, which opens from disk on that view.
    reader = page.context.new_page()
    reader.requested_urls = []
    reader.on("request", lambda request: reader.requested_urls.append(request.url))
    reader.goto(path.as_uri())
    reader.wait_for_selector("html[data-ready]", timeout=30_000)
    assert tm(reader, "[m.iso, [...m.shown].sort(), m.map.getZoom()]") == [
        "2021-11-15",
        ["camps", "events"],
        9,
    ]
    texts = reader.locator(".tm").evaluate(ALL_POPUPS)
    assert len(texts) >= 5
    for text in texts:
        assert "{{7*7}}" in text and "49 {% raw %}" not in text
    assert "{{7*7}}" in reader.locator("#rd-week").inner_text()
    # It keeps its time bar.
    reader.locator(MAP).focus()
    reader.keyboard.press("ArrowRight")
    assert reader.locator(".tm").get_attribute("data-day") == "2021-11-16"
    assert reader.evaluate(RAN) == [None, None]
    assert all(u.startswith(("file:", "data:")) for u in reader.requested_urls), (
        "the download fetched something"
    )
