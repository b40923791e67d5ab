"""The data's quality table: how each layer is sourced, placed and dated; whether running totals hold.

Pure functions of a loaded :class:`~mapapp.data.Dataset`: :func:`audit` returns
one :class:`LayerAudit` per layer (and one for the monthly table), which the
command line prints (``python -m mapapp audit``) and a page can show as a
table; :func:`broken_rules` says which rule of ``geodata/README.md`` ("Rules
the audit enforces") a row breaks.

How a source is classed (:func:`source_kind`) rests on the host lists below,
kept by hand: a host is listed only after one of its pages was read and found
to be a copy of someone else's reporting (an aggregator or repost), a copy of
a whole site (a mirror of Wikipedia or of another outlet), or a listing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pandas as pd

from mapapp.data import Dataset

#: Layers whose features are facts of the crisis (the others are base geography,
#: sourced from packages and reference works by design).
CRISIS_LAYERS = ("events", "camps", "crossings", "fences", "flight_routes", "emergency_zones")

#: Sites that republish other outlets' reports (often machine-translated), without reporting of their own.
AGGREGATOR_HOSTS = frozenset(
    {
        "archynewsy.com",
        "world-today-news.com",
        "thegoaspotlight.com",
        "freetvonline.live",
        "actualnewsmagazine.com",
        "mailbd.net",
        "rusreality.com",
        "themuslimtimes.info",
        "mediaboss.net",
        "wexsearch.com",
        "ria24.today",
        "postdiscus.com",
        "bunatimes.com",
        "myc.news",
        "az24saat.org",
        "thelargenews.com",
        "newsbreak.com",
        "upnewsinfo.com",
        "thisdaystory.com",
        "polanddaily24.com",
        "devdiscourse.com",
        "urdupoint.com",
        "warsawshotel.com",
        "ksaplayers.com",
        "thenorwaynews.com",
        "tricksfast.com",
        "toneto.net",
        "news.house",
        "traveltrade.xyz",
        "breakingnewsandreligion.online",
        "folkpublication.com",
        "pledgetimes.com",
        "tellerreport.com",
        "news-pravda.com",
        "cde.news",
        "cursorinfo.co.il",
        "aktiencheck.de",
        "naslovi.net",
        "imag.one",
        "canewsottawa.ca",
        "cannels.com",
        "coworkingrugby.co.uk",
        "toplist.info",
        "politicallynow.com",
        "einpresswire.com",
        "fbm.ru",
        "moyby.com",
        "synceg.net",
        "asgard.events",
        "perceptioro.com",
        "perceptiopt.com",
        "polishnews.co.uk",
        "lokmattimes.com",
        "odessa-journal.com",
        "nordenbladet.com",
    }
)

#: Copies of whole sites: Wikipedia mirrors, offline readers, archives, CDN copies. Cite the original address.
MIRROR_HOSTS = frozenset(
    {
        "web.archive.org",
        "iiab.me",
        "kiwix.campusafrica.gos.orange.com",
        "ipfs.cf-ipfs.com",
        "ortopedianew.appspot.com",
        "dnhewrhegkli.shop",
        "global.ssl.fastly.net",
        "cloudfront.net",
        "piglix.com",
        "wikimili.com",
        "iwiki.icu",
        "xcv.wiki",
        "qwertyu.wiki",
        "nuuanu.net",
        "earthspot.org",
        "wiki.li",
        "kidzsearch.com",
        "riteme.site",
        "edgio.link",
        "deno.dev",
        "haohe.fun",
        "colibris-outilslibres.org",
        "belsat.cloud",
        "wikiwand.com",
        "wikizero.com",
    }
)

#: Origins that place or describe a feature (reference works, data packages) but do not report crisis facts:
#: in the crisis layers they do not count towards two independent sources.
PLACE_ONLY_ORIGINS = frozenset(
    {"wikipedia.org", "github.com", "geonames.org", "openstreetmap.org", "npmjs.com", "wikimapia.org"}
)

#: Wire services whose copies on other sites are one report, however many sites carry it.
WIRE_COPY_HOSTS = {
    "kttc.com": "AP",
    "muscatinejournal.com": "AP",
    "detroitnews.com": "AP",
    "sandiegouniontribune.com": "AP",
    "news.yahoo.com": "AP",
    "wtop.com": "AP",
    "newsmax.com": "AP",
}

#: Paths of listing pages (tags, categories, paginated lists, searches) rather than articles.
LISTING_PATH = re.compile(r"/(tag|tags|category|search)/|/page/\d+/?$|[?&](mode=list|search=)", re.IGNORECASE)

#: Two-label public suffixes under which the registrable domain has three labels.
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac"}


def host_of(url: str) -> str:
    """The host of a URL, lower case, without ``www.``/``m.`` or a trailing dot."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    return re.sub(r"^(www|m)\.", "", host)


