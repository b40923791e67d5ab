"""The reader edition: the map as static files that any number of readers can open.

``python -m mapapp publish OUT/`` writes a site that needs no server of ours:
an ``index.html``, Leaflet, the engine of the app (``static/timemap.js``) with
the page around it (``static/reader.js``), the compiled timeline, popups and
backdrop (:mod:`mapapp.compiled`), and the day figures and chart
(:mod:`mapapp.pagedata`). Every file but ``index.html`` is named by a hash of
its content, so a host may cache it for ever; each has a gzip and a Brotli
copy beside it. ``--single-file`` writes one HTML file with all of it inline,
which opens from ``file://``; it is also the app's "This map (HTML)" download.

Data reaches the page only as JSON in ``<script type="application/json">``
elements (through :func:`mapapp.render.text.js_literal`) or in JSON files;
the page's HTML itself holds no data text. A Content-Security-Policy lets only
our own scripts run (by hash in the single file).
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import brotli

from mapapp import assets, compiled, published, urlstate
from mapapp.data import Dataset
from mapapp.layers import toggleable
from mapapp.render import basemap, text
from mapapp.timeline import CRISIS_END, CRISIS_START, DEFAULT_DAY

#: The basemaps the page can open on.
BASES = tuple(basemap.BASEMAPS)
#: The page's title (also the embed code's).
TITLE = "The Belarus–EU border crisis, day by day"
#: Marks a page as a reader edition, so that publishing again may replace it.
GENERATOR = "border-crisis-map reader edition"
#: What the page says each basemap is.
BASE_WORDS = {"offline": "offline", "osm": "OpenStreetMap"}
#: Our files the page is built from (in mapapp/static/).
TEMPLATE = "reader.html"
READER_JS = "reader.js"
READER_CSS = "reader.css"
SITE_JS = "reader-site.js"
SINGLE_JS = "reader-single.js"
FILE_JS = "reader-file.js"
#: Where OpenStreetMap's tiles come from (allowed by the page's policy, used only with that basemap).
TILE_ORIGIN = "https://tile.openstreetmap.org"
#: The data documents of a page.
DOCUMENTS = ("timeline", "popups", "backdrop", "pages")
#: Files worth a compressed copy.
COMPRESSIBLE = (".html", ".js", ".css", ".json")
_IMPORT_LINE = re.compile(r'^import \{[^}]*\} from "\./timemap\.js";\n', re.M)
_MARK = re.compile(r"<!--@(\w+)-->")


class PublishError(Exception):
    """The edition cannot be written where it was asked to be (the message says why)."""


@dataclass(frozen=True)
class Start:
    """The view a page opens on when its link does not say otherwise."""

    day: dt.date = DEFAULT_DAY
    layers: tuple[str, ...] = tuple(urlstate.default_layers())
    basemap: str = "offline"
    where: tuple[float, float, int] | None = None


def _static(name: str) -> str:
    return (assets.PACKAGE_STATIC / name).read_text(encoding="utf-8")


def _vendor(name: str) -> str:
    path = Path(assets.VENDOR_PACKAGES["leaflet"].BASE_DIR) / name
    return path.read_text(encoding="utf-8")


def bundle(start_file: str) -> str:
    """The page's one module: the engine, the reader (its import of the engine removed), a start-up file."""
    reader = _IMPORT_LINE.sub("", _static(READER_JS), count=1)
    if re.search(r"^import ", reader, re.M):
        raise RuntimeError(f"{READER_JS}: an import the bundle does not resolve")
    return "\n".join([_static(assets.ENGINE_JS), reader, _static(start_file)])


def stylesheet() -> str:
    """Leaflet's styles, the map's and the page's, as one stylesheet."""
    return "\n".join([_vendor("leaflet.css"), _static(assets.MAP_CSS), _static(READER_CSS)])


def documents(dataset: Dataset) -> dict[str, dict]:
    """Everything the page reads: ``timeline``, ``popups``, ``backdrop`` and ``pages`` (compiled once)."""
    return {**published.documents(dataset), "pages": published.pages(dataset)}


def config(start: Start, files: dict[str, str] | None = None) -> dict:
    """What the page is told by Python: the map's options, the view's rules and words, the files."""
    out = {
        "title": TITLE,
        "map": basemap.map_options(basemap.base_map()),
        "attribution": basemap.OSM_ATTRIBUTION,
        "tiles": {"url": basemap.OSM_TILES, "attribution": basemap.OSM_TILES_ATTRIBUTION},
        "basemaps": dict(basemap.BASEMAPS),
        # The rules and words of mapapp/urlstate.py, with this edition's defaults.
        "rules": {
            "start": CRISIS_START.isoformat(),
            "end": CRISIS_END.isoformat(),
            "defaultDay": start.day.isoformat(),
            "defaultDayWords": f"{start.day:%d %b %Y}",
            "periodWords": f"{CRISIS_START:%d %b %Y} – {CRISIS_END:%d %b %Y}",
            "defaultLayers": list(start.layers),
            "layers": [spec.id for spec in toggleable()],
            "basemaps": list(basemap.BASEMAPS),
            "defaultBasemap": start.basemap,
            "defaultBasemapWords": BASE_WORDS.get(start.basemap, start.basemap),
            "defaultWhere": list(start.where) if start.where else None,
            "minZoom": basemap.MIN_ZOOM,
            "maxZoom": basemap.MAX_ZOOM,
            "shownNames": urlstate.SHOWN_NAMES,
        },
    }
    if files is not None:
        out["files"] = files
    return out


