"""Popups and tooltips: a feature's dates, precision, figures and sources, escaped."""

from __future__ import annotations

import math

from markupsafe import Markup

from mapapp.figures import VALUE_KIND_WORDS
from mapapp.layers import LayerSpec
from mapapp.render.style import _number
from mapapp.render.text import _link, esc, is_web_link, numbered_links, source_link
from mapapp.schema import ISO_DAY
from mapapp.timeline import describe_period


def _present(value: object) -> bool:
    """False for None, NaN, empty text and empty lists."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, (list, tuple)):
        return bool(value)
    return not (isinstance(value, str) and not value.strip())


#: Country codes of the data, in words.
COUNTRY_WORDS = {"BY": "Belarus", "PL": "Poland", "LT": "Lithuania", "LV": "Latvia"}

#: Words for coded values shown in popups.
LOCATION_WORDS = {
    "exact": "exact (where the sources put it)",
    "approximate": "approximate (within a few km; see the notes)",
    "region": "region only (the area is known, not the place)",
}


def _figure(value: object) -> str:
    """A number for a reader: 1,234 or 12.5."""
    number = _number(value)
    if number is None:
        return "" if value is None else str(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0")


#: Where a fence's length goes in the day's rows of a compiled popup: the browser
#: writes the day's figure there (it changes every day between two reports).
KM_MARK = "<!--km-->"


def _fence_rows(props: dict, km_text: str | None) -> list[tuple[str, object]]:
    """A fence on the day: the length standing, and how it is known."""
    if not _present(props.get("built_km")):
        return []
    planned = _number(props.get("planned_km"))
    # Markup: escaped here, so the rows do not escape the mark again.
    km = Markup(km_text) if km_text is not None else Markup(esc(_figure(props["built_km"])))
    rest = (
        f" km of {_figure(planned)} km planned" if planned is not None else " km (planned length not given)"
    )
    text = km + Markup(esc(rest))
    if props.get("built_km_interpolated"):
        text += Markup(" (interpolated)")
    rows = [("Standing on this day", text)]
    if _present(props.get("built_km_basis")):
        rows.append(("How it is known", props["built_km_basis"]))
    return rows


def _camp_rows(props: dict, km_text: str | None) -> list[tuple[str, object]]:
    """A camp on the day: the latest count by then, and the largest ever."""
    rows = []
    if _present(props.get("people_on_day")):
        when = describe_period(props["people_on_day_date"], props["people_on_day_date"])
        rows.append(("People (latest count by this day)", f"{_figure(props['people_on_day'])} on {when}"))
    else:
        rows.append(("People", "no count in the sources by this day"))
    if _present(props.get("people")) and _present(props.get("people_date")):
        when = describe_period(props["people_date"], props["people_date"])
        rows.append(("Largest count (other estimates below)", f"{_figure(props['people'])} on {when}"))
    return rows


def _crossing_rows(props: dict, km_text: str | None) -> list[tuple[str, object]]:
    """A crossing on the day: open, or closed and why."""
    if not _present(props.get("status")):
        return []
    return [("On this day", props.get("status_note") or props["status"])]


#: The popup rows of a feature on a day, per kind (a layer's ``on_day``).
DAY_ROWS = {"fence": _fence_rows, "camp": _camp_rows, "crossing": _crossing_rows}


#: Properties holding the sources of a figure for the day shown.
DAY_SOURCES = ("built_km_sources", "people_on_day_sources", "status_sources")


#: The Internet Archive's lookup of the capture of a page nearest to a day.
WAYBACK = "https://web.archive.org/web/{stamp}/{url}"


def archive_link(url: object, when: object) -> str:
    """A link to the Internet Archive's capture of ``url`` nearest to ``when`` (YYYY-MM-DD), or "".

    It is a lookup, not a verified capture, and says so: it keeps a source
    readable when the site moves or dies.
    """
    if not is_web_link(url):
        return ""
    stamp = when.replace("-", "") if isinstance(when, str) and ISO_DAY.fullmatch(when) else ""
    return _link(WAYBACK.format(stamp=stamp or "2", url=url), "archived copy (nearest capture)", "archive")


def _source_list(title: str, sources: object, when: object = None) -> str:
    """An ordered list of source links under a bold title, each with its archived copy."""
    items = []
    for url in sources:
        archived = archive_link(url, when)
        items.append(f"<li>{source_link(url)}{' · ' + archived if archived else ''}</li>")
    return f"<b>{esc(title)}</b><ol>{''.join(items)}</ol>"


#: Titles of the dated lists a popup shows whole (a layer's ``series`` with a number).
SERIES_TITLES = {"counts": "Every count in the sources", "progress": "Every reported length"}


def _series_list(spec: LayerSpec, props: dict) -> str:
    """Each dated figure of the feature's lists, who gave it, what it counts, its sources: side by side."""
    blocks = []
    for name, number in spec.series.items():
        items = props.get(name)
        if not number or not isinstance(items, list) or not items:
            continue
        entries = []
        for item in items:
            if not isinstance(item, dict):
                continue
            readings = [item, *[e for e in item.get("estimates") or [] if isinstance(e, dict)]]
            lines = []
            for reading in readings:
                figure = _figure(reading.get(number))
                kind = VALUE_KIND_WORDS.get(str(reading.get("value_kind")), "")
                who = ", ".join(str(reading[k]) for k in ("by", "counts") if _present(reading.get(k)))
                links = numbered_links(reading.get("sources"))
                lines.append(f"{esc(kind + figure)}{' (' + esc(who) + ')' if who else ''} {links}".strip())
            when = (
                describe_period(item.get("date"), item.get("date"))
                if ISO_DAY.fullmatch(str(item.get("date")))
                else ""
            )
            entries.append(f"<li><b>{esc(when)}</b>: {' · '.join(lines)}</li>")
        if entries:
            summary = f"<summary>{esc(SERIES_TITLES.get(name, name))}</summary>"
            blocks.append(f'<details class="series">{summary}<ul>{"".join(entries)}</ul></details>')
    return "".join(blocks)


