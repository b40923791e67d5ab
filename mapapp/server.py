"""The app's server: the Streamlit page plus the files the map fetches.

Start it with ``streamlit run mapapp/server.py`` (``python3 tasks.py run`` does).
Streamlit runs the page (:mod:`mapapp.app`); the routes added here serve
Leaflet, jQuery and our stylesheet from the installed packages, and the
generated layer files from the cache folder (see :mod:`mapapp.assets`), so
the package itself is never written to.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``streamlit run mapapp/server.py`` puts mapapp/ itself on sys.path, not the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from mapapp import assets


def file_mounts() -> list[Mount]:
    """One static-file route per folder of :func:`mapapp.assets.file_routes`."""
    return [Mount(path, app=StaticFiles(directory=folder)) for path, folder in assets.file_routes()]


app = st.App(str(Path(__file__).resolve().with_name("app.py")), routes=file_mounts())
