"""The app's server: the Streamlit page plus the files the map fetches.

Start it with ``streamlit run mapapp/server.py`` (``python3 tasks.py run`` does).
Streamlit runs the page (:mod:`mapapp.app`); the routes added here serve
Leaflet, our scripts and stylesheet from the installed packages, and the
generated files (the compiled timeline…) from the cache folder (see
:mod:`mapapp.assets`), so the package itself is never written to. The data is
loaded, the timeline compiled and the page's data-only parts built as the
server starts, not when the first reader arrives.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``streamlit run mapapp/server.py`` puts mapapp/ itself on sys.path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import importlib
import logging
import threading

import streamlit as st
from starlette.routing import Mount

from mapapp import assets, data, published
from mapapp.staticfiles import CompressedFiles

LOG = logging.getLogger("mapapp")


def file_mounts() -> list[Mount]:
    """One static-file route per folder of :func:`mapapp.assets.file_routes`, compressed once."""
    return [Mount(path, app=CompressedFiles(directory=folder)) for path, folder in assets.file_routes()]


def prepare() -> None:
    """Load the data, publish the map's files, warm the page and the download (in the background, at start).

    Without the warm-up the first reader's page imported the chart's library
    (about 0.7 s here), Streamlit's emoji table for the page icon (0.3 s) and
    built the quality table and the chart while its reader waited.
    """
    try:
        dataset = data.shared_dataset()
        published.published(dataset)
        from mapapp.page import panels  # imports altair: part of the warm-up

        panels.warm(dataset)
        _import_quietly("streamlit.emojis")
        published.compile_pages_aside(dataset.directory)
    except data.DataError as error:  # the page explains it to the first visitor
        LOG.warning("the map data has %d problem(s); run `python -m mapapp validate`", len(error.problems))
    except Exception:
        LOG.exception("could not prepare the map's files at start; the first page will try again")


def _import_quietly(name: str) -> None:
    """Import a module ahead of its first use; a module Streamlit no longer has is skipped."""
    try:
        importlib.import_module(name)
    except ImportError:
        LOG.debug("no module %s to import ahead", name)


threading.Thread(target=prepare, name="mapapp-prepare", daemon=True).start()
app = st.App(str(Path(__file__).resolve().with_name("app.py")), routes=file_mounts())
