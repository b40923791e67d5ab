"""Files the browser fetches from the app itself, never from a CDN.

Streamlit serves ``mapapp/static/`` at ``<baseUrlPath>/app/static/`` when
``server.enableStaticServing`` is on (see ``.streamlit/config.toml``). Leaflet
and jQuery are copied there from their installed XStatic packages (so no
third-party code is committed), and the heavy static layers are written there
as GeoJSON so the browser fetches them once instead of at every rerun.
Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_PACKAGES = {"leaflet": xs_leaflet, "jquery": xs_jquery}
#: Our own stylesheet for the map (labels, legend), committed in static/.
MAP_CSS = "map.css"
#: Older versions of a published layer are removed after this long (seconds);
#: not at once, since another app process may still be serving them.
STALE_AFTER_S = 24 * 3600


def static_prefix(base_url_path: str = "") -> str:
    """URL path under which Streamlit serves ``static/`` (``/app/static`` at the root)."""
    base = base_url_path.strip("/")
    return f"/{base}/app/static" if base else "/app/static"


def _vendor_dir(name: str) -> str:
    """Folder name of a vendored package, versioned so a browser cache never goes stale."""
    return f"{name}-{VENDOR_PACKAGES[name].VERSION}"


def publish_vendor_files(static_dir: Path = STATIC_DIR) -> None:
    """Copy Leaflet and jQuery from their installed packages into ``static_dir/vendor``.

    Idempotent and safe when two processes start at once: each package is
    copied to a temporary folder and renamed into place.

    Parameters
    ----------
    static_dir
        The folder Streamlit serves (``mapapp/static``).
    """
    vendor = static_dir / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    for name, package in VENDOR_PACKAGES.items():
        target = vendor / _vendor_dir(name)
        if target.is_dir():
            continue
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=vendor))
        shutil.copytree(package.BASE_DIR, tmp, dirs_exist_ok=True)
        try:
            os.rename(tmp, target)
        except OSError:  # another process won the race
            shutil.rmtree(tmp, ignore_errors=True)


def vendor_links(prefix: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Script and stylesheet URLs for folium, all served by the app.

    Parameters
    ----------
    prefix
        URL path of the static folder (:func:`static_prefix`).

    Returns
    -------
    tuple
        ``(default_js, default_css)`` in folium's ``[(name, url), ...]`` form.
    """
    leaflet = f"{prefix}/vendor/{_vendor_dir('leaflet')}"
    jquery = f"{prefix}/vendor/{_vendor_dir('jquery')}"
    js = [("leaflet", f"{leaflet}/leaflet.js"), ("jquery", f"{jquery}/jquery.min.js")]
    css = [("leaflet_css", f"{leaflet}/leaflet.css"), ("mapapp_css", f"{prefix}/{MAP_CSS}")]
    return js, css


def publish_geojson(name: str, collection: dict, prefix: str, static_dir: Path = STATIC_DIR) -> str:
    """Write a FeatureCollection under ``static_dir/data`` and return its URL.

    Parameters
    ----------
    name
        Layer id, the start of the file name.
    collection
        The GeoJSON to serve.
    prefix
        URL path of ``static_dir`` (:func:`static_prefix`).
    static_dir
        Folder Streamlit serves.

    Returns
    -------
    str
        The file's URL. The name carries a hash of the content, so a changed
        layer gets a new URL and a browser never shows a stale copy. Versions
        of the same layer older than ``STALE_AFTER_S`` are removed.

    """
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()[:12]
    folder = static_dir / "data"
    path = folder / f"{name}.{digest}.geojson"
    ensure_file(path, body)
    _remove_stale_versions(folder, name, keep=path)
    return f"{prefix}/data/{path.name}"


def ensure_file(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` unless it is there (atomically, world-readable).

    Cheap when the file exists (one ``stat``).
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a public file
    os.replace(tmp, path)


def _remove_stale_versions(folder: Path, name: str, keep: Path) -> None:
    """Delete other versions of one layer's file once they are a day old."""
    cutoff = time.time() - STALE_AFTER_S
    for old in folder.glob(f"{name}.*.geojson"):
        if old != keep and old.name.count(".") == 2:
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except FileNotFoundError:  # removed by another process
                pass