def _listed(host: str, hosts: Iterable[str]) -> bool:
    """``host`` is one of ``hosts`` or a subdomain of one."""
    return any(host == h or host.endswith("." + h) for h in hosts)


def source_kind(url: str) -> str:
    """How a source stands: ``original``, ``aggregator``, ``mirror``, ``homepage`` or ``listing``.

    Parameters
    ----------
    url
        A source URL.

    Returns
    -------
    str
        ``mirror`` for copies of whole sites (:data:`MIRROR_HOSTS`),
        ``aggregator`` for reposts (:data:`AGGREGATOR_HOSTS`), ``homepage`` for a
        site's front page, ``listing`` for tag, category and search pages,
        else ``original``.
    """
    host = host_of(url)
    if _listed(host, MIRROR_HOSTS):
        return "mirror"
    if _listed(host, AGGREGATOR_HOSTS):
        return "aggregator"
    parts = urlsplit(url)
    if parts.path.strip("/") == "" and not parts.query:
        return "homepage"
    if LISTING_PATH.search(parts.path + ("?" + parts.query if parts.query else "")):
        return "listing"
    return "original"


def origin_of(url: str) -> str:
    """Who a source's report comes from: a wire service, Wikipedia, or the site's registrable domain."""
    host = host_of(url)
    for wire_host, wire in WIRE_COPY_HOSTS.items():
        if _listed(host, [wire_host]):
            return wire
    if host.endswith("wikipedia.org"):
        return "wikipedia.org"
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def independent_origins(urls: Iterable[str]) -> set[str]:
    """The distinct origins among the original sources (aggregators, mirrors and listings do not count)."""
    return {origin_of(u) for u in urls if source_kind(u) in ("original", "homepage")}


def feature_sources(props: dict) -> list[str]:
    """Every source URL of a feature: its own and those of its dated items (counts, progress, closures)."""
    urls = list(props.get("sources") or [])
    for name in ("counts", "progress", "closures"):
        items = props.get(name)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    urls.extend(item.get("sources") or [])
                    for other in item.get("estimates") or []:
                        urls.extend(other.get("sources") or [])
    return urls


@dataclass(frozen=True)
class SeriesBreak:
    """Two figures of one running series where the later, longer count is the smaller."""

    series: str
    earlier: str
    later: str

    def __str__(self) -> str:
        return f"{self.series}: {self.earlier} then {self.later}"


def _end_bounds(row: dict) -> tuple[str, str]:
    """The earliest and latest day a figure's count may end (a whole month when only its month is known)."""
    end = row["period_end"]
    if row.get("end_precision") == "month":
        return end[:7] + "-01", end
    return end, end


