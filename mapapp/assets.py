"""Files the browser fetches from the app itself, never from a CDN.

The app is served by :mod:`mapapp.server`, which adds file routes under
:data:`URL_PREFIX` to Streamlit: Leaflet straight from its installed XStatic
package (no third-party code is committed or copied), our scripts and
stylesheet from the package, and the files the app generates (the compiled
timeline, the popups, the backdrop) from a cache folder outside the package. Nothing is
written into the package at run time, so a read-only install works. Nothing
here touches the network.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import time
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet

#: Our own committed files for the map (scripts, stylesheet); read, never written.
PACKAGE_STATIC = Path(__file__).resolve().parent / "static"
VENDOR_PACKAGES = {"leaflet": xs_leaflet}
#: Our own stylesheet for the map (labels, legend, time bar), committed in static/.
MAP_CSS = "map.css"
#: The map's engine (an ES module) and its Streamlit component, committed in static/.
ENGINE_JS = "timemap.js"
COMPONENT_JS = "component.js"
#: Where the file routes live on the app's server.
URL_PREFIX = "/mapapp-files"
#: Environment variable naming the cache folder for generated files.
CACHE_ENV = "MAPAPP_CACHE_DIR"
#: Generated files unused for this long are removed (seconds); not sooner, since
#: another app process or an open page may still use them.
STALE_AFTER_S = 24 * 3600


def cache_dir() -> Path:
    """The folder for generated files: ``$MAPAPP_CACHE_DIR``, else the user's cache folder.

    The user's cache is ``$XDG_CACHE_HOME/border-crisis-map`` (default
    ``~/.cache/border-crisis-map``). When that cannot be created or written,
    a folder of this user's in the system's temporary folder is used.
    """
    return _resolve_cache_dir(os.environ.get(CACHE_ENV) or "", os.environ.get("XDG_CACHE_HOME") or "")


@functools.cache
def _resolve_cache_dir(given: str, xdg: str) -> Path:
    """The cache folder for these settings, created once per process (files are written at every step)."""
    if given:
        return Path(given)
    base = Path(xdg or Path.home() / ".cache")
    for candidate in (
        base / "border-crisis-map",
        Path(tempfile.gettempdir()) / f"border-crisis-map-{os.getuid()}",
    ):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK | os.X_OK):
            return candidate
    raise OSError(f"no writable cache folder: set {CACHE_ENV} to one")


def data_files_dir() -> Path:
    """Where generated files are written (served at ``URL_PREFIX/data``)."""
    return cache_dir() / "data"


def static_prefix() -> str:
    """URL path of the app's file routes (see :mod:`mapapp.server`)."""
    return URL_PREFIX


def _vendor_dir(name: str) -> str:
    """URL folder of a vendored package, versioned so a browser cache never goes stale."""
    return f"{name}-{VENDOR_PACKAGES[name].VERSION}"


def file_routes() -> list[tuple[str, Path]]:
    """(URL path, folder) pairs the server serves as static files.

    Returns
    -------
    list of tuple
        Leaflet from its installed package, the package's own
        static files, and the generated data files in the cache folder
        (created here if missing).
    """
    data = data_files_dir()
    data.mkdir(parents=True, exist_ok=True)
    routes = [
        (f"{URL_PREFIX}/vendor/{_vendor_dir(name)}", Path(p.BASE_DIR)) for name, p in VENDOR_PACKAGES.items()
    ]
    return [*routes, (f"{URL_PREFIX}/static", PACKAGE_STATIC), (f"{URL_PREFIX}/data", data)]


def engine_links(prefix: str = URL_PREFIX) -> dict:
    """URLs of Leaflet, the map's engine and the stylesheets, all served by the app.

    Parameters
    ----------
    prefix
        URL path of the file routes (:func:`static_prefix`).

    Returns
    -------
    dict
        ``leaflet`` (script), ``engine`` (ES module) and ``css`` (list).
    """
    leaflet = f"{prefix}/vendor/{_vendor_dir('leaflet')}"
    return {
        "leaflet": f"{leaflet}/leaflet.js",
        "engine": f"{prefix}/static/{ENGINE_JS}",
        "css": [f"{leaflet}/leaflet.css", f"{prefix}/static/{MAP_CSS}"],
    }


def publish_json(name: str, body: bytes, prefix: str, folder: Path | None = None) -> str:
    """Write a JSON document into the data files folder and return its URL.

    Parameters
    ----------
    name
        The start of the file name (what it is: ``timeline``, ``popups``…).
    body
        The document's bytes.
    prefix
        URL path of the file routes (:func:`static_prefix`).
    folder
        Where to write; default :func:`data_files_dir`.

    Returns
    -------
    str
        The file's URL. The name carries a hash of the content, so changed
        data gets a new URL and a browser never shows a stale copy. Versions
        of the same name older than ``STALE_AFTER_S`` are removed.
    """
    digest = hashlib.sha256(body).hexdigest()[:12]
    folder = folder or data_files_dir()
    path = folder / f"{name}.{digest}.json"
    ensure_file(path, body)
    _remove_stale_versions(folder, name, keep=path)
    return f"{prefix}/data/{path.name}"


#: A file in use has its time refreshed at most this often (seconds).
TOUCH_EVERY_S = 3600


def mark_in_use(path: Path) -> bool:
    """Refresh the time of a file still in use (at most hourly); False if it is not there.

    :func:`remove_stale_files` goes by that time, also in another process of the app.
    """
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return False
    if time.time() - modified > TOUCH_EVERY_S:
        try:
            os.utime(path)
        except OSError:  # removed meanwhile, or not ours: it is written again when needed
            pass
    return True


def ensure_file(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` unless it is there (atomically, world-readable).

    Cheap when the file exists (one ``stat``); a file in use has its time
    refreshed now and then, so :func:`remove_stale_files` keeps it.
    """
    if mark_in_use(path):
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
    for old in folder.glob(f"{name}.*.json"):
        if old != keep and old.name.count(".") == 2:
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except FileNotFoundError:  # removed by another process
                pass


def remove_stale_files(folder: Path | None = None, older_than_s: float = STALE_AFTER_S) -> int:
    """Delete generated files not used for ``older_than_s`` seconds; returns how many.

    Each version of the data writes new files, so without this the cache would
    only grow.
    """
    folder = folder or data_files_dir()
    cutoff = time.time() - older_than_s
    removed = 0
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed by another process
            pass
    return removed
