"""Text that reaches a page: escaping, links, and data inside scripts.

Every text of the data is hostile until shown otherwise: it is escaped here
for HTML, and turned into an inert JSON literal for scripts.
"""

from __future__ import annotations

import html
import json
import re

#: Characters that must never appear raw inside a JSON string placed in a page:
#: ``<``/``>``/``&`` could close a ``<script>`` element, ``'`` an attribute, and
#: ``{`` open template syntax should any template engine see the text.
_JS_UNSAFE = {c: f"\\u{ord(c):04x}" for c in "{}<>&'"}
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def js_literal(value: object) -> str:
    r"""A JavaScript literal of ``value`` that is inert wherever it is placed.

    JSON (ASCII only), with every character of :data:`_JS_UNSAFE` inside
    strings written as a ``\uXXXX`` escape. The browser reads the same text
    back; no template engine and no HTML parser sees data text as syntax.
    This is the only way data enters a ``<script>`` element of ours.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
    return _JSON_STRING.sub(lambda m: "".join(_JS_UNSAFE.get(c, c) for c in m.group(0)), text)


def esc(value: object) -> str:
    """HTML-escape any value for text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def is_web_link(url: object) -> bool:
    """Whether ``url`` may become a link: an http(s) URL, never ``javascript:`` or ``data:``."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _link(url: str, text: str, css_class: str = "") -> str:
    """A link that opens in a new tab, escaped; ``text`` is already HTML."""
    attrs = f' class="{esc(css_class)}"' if css_class else ""
    return f'<a{attrs} href="{esc(url)}" target="_blank" rel="noopener noreferrer">{text}</a>'


def numbered_links(sources: object) -> str:
    """Sources as ``[1] [2] …`` links (only http(s) ones), for text that names them by number."""
    if not isinstance(sources, (list, tuple)):
        return ""
    return " ".join(_link(url, f"[{n}]") for n, url in enumerate(sources, start=1) if is_web_link(url))


def source_link(url: object) -> str:
    """A source as a link that opens in a new tab; anything but http(s) stays plain text."""
    return _link(url, esc(url)) if is_web_link(url) else esc(url)


def page_text(
    text: object, sources: tuple[str, ...] | list[str] = (), css_class: str = "mapapp-caption"
) -> str:
    """Data text for the page around the map, as HTML for ``st.html``: escaped, never Markdown.

    Streamlit's Markdown turns any ``https://…`` in a text into a live link even
    when every character is escaped, and reads ``$…$`` as a formula: text from
    the data or the link is therefore never given to it. Each source becomes a
    numbered link that opens in a new tab.
    """
    links = numbered_links(sources)
    return f'<div class="{esc(css_class)}">{esc(text)}{" Sources: " + links if links else ""}</div>'