def series_breaks(monthly: pd.DataFrame) -> list[SeriesBreak]:
    """Figures that make a running count fall.

    Two figures belong to one series when they have the same country, base
    metric, counting body and ``period_start``: both count the same thing from
    the same day, so the one that ends later can never be smaller. A figure
    whose end is known only to its month is compared only with figures that
    end outside that month. Figures without a start (legacy rows, sources that
    give none) belong to no series.

    Parameters
    ----------
    monthly
        The monthly table with its basis columns (:func:`mapapp.data.read_monthly`).

    Returns
    -------
    list of SeriesBreak
    """
    breaks = []
    typed = monthly[(monthly["period_start"] != "") & (monthly["period_end"] != "")]
    base = typed["metric"].str.replace(r"_(year|period|running)_total$", "", regex=True)
    for key, rows in typed.groupby([typed["country"], base, typed["body"], typed["period_start"]]):
        records = rows.to_dict("records")
        for a in records:
            for b in records:
                a_last, b_first = _end_bounds(a)[1], _end_bounds(b)[0]
                if a_last < b_first and b["value"] < a["value"]:
                    breaks.append(
                        SeriesBreak(
                            " / ".join(key),
                            f"{a['value']:,.0f} to {a['period_end']} ({a['source_url']})",
                            f"{b['value']:,.0f} to {b['period_end']} ({b['source_url']})",
                        )
                    )
    return breaks


def progress_breaks(frame: pd.DataFrame, items: str, number: str) -> list[SeriesBreak]:
    """Features whose cumulative list (a fence's ``progress`` of ``built_km``) falls between dates."""
    breaks = []
    if items not in frame.columns:
        return breaks
    for fid, series in zip(frame["id"], frame[items], strict=True):
        for before, after in itertools.pairwise(series):
            if after[number] < before[number]:
                breaks.append(
                    SeriesBreak(
                        f"{fid} {number}",
                        f"{before[number]:,} on {before['date']}",
                        f"{after[number]:,} on {after['date']}",
                    )
                )
    return breaks


@dataclass(frozen=True)
class LayerAudit:
    """One row of the quality table."""

    layer: str
    features: int
    two_sources: int
    geo_precision: dict[str, int] = field(default_factory=dict)
    date_precision: dict[str, int] = field(default_factory=dict)
    only_copies: tuple[str, ...] = ()
    bad_sources: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()
    untyped: int = 0

    @property
    def two_sources_share(self) -> float:
        """Share of features (or figures) with at least two independent sources, 0–1."""
        return self.two_sources / self.features if self.features else 1.0


def _layer_audit(layer: str, frame: pd.DataFrame) -> LayerAudit:
    """The quality row of one layer's frame."""
    only, bad, two = [], [], 0
    crisis = layer in CRISIS_LAYERS
    for props in frame.to_dict("records"):
        urls = feature_sources(props)
        origins = independent_origins(urls)
        if crisis:
            origins -= PLACE_ONLY_ORIGINS  # they place a fact, they do not report it
        two += len(origins) >= 2
        if not origins:
            only.append(props["id"])
        bad.extend(
            f"{props['id']}: {kind} {url}"
            for url in dict.fromkeys(urls)
            if (kind := source_kind(url)) in ("mirror", "homepage", "listing")
        )
    counts = {
        name: frame[name].value_counts().to_dict() if name in frame.columns else {}
        for name in ("geo_precision", "date_precision")
    }
    breaks = progress_breaks(frame, "progress", "built_km") if layer == "fences" else []
    return LayerAudit(
        layer=layer,
        features=len(frame),
        two_sources=two,
        geo_precision=counts["geo_precision"],
        date_precision=counts["date_precision"],
        only_copies=tuple(only),
        bad_sources=tuple(bad),
        breaks=tuple(str(b) for b in breaks),
    )


def _monthly_audit(monthly: pd.DataFrame) -> LayerAudit:
    """The quality row of the monthly table: a figure is one country, metric, period and body."""
    key = ["country", "metric", "period_start", "period_end", "body"]
    two = 0
    groups = monthly.groupby(key, dropna=False)["source_url"]
    for urls in groups:
        two += len(independent_origins(urls[1])) >= 2
    kinds = [(f"line {n}: {url}", source_kind(url)) for n, url in enumerate(monthly["source_url"], start=2)]
    return LayerAudit(
        layer="monthly_figures",
        features=groups.ngroups,
        two_sources=two,
        date_precision=monthly["end_precision"].replace("", "unknown").value_counts().to_dict(),
        only_copies=tuple(where for where, kind in kinds if kind in ("aggregator", "mirror")),
        bad_sources=tuple(where for where, kind in kinds if kind in ("mirror", "homepage", "listing")),
        breaks=tuple(str(b) for b in series_breaks(monthly)),
        untyped=int((monthly["basis"] == "").sum()),
    )