#: Where a popup's rows for the day shown go (see :func:`popup_parts`).
DAY_MARK = "<!--day-->"


def popup_parts(spec: LayerSpec, props: dict, km_text: str | None = None) -> tuple[str, str]:
    """A popup in two parts: what holds on every day, and what the chosen day adds.

    Parameters
    ----------
    spec
        The feature's layer (which extra fields to show).
    props
        The feature's properties; not changed.
    km_text
        Written instead of a fence's built length (:data:`KM_MARK` when the
        browser fills in each day's figure).

    Returns
    -------
    tuple
        ``(lasting, day)``: the lasting HTML carries :data:`DAY_MARK` where the
        day's HTML goes (a fence's length, a camp's count, a crossing's state
        and their sources). Every value is escaped; every http(s) source is a
        link that opens in a new tab.
    """
    rows = []
    if _present(props.get("start")):
        period = describe_period(props["start"], props.get("end") or "", props.get("date_precision", "day"))
        rows.append(("Dates", period))
    if _present(props.get("geo_precision")):
        rows.append(("Location", LOCATION_WORDS.get(props["geo_precision"], props["geo_precision"])))
    derived = {"built_km", "built_km_basis", "people_on_day", "people_peak", "status", "status_note"}
    for name, label in spec.popup_fields:
        if name in spec.numbers and name in props and not _present(props.get(name)):
            # An unknown figure is said, so nobody reads its absence as zero.
            rows.append((label, "not given in the sources"))
            continue
        if name not in derived and _present(props.get(name)):
            value = props[name]
            if spec.colour_by == name and value in spec.colours:
                value = spec.colours[value][1]
            elif name == "country":
                value = COUNTRY_WORDS.get(value, value)
            rows.append((label, _figure(value) if _number(value) is not None else value))
    parts = [f'<div class="mapapp-popup"><h4>{esc(props.get("name"))}</h4>']
    if rows:
        parts.append(_rows(rows))
    parts.append(DAY_MARK)
    parts.append(_series_list(spec, props))
    sources = props.get("sources")
    if _present(sources):
        parts.append(_source_list("Sources", sources, props.get("start")))
    if _present(props.get("notes")):
        # Notes hold the reasoning behind dates, places and figures: one click away.
        summary = "<summary>Notes: how this is known</summary>"
        parts.append(f'<details class="notes">{summary}{esc(props["notes"])}</details>')
    parts.append("</div>")
    day = []
    day_rows = DAY_ROWS[spec.on_day](props, km_text) if spec.on_day else []
    if day_rows:
        day.append(_rows(day_rows))
    day_sources = [url for name in DAY_SOURCES if _present(props.get(name)) for url in props[name]]
    day_sources = [url for url in dict.fromkeys(day_sources) if not _present(sources) or url not in sources]
    if day_sources:
        day.append(_source_list("Sources of this day's figure", day_sources, props.get("start")))
    return "".join(parts), "".join(day)


def _rows(rows: list[tuple[str, object]]) -> str:
    """A definition list of (label, value) rows, escaped."""
    # Markup values are escaped already (a fence's length with its mark).
    cells = (f"<dt>{esc(k)}</dt><dd>{v if isinstance(v, Markup) else esc(v)}</dd>" for k, v in rows)
    return "<dl>" + "".join(cells) + "</dl>"


def popup_html(spec: LayerSpec, props: dict) -> str:
    """The whole popup of a feature on a day (see :func:`popup_parts`).

    Parameters
    ----------
    spec
        The feature's layer.
    props
        The feature's properties; not changed.

    Returns
    -------
    str
        HTML: name, dates, precision, the layer's own fields, the day's
        figures, every source as a link and the notes, all escaped.
    """
    lasting, day = popup_parts(spec, props)
    return lasting.replace(DAY_MARK, day)


def tooltip_text(spec: LayerSpec, props: dict) -> str:
    """A feature's tooltip: its name, and how roughly a point is placed (escaped)."""
    text = esc(props.get("name"))
    if spec.geometry == "point" and props.get("geo_precision") == "approximate":
        text += " (approximate location)"
    elif spec.geometry == "point" and props.get("geo_precision") == "region":
        text += " (region only)"
    return text