def _csp(scripts: list[str] | None) -> str:
    """The page's Content-Security-Policy: our scripts only (by hash when inline), no plug-ins, no forms."""
    if scripts is None:
        script_src = "'self'"
    else:
        hashes = [base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() for s in scripts]
        script_src = " ".join(f"'sha256-{h}'" for h in hashes)
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: {TILE_ORIGIN}; connect-src 'self'; base-uri 'none'; form-action 'none'"
    )


def _fill(parts: dict[str, str]) -> str:
    """The page's template with its marks replaced (in one pass: no replaced text is read again)."""
    return _MARK.sub(lambda m: parts[m.group(1)], _static(TEMPLATE))


def _inline(body: str) -> str:
    """Our own code made safe to sit inside an HTML element."""
    return body.replace("</script", "<\\/script").replace("</style", "<\\/style")


def _edition(dataset: Dataset) -> str:
    version = published.data_version(dataset.directory)
    return (
        f"Reader edition of the data version {version}, published with "
        f"<code>python -m mapapp publish</code>; it needs no server of ours."
    )


def _hashed(name: str, ext: str, body: bytes) -> str:
    return f"{name}.{compiled.version_of(body)[:12]}.{ext}"


def _json_block(element_id: str, value: object) -> str:
    return f'<script type="application/json" id="{element_id}">{text.js_literal(value)}</script>'


def site_files(dataset: Dataset, start: Start = Start()) -> dict[str, bytes]:
    """The static site: file name → bytes (``index.html`` and the files it names by content hash).

    Parameters
    ----------
    dataset
        The loaded, validated data.
    start
        The view the page opens on when its link does not say.

    Returns
    -------
    dict
        Without compressed copies (see :func:`with_compressed_copies`).
    """
    docs = documents(dataset)
    files: dict[str, bytes] = {}
    names: dict[str, str] = {}
    for key in DOCUMENTS:
        body = compiled.to_bytes(docs[key])
        names[key] = _hashed(key, "json", body)
        files[names[key]] = body
    code = {
        "leaflet": ("js", _vendor("leaflet.js")),
        "file": ("js", _static(FILE_JS)),
        "reader": ("js", bundle(SITE_JS)),
        "style": ("css", stylesheet()),
    }
    for key, (ext, body) in code.items():
        data = body.encode("utf-8")
        names[key] = _hashed({"style": "reader", "file": "fromdisk"}.get(key, key), ext, data)
        files[names[key]] = data
    preload = ["timeline", "pages"] + (["backdrop"] if start.basemap == "offline" else [])
    head = [
        f'<meta name="generator" content="{GENERATOR}">',
        f'<link rel="stylesheet" href="{names["style"]}">',
        *(f'<link rel="preload" href="{names[k]}" as="fetch" crossorigin>' for k in preload),
        f'<script defer src="{names["file"]}"></script>',
        f'<script defer src="{names["leaflet"]}"></script>',
        f'<script type="module" src="{names["reader"]}"></script>',
    ]
    page = _fill(
        {
            "csp": _csp(None),
            "head": "\n".join(head),
            "data": _json_block("rd-config", config(start, {k: names[k] for k in DOCUMENTS})),
            "scripts": "",
            "edition": _edition(dataset),
        }
    )
    files["index.html"] = page.encode("utf-8")
    return files


def single_file(dataset: Dataset, start: Start = Start()) -> str:
    """The reader edition as one HTML file: Leaflet, the code and the data inline; opens from ``file://``.

    Parameters
    ----------
    dataset
        The loaded, validated data.
    start
        The view the page opens on (the app's download passes the reader's current view).

    Returns
    -------
    str
        The page. With the offline basemap it makes no request at all.
    """
    docs = documents(dataset)
    leaflet = _inline(_vendor("leaflet.js"))
    module = _inline(bundle(SINGLE_JS))
    blocks = [_json_block("rd-config", config(start))]
    blocks += [_json_block(f"rd-{key}", docs[key]) for key in DOCUMENTS]
    return _fill(
        {
            "csp": _csp([leaflet, module]),
            "head": "\n".join(
                [f'<meta name="generator" content="{GENERATOR}">', f"<style>{_inline(stylesheet())}</style>"]
            ),
            "data": "\n".join(blocks),
            "scripts": f'<script>{leaflet}</script>\n<script type="module">{module}</script>',
            "edition": _edition(dataset),
        }
    )


def with_compressed_copies(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files and, for text files, a gzip (``.gz``) and a Brotli (``.br``) copy of each.

    Both are made at their best level and carry no time stamp, so the same
    input gives the same bytes.
    """
    out = dict(files)
    for name, body in files.items():
        if name.endswith(COMPRESSIBLE):
            out[name + ".gz"] = gzip.compress(body, compresslevel=9, mtime=0)
            out[name + ".br"] = brotli.compress(body, quality=11)
    return out


#: Names of the files a reader edition writes (what publishing again may remove).
_OURS = re.compile(r"^(index\.html|[a-z]+\.[0-9a-f]{12}\.(js|css|json))(\.gz|\.br)?$")


def _previous_edition(out: Path) -> bool:
    index = out / "index.html"
    try:
        return GENERATOR in index.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False


def check_target(out: Path) -> None:
    """Refuse a target that is a file, or a folder holding anything but an earlier reader edition."""
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not _previous_edition(out):
        raise PublishError(
            f"{out} is not empty and holds no reader edition: choose an empty or new folder, so that "
            "nothing of yours is overwritten"
        )


def write(files: dict[str, bytes], out: Path) -> list[Path]:
    """Write the files into ``out`` (created), and remove files of an earlier edition that are gone.

    Returns the paths written, in name order.
    """
    check_target(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file() and _OURS.match(old.name) and old.name not in files:
            old.unlink()
    written = []
    for name in sorted(files):
        path = out / name
        tmp = out / f".{name}.tmp"
        tmp.write_bytes(files[name])
        tmp.replace(path)
        written.append(path)
    return written
