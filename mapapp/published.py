"""The files the browser draws the map from, made once per version of the data.

The compiled timeline (:mod:`mapapp.compiled`), the popups and the country
backdrop are written into the cache folder under names that carry a hash of
their content, and an index per data version remembers them: a server started
again on the same data reads the index instead of compiling again.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from mapapp import assets, compiled, pagedata
from mapapp.data import Dataset
from mapapp.layers import COUNTRIES
from mapapp.render import basemap

_PUBLISH_LOCK = threading.Lock()


def data_version(directory: Path) -> str:
    """A fingerprint of the data files and of the code that compiles them."""
    digest = hashlib.sha256()
    package = Path(compiled.__file__).resolve().parent
    code = sorted(package.rglob("*.py"))
    for path in [*sorted(p for p in Path(directory).iterdir() if p.is_file()), *code]:
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_PUBLISHED: dict[tuple[str, str], dict[str, str]] = {}


def published(dataset: Dataset, prefix: str = assets.URL_PREFIX) -> dict[str, str]:
    """Publish the compiled timeline, the popups and the backdrop; their URLs (once per process).

    Files removed meanwhile (by another process's clean-up) are written again.

    A data version already compiled by an earlier process is read from the
    cache folder instead of compiled again (an index file per version).
    """
    with _PUBLISH_LOCK:
        key = (str(dataset.directory), prefix)
        urls = _PUBLISHED.get(key)
        # Another process of the app may have cleaned the files away: a stat per run
        # finds that (and keeps them marked in use), so no link ever points at nothing.
        if urls is None or not all(_in_use(url) for url in urls.values()):
            urls = _PUBLISHED[key] = _publish(dataset, prefix)
        return urls


def _in_use(url: str) -> bool:
    """Whether a published file is still there (its in-use time refreshed)."""
    return assets.mark_in_use(assets.data_files_dir() / url.rsplit("/", 1)[-1])


def _publish(dataset: Dataset, prefix: str) -> dict[str, str]:
    """Compile and write the files, or find them written by an earlier process."""
    folder = assets.data_files_dir()
    index = folder / f"published-{data_version(dataset.directory)}.json"
    try:
        names = json.loads(index.read_text(encoding="utf-8"))
        if all(assets.mark_in_use(folder / name) for name in names.values()):
            return {key: f"{prefix}/data/{name}" for key, name in names.items()}
    except (OSError, ValueError):
        pass
    # Files of older data versions go once nobody has used them for a day.
    assets.remove_stale_files()
    timeline, popups = compiled.compile_timeline(dataset)
    backdrop = basemap.backdrop_collection(dataset.frame(COUNTRIES.id))
    urls = {
        "timeline": assets.publish_json("timeline", compiled.to_bytes(timeline), prefix),
        "popups": assets.publish_json("popups", compiled.to_bytes(popups), prefix),
        "backdrop": assets.publish_json("backdrop", compiled.to_bytes(backdrop), prefix),
    }
    assets.ensure_file(
        index, json.dumps({key: url.rsplit("/", 1)[-1] for key, url in urls.items()}).encode("utf-8")
    )
    return urls


def documents(dataset: Dataset) -> dict[str, dict]:
    """The published documents themselves (``timeline``, ``popups``, ``backdrop``), read back."""
    folder = assets.data_files_dir()
    return {
        name: json.loads((folder / url.rsplit("/", 1)[-1]).read_text(encoding="utf-8"))
        for name, url in published(dataset).items()
    }


_PAGES: dict[str, dict] = {}
_PAGES_LOCK = threading.Lock()


def _pages_path(version: str) -> Path:
    return assets.data_files_dir() / f"pages-{version}.json"


def pages_ready(directory: Path) -> bool:
    """Whether the day figures of this data version are compiled already (in the cache folder)."""
    return assets.mark_in_use(_pages_path(data_version(directory)))


def pages(dataset: Dataset) -> dict:
    """The page's figures for every day and its chart (:func:`mapapp.pagedata.compile_pages`).

    Compiling takes seconds, so the result is kept per data version: in this
    process, and in the cache folder for the next one (the app's single-file
    download and ``python -m mapapp publish`` share it).
    """
    version = data_version(dataset.directory)
    with _PAGES_LOCK:
        found = _PAGES.get(version)
        if found is not None:
            return found
        path = _pages_path(version)
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
            assets.mark_in_use(path)
        except (OSError, ValueError):
            found = json.loads(compiled.to_bytes(pagedata.compile_pages(dataset)))
            assets.ensure_file(path, compiled.to_bytes(found))
        _PAGES[version] = found
        return found


def compile_pages_aside(directory: Path) -> subprocess.Popen | None:
    """Compile the download's day figures in a process of their own, at the lowest priority.

    The single-file download (the reader edition) needs the figures of every
    day: about 10 s of CPU once per data version, kept in the cache folder.
    In this process it would hold Python's lock while the first readers wait,
    so ``python -m mapapp prepare`` does it beside the server, niced; a
    download asked for before it is done compiles them itself.
    """
    if pages_ready(directory):
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "mapapp", "prepare", "--data-dir", str(directory)],
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=lambda: os.nice(19),
        )
    except OSError:
        return None  # the first download compiles them