def audit(dataset: Dataset) -> list[LayerAudit]:
    """The quality table: one row per layer, then one for the monthly figures.

    Parameters
    ----------
    dataset
        The loaded data.

    Returns
    -------
    list of LayerAudit
    """
    rows = [_layer_audit(layer, frame) for layer, frame in dataset.frames.items()]
    rows.append(_monthly_audit(dataset.monthly))
    return rows


#: Rules of ``geodata/README.md`` ("Rules the audit enforces"), by the row field they read.
RULES = {
    "only_copies": "no feature or figure rests only on aggregators, mirrors or (crisis layers) Wikipedia",
    "bad_sources": "no source is a mirror, a homepage or a tag/listing page",
    "breaks": "no running count falls (monthly series, fence progress)",
    "untyped": "every monthly figure states its basis",
}


#: Rule 5 of ``geodata/README.md``: the crisis layers' share of features with two independent sources.
MIN_TWO_SOURCES_SHARE = 0.9


def broken_rules(rows: list[LayerAudit]) -> list[str]:
    """One line per broken rule and layer, naming what breaks it; empty when the data keeps every rule."""
    broken = []
    share = crisis_share(rows)
    if share < MIN_TWO_SOURCES_SHARE:
        broken.append(
            f"crisis layers: at least {MIN_TWO_SOURCES_SHARE:.0%} of features have two independent sources: "
            f"{share:.1%}"
        )
    for row in rows:
        for name, rule in RULES.items():
            value = getattr(row, name)
            if value:
                shown = value if isinstance(value, int) else "; ".join(value[:5])
                more = f" (+{len(value) - 5} more)" if not isinstance(value, int) and len(value) > 5 else ""
                broken.append(f"{row.layer}: {rule}: {shown}{more}")
    return broken


def crisis_share(rows: list[LayerAudit]) -> float:
    """Share of the crisis layers' features (all together) with at least two independent sources."""
    crisis = [row for row in rows if row.layer in CRISIS_LAYERS]
    total = sum(row.features for row in crisis)
    return sum(row.two_sources for row in crisis) / total if total else 1.0


def _shares(counts: dict[str, int], total: int) -> str:
    """``{"exact": 3, "region": 1}`` → ``exact 75 %, region 25 %``."""
    if not counts or not total:
        return "–"
    return ", ".join(f"{k} {100 * v / total:.0f} %" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def table_rows(rows: list[LayerAudit]) -> list[dict[str, str]]:
    """The quality table as text cells, one dict per layer (for a terminal or a page)."""
    return [
        {
            "layer": row.layer,
            "features": str(row.features),
            "≥2 independent sources": f"{100 * row.two_sources_share:.0f} %",
            "geo precision": _shares(row.geo_precision, row.features),
            "date precision": _shares(row.date_precision, sum(row.date_precision.values())),
            "only copies": str(len(row.only_copies)),
            "mirror/home/tag sources": str(len(row.bad_sources)),
            "series breaks": str(len(row.breaks)),
        }
        for row in rows
    ]


def format_table(rows: list[LayerAudit]) -> str:
    """The quality table as aligned plain text."""
    cells = table_rows(rows)
    if not cells:
        return ""
    names = list(cells[0])
    widths = {n: max(len(n), *(len(c[n]) for c in cells)) for n in names}
    lines = ["  ".join(n.ljust(widths[n]) for n in names)]
    lines.append("  ".join("-" * widths[n] for n in names))
    lines.extend("  ".join(c[n].ljust(widths[n]) for n in names) for c in cells)
    return "\n".join(lines)
