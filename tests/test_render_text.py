"""Text that reaches a page: escaped for HTML, inert in scripts, links only to the web."""

from __future__ import annotations

import json

import pytest

from mapapp.render import text


def test_esc_escapes_markup_and_quotes_and_shows_none_as_nothing():
    assert text.esc('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert text.esc("it's & that") == "it&#x27;s &amp; that"
    assert text.esc(None) == "" and text.esc(12.5) == "12.5"


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.org/a", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("//example.org/a", False),
        ("ftp://example.org/a", False),
        (None, False),
        (["https://example.org"], False),
    ],
)
def test_only_http_and_https_may_become_links(url, link):
    assert text.is_web_link(url) is link


def test_a_source_link_opens_in_a_new_tab_and_anything_else_stays_text():
    assert text.source_link("https://example.org/a?x=1&y=2") == (
        '<a href="https://example.org/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">'
        "https://example.org/a?x=1&amp;y=2</a>"
    )
    assert text.source_link("javascript:alert(1)") == "javascript:alert(1)"
    assert text.source_link("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


def test_numbered_links_number_every_source_and_link_only_web_ones():
    html = text.numbered_links(["https://a.example/", "javascript:alert(1)", "https://c.example/"])
    assert html == (
        '<a href="https://a.example/" target="_blank" rel="noopener noreferrer">[1]</a> '
        '<a href="https://c.example/" target="_blank" rel="noopener noreferrer">[3]</a>'
    )
    assert text.numbered_links(None) == "" and text.numbered_links("https://a.example/") == ""


def test_page_text_is_escaped_html_never_markdown():
    html = text.page_text(
        "[x](https://a.b) ![](https://t.example/p.png) $x$ <b>", ["https://s.example/a?b=1&c=2"]
    )
    assert html.startswith(
        '<div class="mapapp-caption">[x](https://a.b) ![](https://t.example/p.png) $x$ &lt;b&gt;'
    )
    assert (
        ' Sources: <a href="https://s.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">[1]</a>'
        in html
    )
    assert "javascript" not in text.page_text("x", ["javascript:alert(1)"])
    assert text.page_text("x", css_class='a" onclick="b') == '<div class="a&quot; onclick=&quot;b">x</div>'


def test_js_literal_is_inert_and_reads_back_exactly():
    value = {"name": '{{7*7}} </script><!-- & \' \u2028 "q"', "n": [1, 2.5, None, True]}
    literal = text.js_literal(value)
    assert literal.isascii()
    for unsafe in "<>&'":
        assert unsafe not in literal
    # Braces of the JSON itself stay; those inside strings are escaped.
    assert "{{" not in literal and "\\u007b\\u007b7*7\\u007d\\u007d" in literal
    assert json.loads(literal) == value
